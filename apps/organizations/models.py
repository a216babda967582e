"""Administrative units, agencies and their units, and reorganisations over time.

Everything here is dated: a row is in force from ``valid_from`` to ``valid_to`` inclusive (null =
still in force). Nothing is edited in place when the province reorganises; a
``ReorganisationEvent`` ends the old rows and starts new ones, so the structure of any past day
stays readable (the 2017 districts next to the 2025 two-level government).
"""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.models import BaseModel


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province level")
    DISTRICT = 2, _("District level")
    COMMUNE = 3, _("Commune level")


def _validity_constraint(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
        name=f"{prefix}_valid_to_after_valid_from",
    )


class DatedQuerySet(models.QuerySet):
    def valid_on(self, day):
        """Rows in force on ``day`` (both ends inclusive)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


class AdministrativeUnit(BaseModel):
    """A province, district or commune as the statistics office (GSO) lists it, for one period."""

    class DivisionType(models.TextChoices):
        PROVINCE = "tinh", _("Province")
        CENTRAL_CITY = "thanh_pho_trung_uong", _("Centrally-run city")
        RURAL_DISTRICT = "huyen", _("Rural district")
        URBAN_DISTRICT = "quan", _("Urban district")
        DISTRICT_TOWN = "thi_xa", _("District-level town")
        PROVINCIAL_CITY = "thanh_pho_thuoc_tinh", _("Provincial city")
        COMMUNE = "xa", _("Commune")
        WARD = "phuong", _("Ward")
        TOWNSHIP = "thi_tran", _("Township")
        SPECIAL_ZONE = "dac_khu", _("Special zone")

    code = models.CharField(_("GSO code"), max_length=10, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    division_type = models.CharField(_("division type"), max_length=30, choices=DivisionType.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["level", "code", "name", "valid_from"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            _validity_constraint("orgs_adminunit"),
            models.UniqueConstraint(
                fields=["code", "valid_from"], condition=~Q(code=""), name="orgs_adminunit_code_once_per_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Agency(BaseModel):
    """An agency (cơ quan) or one of its internal units (phòng, ban, trung tâm), for its lifetime.

    The current name and parent are kept here for display; ``AgencyVersion`` rows hold what they
    were on any day.
    """

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency")
        UNIT = "unit", _("Internal unit")

    class Category(models.TextChoices):
        PEOPLES_COMMITTEE = "ubnd", _("People's Committee")
        PEOPLES_COUNCIL = "hdnd", _("People's Council")
        PARTY_COMMITTEE = "dang_uy", _("Party committee")
        DEPARTMENT = "so", _("Department")
        INSPECTORATE = "thanh_tra", _("Inspectorate")
        POLICE = "cong_an", _("Police")
        OFFICE = "van_phong", _("Office")
        PUBLIC_SERVICE_CENTRE = "trung_tam_hcc", _("Public administration service centre")
        ONE_STOP_DESK = "mot_cua", _("One-stop desk")
        DIVISION = "phong", _("Division")
        BOARD = "ban", _("Board")
        CENTRE = "trung_tam", _("Centre")
        OTHER = "khac", _("Other")

    identifier = models.CharField(_("agency identifier"), max_length=13, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.AGENCY)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["level", "sort_order", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [_validity_constraint("orgs_agency")]
        indexes = [models.Index(fields=["category", "administrative_unit"], name="orgs_agency_cat_unit")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:agency-detail", kwargs={"uuid": self.uuid})


class AgencyVersion(BaseModel):
    """An agency's name and place in the hierarchy during one period."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("name"), max_length=300)
    name_folded = models.CharField(_("name without diacritics"), max_length=300, editable=False, db_index=True)
    parent = models.ForeignKey(
        Agency,
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    event = models.ForeignKey(
        "ReorganisationEvent",
        verbose_name=_("reorganisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="versions",
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["agency", "valid_from"]
        verbose_name = _("agency version")
        verbose_name_plural = _("agency versions")
        constraints = [
            _validity_constraint("orgs_agencyversion"),
            models.UniqueConstraint(fields=["agency", "valid_from"], name="orgs_agencyversion_once_per_start"),
        ]

    def __str__(self) -> str:
        end = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "nay"
        return f"{self.name} ({self.valid_from:%d/%m/%Y} – {end})"


class ReorganisationEvent(BaseModel):
    """One change of the structure, effective on one day, ordered by one decision."""

    class Kind(models.TextChoices):
        ESTABLISH = "establish", _("Establishment")
        MERGE = "merge", _("Merger")
        SPLIT = "split", _("Split")
        RENAME = "rename", _("Renaming")
        TRANSFER = "transfer", _("Transfer of responsibilities")
        ABOLISH = "abolish", _("Abolition")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    effective_date = models.DateField(_("effective date"), db_index=True)
    decision_number = models.CharField(_("decision number and symbol"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_issuer = models.CharField(_("issued by"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["effective_date", "created_at"]
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")

    def __str__(self) -> str:
        decision = f" theo {self.decision_number}" if self.decision_number else ""
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}{decision}"


class ReorganisationLink(BaseModel):
    """One predecessor → successor edge of an event (what moved, for a transfer)."""

    event = models.ForeignKey(
        ReorganisationEvent, verbose_name=_("reorganisation"), on_delete=models.CASCADE, related_name="links"
    )
    predecessor = models.ForeignKey(
        Agency,
        verbose_name=_("predecessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Agency,
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessor_links",
    )
    responsibility = models.CharField(_("responsibility transferred"), max_length=500, blank=True)

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("reorganisation link")
        verbose_name_plural = _("reorganisation links")
        constraints = [
            models.CheckConstraint(
                condition=Q(predecessor__isnull=False) | Q(successor__isnull=False),
                name="orgs_reorglink_has_an_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor or '—'} → {self.successor or '—'}"
