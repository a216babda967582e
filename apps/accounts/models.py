"""Users of the platform (officials and applicants) and the roles officials hold."""

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import BaseModel

from .roles import Role


class User(AbstractUser):
    """A person who signs in: an official (cán bộ) or an applicant (công dân / tổ chức)."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official")
        APPLICANT = "applicant", _("Applicant")

    first_name = None
    last_name = None
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.APPLICANT)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)

    objects = UserManager()

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username

    @property
    def is_official(self) -> bool:
        return self.kind == self.Kind.OFFICIAL

    # The official's current post, its roles and scope are read once per request and cached on
    # the user object (request.user lives for one request).
    def current_membership(self):
        if not hasattr(self, "_current_membership"):
            today = timezone.localdate()
            self._current_membership = (
                self.memberships.filter(valid_from__lte=today)
                .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=today))
                .select_related("agency")
                .prefetch_related("roles")
                .first()
                if self.pk and self.is_official
                else None
            )
        return self._current_membership

    def role_codes(self) -> set[str]:
        membership = self.current_membership()
        return {r.role for r in membership.roles.all()} if membership else set()

    def audit_agency(self):
        """The agency (or unit) this official acts for, for the audit trail."""
        membership = self.current_membership()
        return membership.agency if membership else None

    def audit_scope_uuids(self):
        """UUIDs of the agencies whose audit events this user may read (superusers: None, read as all)."""
        from .selectors import audit_scope_agencies

        agencies = audit_scope_agencies(self)
        return None if agencies is None else {a.uuid for a in agencies}

    def audit_scope_agencies(self):
        from .selectors import audit_scope_agencies

        return audit_scope_agencies(self) or []


class Membership(BaseModel):
    """An official's post in an agency or unit for a period: position, and the roles held there.

    An official holds one post at a time; moving to another agency ends this row and starts a new
    one, so the history of who worked where stays readable.
    """

    user = models.ForeignKey(User, verbose_name=_("official"), on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(
        "organizations.Agency", verbose_name=_("agency or unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    position = models.CharField(_("position"), max_length=200)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["user", "-valid_from"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="accounts_membership_valid_to_after_from",
            )
        ]
        indexes = [models.Index(fields=["agency", "valid_from"], name="accounts_membership_agency")]

    def __str__(self) -> str:
        return f"{self.user} – {self.position}, {self.agency}"

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class RoleAssignment(models.Model):
    """One role held by an official in one post."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["membership", "role"]
        constraints = [models.UniqueConstraint(fields=["membership", "role"], name="accounts_role_once_per_membership")]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.membership.user} – {self.get_role_display()}"


class ApplicantProfile(models.Model):
    """What an applicant (a citizen or an organisation) tells about themselves once."""

    class ApplicantType(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ORGANIZATION = "organization", _("Organisation")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="applicant_profile")
    applicant_type = models.CharField(
        _("applicant type"), max_length=20, choices=ApplicantType.choices, default=ApplicantType.CITIZEN
    )
    id_number = models.CharField(_("citizen ID number"), max_length=12, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    address_line = models.CharField(_("house number, street, village"), max_length=300, blank=True)
    address_unit = models.ForeignKey(
        "organizations.AdministrativeUnit",
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user"]
        verbose_name = _("applicant profile")
        verbose_name_plural = _("applicant profiles")

    def __str__(self) -> str:
        return f"Hồ sơ người nộp: {self.user}"


class OneTimeCode(models.Model):
    """A 6-digit code sent by SMS or e-mail to prove a contact (sign-up, password reset).

    Only a keyed hash of the code is stored; the code lives for a few minutes and a few attempts.
    """

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        PASSWORD_RESET = "password_reset", _("Password reset")

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "E-mail"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    destination = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["destination", "purpose", "created_at"], name="accounts_otc_dest")]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.get_channel_display()})"


class AccessGrant(BaseModel):
    """Explicit access of another agency to one record (e.g. a dossier routed to it).

    The only way an official reaches a record outside their agency; it is time-limited and says
    whether it allows changes or only reading.
    """

    grantee = models.ForeignKey(
        "organizations.Agency", verbose_name=_("agency granted"), on_delete=models.PROTECT, related_name="grants"
    )
    target_type = models.CharField(_("record type"), max_length=100)
    target_uuid = models.UUIDField(_("record"))
    can_change = models.BooleanField(_("may change"), default=False)
    valid_from = models.DateTimeField(_("from"), default=timezone.now)
    valid_to = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["target_type", "target_uuid"], name="accounts_grant_target")]
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")

    def __str__(self) -> str:
        return f"{self.grantee} → {self.target_type}:{self.target_uuid}"


class ApiToken(BaseModel):
    """A bearer token of an official for the REST API (a partner system, a signing client).

    Only the SHA-256 of the secret is kept; the secret is shown once, when issued. A token works
    until it expires or is revoked, while its official is an active official, and only with the
    password the official had when it was issued (changing the password ends every token).
    """

    user = models.ForeignKey(User, verbose_name=_("official"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("purpose"), max_length=200)
    prefix = models.CharField(_("beginning"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    password_stamp = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
