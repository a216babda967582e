"""The procedure catalogue: sectors, procedures and the dated versions the law may change.

A ``Procedure`` holds what identifies it (national code, name, sector, level, competent agency,
online mode). Everything the law may change lives on a ``ProcedureVersion`` in force from
``valid_from`` to ``valid_to`` (inclusive; null = still in force): the 11 public items, the legal
deadline, documents, fees, e-form fields, clock rules and routing steps. A dossier keeps a foreign
key to the version it was received under; once it does, the version is ``in_use`` and nothing on it
or its children may change — a change is a new version (``procedure_version_publish``).
"""

from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.models import BaseModel
from apps.organizations.models import Agency, Level

# Hours of one working day when a share in days is compared with a share in hours (8 office hours,
# apps.core.working_days.DEFAULT_HOURS).
HOURS_PER_WORKING_DAY = Decimal(8)


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    SAME_DAY = "same_day", _("same working day")


def deadline_in_hours(value: Decimal | int | None, unit: str) -> Decimal:
    """A deadline or a share as working hours, to compare days with hours (same day = one day)."""
    if unit == DeadlineUnit.SAME_DAY:
        return HOURS_PER_WORKING_DAY
    amount = Decimal(value or 0)
    return amount * HOURS_PER_WORKING_DAY if unit == DeadlineUnit.WORKING_DAYS else amount


def deadline_label(value: Decimal | int | None, unit: str) -> str:
    """ "15 ngày làm việc", "4 giờ làm việc", "0,5 ngày làm việc", "Trong ngày làm việc"."""
    if unit == DeadlineUnit.SAME_DAY:
        return "Trong ngày làm việc"
    amount = Decimal(value or 0).normalize()
    shown = f"{amount:f}".replace(".", ",")
    return f"{shown} {'ngày' if unit == DeadlineUnit.WORKING_DAYS else 'giờ'} làm việc"


class Sector(BaseModel):
    """A sector (lĩnh vực) of the national TTHC database, e.g. "Hộ tịch", "Hoạt động xây dựng"."""

    code = models.CharField(_("sector code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return f"Lĩnh vực {self.name}"


class LifeEvent(BaseModel):
    """A life event (sự kiện) that groups procedures for applicants, e.g. "Khai sinh", "Xây nhà"."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def __str__(self) -> str:
        return self.name


class Procedure(BaseModel):
    """An administrative procedure (thủ tục hành chính) under its national code.

    The competent agency is ``competent_agency`` when it is one fixed agency (a department); when
    it is null, the competent agency is the receiving agency of category ``competent_category``
    (commune procedures: whichever commune People's Committee received the dossier).
    """

    class OnlineMode(models.TextChoices):
        FULL = "full", _("Full process online")
        PARTIAL = "partial", _("Partly online")

    class OnlineLevel(models.IntegerChoices):
        LEVEL_1 = 1, _("Level 1")
        LEVEL_2 = 2, _("Level 2")
        LEVEL_3 = 3, _("Level 3")
        LEVEL_4 = 4, _("Level 4")

    code = models.CharField(_("national procedure code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=500)
    name_folded = models.CharField(_("name without diacritics"), max_length=500, editable=False, db_index=True)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures")
    level = models.PositiveSmallIntegerField(_("level of government"), choices=Level.choices)
    competent_category = models.CharField(
        _("competent agency category"), max_length=20, choices=Agency.Category.choices
    )
    competent_agency = models.ForeignKey(
        Agency,
        verbose_name=_("competent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competent_procedures",
    )
    online_mode = models.CharField(
        _("online service"), max_length=10, choices=OnlineMode.choices, default=OnlineMode.PARTIAL
    )
    online_level = models.PositiveSmallIntegerField(
        _("online level (2017 scale)"), choices=OnlineLevel.choices, default=OnlineLevel.LEVEL_2
    )
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name=_("life events"), blank=True, related_name="procedures"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", kwargs={"uuid": self.uuid})

    @property
    def current_deadline_label(self) -> str:
        """The in-force deadline annotated by ``selectors.catalogue_search`` ("" without it)."""
        unit = getattr(self, "current_deadline_unit", None)
        return deadline_label(self.current_deadline_value, unit) if unit else ""


class ProcedureSearchEntry(models.Model):
    """The folded words of a procedure that the catalogue search indexes (``apps.procedures.search``).

    Written only by ``search.search_entry_save`` / ``search_index_rebuild``. On SQLite an FTS5 table
    with this table as external content is kept in step by triggers; on PostgreSQL a generated
    ``tsvector`` column with a GIN index, and a trigram index on ``name``, sit on this table (both
    made by migration 0002, outside Django's model state).
    """

    procedure = models.OneToOneField(
        Procedure, primary_key=True, on_delete=models.CASCADE, related_name="search_entry", verbose_name=_("procedure")
    )
    name = models.TextField(_("folded name"))
    extra = models.TextField(_("folded sector, code, agency and life events"), blank=True)

    class Meta:
        ordering = ["procedure"]
        verbose_name = _("procedure search entry")
        verbose_name_plural = _("procedure search entries")

    def __str__(self) -> str:
        return f"Mục tìm kiếm: {self.name}"


class ProcedureVersion(BaseModel):
    """What the law says about a procedure during one period; immutable once ``in_use``.

    ``in_use`` is set (never cleared) by ``procedure_version_mark_in_use`` when the first dossier is
    received under the version; from then on the actions refuse any change to the version and its
    children except ending it (``valid_to``) when a newer version is published.

    The eleven public items (TT 32/2017 Art. 5; Decree 61/2018) are kept as published text; the
    structured parts (deadline, documents, fees, e-form, routing, clock rules) are what the system
    computes with.
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version number"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    in_use = models.BooleanField(_("used by a dossier"), default=False, editable=False)
    # The eleven public items, as published (tên TTHC is the procedure's name).
    sequence = models.TextField(_("sequence of steps"), blank=True)  # trình tự thực hiện
    channels = models.TextField(_("ways to apply"), blank=True)  # cách thức thực hiện
    documents_text = models.TextField(_("documents and number of copies"), blank=True)  # thành phần, số lượng
    deadline_text = models.TextField(_("time limit (as published)"), blank=True)  # thời hạn giải quyết
    subjects = models.TextField(_("who may apply"), blank=True)  # đối tượng thực hiện
    agency_text = models.TextField(_("agency handling the procedure"), blank=True)  # cơ quan thực hiện
    result_description = models.TextField(_("result"), blank=True)  # kết quả thực hiện
    forms_text = models.TextField(_("application forms"), blank=True)  # mẫu đơn, tờ khai
    fees_text = models.TextField(_("fees and charges (as published)"), blank=True)  # phí, lệ phí
    requirements = models.TextField(_("requirements and conditions"), blank=True)  # yêu cầu, điều kiện
    legal_basis = models.TextField(_("legal basis"), blank=True)  # căn cứ pháp lý
    # The legal deadline: whole or half working days, working hours, or the same working day.
    deadline_value = models.DecimalField(_("time limit"), max_digits=6, decimal_places=1, default=Decimal(0))
    deadline_unit = models.CharField(
        _("time limit unit"), max_length=20, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS
    )
    # E-form field definitions (validated by apps.procedures.eforms.eform_fields_validate):
    # [{"name", "label", "type": text|date|number|select|id_number|phone, "required", "options"}].
    eform_fields = models.JSONField(_("e-form fields"), default=list, blank=True)
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)

    class Meta:
        ordering = ["procedure", "-valid_from"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="proc_version_number_once"),
            models.UniqueConstraint(fields=["procedure", "valid_from"], name="proc_version_once_per_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="proc_version_valid_to_after_valid_from",
            ),
            models.CheckConstraint(condition=Q(deadline_value__gte=0), name="proc_version_deadline_not_negative"),
        ]

    def __str__(self) -> str:
        end = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "nay"
        return f"{self.procedure.name} — phiên bản {self.number} ({self.valid_from:%d/%m/%Y} – {end})"

    def in_force_on(self, day: date) -> bool:
        """Whether ``day`` falls in this version's dates (the rule of ``procedure_version_in_force``)."""
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    @property
    def deadline_hours(self) -> Decimal:
        return deadline_in_hours(self.deadline_value, self.deadline_unit)

    @property
    def deadline_display(self) -> str:
        return deadline_label(self.deadline_value, self.deadline_unit)


class DocumentRequirement(BaseModel):
    """One document of the dossier checklist (thành phần hồ sơ) with the copies required."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("procedure version"), on_delete=models.CASCADE, related_name="documents"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=1000)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)  # bản chính
    certified_copies = models.PositiveSmallIntegerField(_("certified copies"), default=0)  # bản sao chứng thực
    copies = models.PositiveSmallIntegerField(_("plain copies"), default=0)  # bản sao / photo
    mandatory = models.BooleanField(_("mandatory"), default=True)
    form_template = models.CharField(_("form template"), max_length=300, blank=True)  # e.g. "Mẫu số 01/TK"
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="proc_document_order_once")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class FeeItem(BaseModel):
    """A fee (lệ phí) or charge (phí) of a version, in whole đồng; zero means free."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Fee")  # lệ phí
        CHARGE = "charge", _("Charge")  # phí

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("procedure version"), on_delete=models.CASCADE, related_name="fees"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FEE)
    name = models.CharField(_("name"), max_length=500)
    amount = models.PositiveBigIntegerField(_("amount (đồng)"), default=0)
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="proc_fee_order_once")]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đ".replace(",", ".")


class ClockRule(BaseModel):
    """What a waiting event does to the legal clock of a dossier received under the version.

    The dossier engine reads, for an ``event``:

    - ``effect`` when the event happens within ``window_working_days`` working days of receipt
      (or at any time if the window is null);
    - ``effect_after_window`` when it happens later.

    ``restart``: the full legal deadline counts again from when the applicant completes the dossier
    (Decree 61/2018 Art. 19: supplement requested within 3 working days of receipt). ``pause``: the
    clock stops while waiting and resumes with the time that was left. ``continue``: the clock runs.
    A version without a rule for an event uses ``DEFAULT_CLOCK_RULES``.
    """

    class Event(models.TextChoices):
        SUPPLEMENT_REQUEST = "supplement_request", _("Request to supplement the dossier")
        FINANCIAL_OBLIGATION = "financial_obligation", _("Waiting for the financial obligation")
        LATER_SUPPLEMENT = "later_supplement", _("Later supplement during processing")

    class Effect(models.TextChoices):
        RESTART = "restart", _("Restart the full time limit")
        PAUSE = "pause", _("Pause the clock")
        CONTINUE = "continue", _("Clock keeps running")

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("procedure version"), on_delete=models.CASCADE, related_name="clock_rules"
    )
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    effect = models.CharField(_("effect"), max_length=10, choices=Effect.choices)
    window_working_days = models.PositiveSmallIntegerField(_("within working days of receipt"), null=True, blank=True)
    effect_after_window = models.CharField(_("effect after that"), max_length=10, choices=Effect.choices, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "event"]
        verbose_name = _("clock rule")
        verbose_name_plural = _("clock rules")
        constraints = [
            models.UniqueConstraint(fields=["version", "event"], name="proc_clockrule_once_per_event"),
            models.CheckConstraint(
                condition=Q(window_working_days__isnull=True, effect_after_window="")
                | Q(window_working_days__isnull=False) & ~Q(effect_after_window=""),
                name="proc_clockrule_window_has_after_effect",
            ),
        ]

    def __str__(self) -> str:
        text = f"{self.get_event_display()}: {self.get_effect_display()}"
        if self.window_working_days is not None:
            after = self.get_effect_after_window_display()
            text += f" (trong {self.window_working_days} ngày làm việc; sau đó: {after})"
        return text

    def effect_at(self, working_days_since_receipt: Decimal | int) -> str:
        """The effect of the event happening ``working_days_since_receipt`` after receipt."""
        if self.window_working_days is None or working_days_since_receipt <= self.window_working_days:
            return self.effect
        return self.effect_after_window


# Decree 61/2018 Art. 19 (kept by Decree 118/2025): a supplement requested within 3 working days of
# receipt restarts the deadline; the waits for the applicant otherwise pause it.
DEFAULT_CLOCK_RULES: dict[str, dict] = {
    ClockRule.Event.SUPPLEMENT_REQUEST: {
        "effect": ClockRule.Effect.RESTART,
        "window_working_days": 3,
        "effect_after_window": ClockRule.Effect.PAUSE,
        "legal_basis": "Điều 19 Nghị định 61/2018/NĐ-CP",
    },
    ClockRule.Event.FINANCIAL_OBLIGATION: {
        "effect": ClockRule.Effect.PAUSE,
        "window_working_days": None,
        "effect_after_window": "",
        "legal_basis": "Thời gian thực hiện nghĩa vụ tài chính không tính vào thời hạn giải quyết",
    },
    ClockRule.Event.LATER_SUPPLEMENT: {
        "effect": ClockRule.Effect.PAUSE,
        "window_working_days": None,
        "effect_after_window": "",
        "legal_basis": "Thời gian bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết",
    },
}


class RoutingStep(BaseModel):
    """One step of the routing plan of a version, with its share of the legal deadline.

    Steps run in ascending ``order``; steps sharing an ``order`` form a parallel group (e.g. the
    consultation of several agencies at once), exactly one of which ``is_lead``. ``position`` orders
    the steps inside a group. Who handles the step is ``agency`` when ``target`` is ``agency``, or
    the agency that received the dossier when ``target`` is ``receiving`` (commune procedures);
    ``unit_category`` optionally narrows it to a kind of internal unit, ``role`` names the role
    expected to act.
    """

    class Kind(models.TextChoices):
        INTAKE = "intake", _("Intake")  # tiếp nhận
        APPRAISAL = "appraisal", _("Appraisal")  # thẩm định, xử lý
        CONSULTATION = "consultation", _("Consultation")  # lấy ý kiến, phối hợp
        APPROVAL = "approval", _("Approval")  # phê duyệt, ký
        RETURN = "return", _("Return of the result")  # trả kết quả

    class Target(models.TextChoices):
        AGENCY = "agency", _("A fixed agency")
        RECEIVING = "receiving", _("The receiving agency")

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("procedure version"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    position = models.PositiveSmallIntegerField(_("position in the parallel group"), default=1)
    is_lead = models.BooleanField(_("lead in the parallel group"), default=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    target = models.CharField(_("handled by"), max_length=10, choices=Target.choices, default=Target.RECEIVING)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedure_steps",
    )
    unit_category = models.CharField(_("unit category"), max_length=20, choices=Agency.Category.choices, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    share_value = models.DecimalField(_("share of the time limit"), max_digits=6, decimal_places=1, default=Decimal(0))
    share_unit = models.CharField(
        _("share unit"), max_length=20, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS
    )

    class Meta:
        ordering = ["version", "order", "position"]
        verbose_name = _("routing step")
        verbose_name_plural = _("routing steps")
        constraints = [
            models.UniqueConstraint(fields=["version", "order", "position"], name="proc_step_position_once"),
            models.CheckConstraint(
                condition=Q(target="agency", agency__isnull=False) | Q(target="receiving", agency__isnull=True),
                name="proc_step_agency_matches_target",
            ),
            models.CheckConstraint(condition=Q(share_value__gte=0), name="proc_step_share_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Bước {self.order}.{self.position}: {self.name}"

    @property
    def share_hours(self) -> Decimal:
        return deadline_in_hours(self.share_value, self.share_unit)

    @property
    def share_display(self) -> str:
        return deadline_label(self.share_value, self.share_unit)
