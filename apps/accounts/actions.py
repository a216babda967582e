"""Account state changes: officials and roles, applicants' sign-up, password reset, two-factor."""

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.actions import audit_record
from apps.core.messaging import send_email, send_sms

from .errors import AccountsError, AccountsErrorCode
from .identifiers import citizen_id_problem, normalize_phone, tax_code_problem
from .models import ApplicantProfile, Membership, OneTimeCode, RoleAssignment, User
from .roles import Role

CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5
CODES_PER_WINDOW = 3
CODE_WINDOW = timedelta(minutes=15)
BACKUP_CODES = 10


# --- officials --------------------------------------------------------------------------------
@transaction.atomic
def official_create(
    *,
    username: str,
    full_name: str,
    email: str,
    password: str,
    agency=None,
    position: str = "",
    roles: list[str] | tuple[str, ...] = (),
    valid_from=None,
    actor=None,
) -> User:
    """Create an official account, with a post in ``agency`` holding ``roles`` when given."""
    if User.objects.filter(username__iexact=username).exists():
        raise AccountsError(AccountsErrorCode.USERNAME_TAKEN, f"Tên đăng nhập “{username}” đã được dùng.")
    if roles and agency is None:
        raise AccountsError(
            AccountsErrorCode.MEMBERSHIP_AGENCY_INVALID, "Vai trò chỉ được giao kèm một cơ quan, đơn vị."
        )
    user = User(username=username, full_name=full_name, email=email, kind=User.Kind.OFFICIAL)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="accounts.official.create",
        target=user,
        after={"username": username, "full_name": full_name, "email": email},
    )
    if agency is not None:
        membership_start(
            actor=actor,
            official=user,
            agency=agency,
            position=position or "Chuyên viên",
            valid_from=valid_from or timezone.localdate(),
            roles=roles,
        )
    return user


def _check_roles(roles) -> list[str]:
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise AccountsError(AccountsErrorCode.INVALID_ROLE, "Vai trò không hợp lệ: " + ", ".join(map(str, unknown)))
    return sorted(set(roles))


@transaction.atomic
def membership_start(*, actor, official: User, agency, position: str, valid_from, roles=(), valid_to=None):
    """Start an official's post in an agency or unit; posts of one official never overlap."""
    from apps.organizations.models import Agency

    roles = _check_roles(roles)
    official = User.objects.select_for_update().get(pk=official.pk)
    if not official.is_official:
        raise AccountsError(AccountsErrorCode.MEMBERSHIP_AGENCY_INVALID, "Chỉ cán bộ, công chức mới có chức vụ.")
    if valid_to is not None and valid_to < valid_from:
        raise AccountsError(AccountsErrorCode.MEMBERSHIP_DATES, "Ngày kết thúc phải sau ngày bắt đầu.")
    if not Agency.objects.valid_on(valid_from).filter(pk=agency.pk).exists():
        raise AccountsError(
            AccountsErrorCode.MEMBERSHIP_AGENCY_INVALID,
            f"{agency} không hoạt động vào ngày {valid_from:%d/%m/%Y}.",
        )
    position = " ".join((position or "").split())
    if not position:
        raise AccountsError(AccountsErrorCode.MEMBERSHIP_DATES, "Cần ghi chức vụ.")
    overlapping = official.memberships.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_to)
    clash = overlapping.first()
    if clash is not None:
        raise AccountsError(
            AccountsErrorCode.MEMBERSHIP_OVERLAP,
            f"Thời gian trùng với chức vụ “{clash.position}” tại {clash.agency} "
            f"(từ {clash.valid_from:%d/%m/%Y}); hãy kết thúc chức vụ đó trước.",
        )
    membership = Membership.objects.create(
        user=official, agency=agency, position=position, valid_from=valid_from, valid_to=valid_to
    )
    RoleAssignment.objects.bulk_create(RoleAssignment(membership=membership, role=r) for r in roles)
    audit_record(
        actor=actor,
        action="accounts.membership.start",
        target=official,
        agency=agency,
        after={
            "agency": str(agency),
            "position": position,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "roles": roles,
        },
    )
    return membership


@transaction.atomic
def membership_end(*, actor, membership: Membership, on) -> Membership:
    """End a post on day ``on`` (inclusive)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if on < membership.valid_from:
        raise AccountsError(AccountsErrorCode.MEMBERSHIP_DATES, "Ngày kết thúc phải sau ngày bắt đầu chức vụ.")
    if membership.valid_to is not None and membership.valid_to <= on:
        raise AccountsError(AccountsErrorCode.MEMBERSHIP_DATES, "Chức vụ này đã kết thúc trước ngày đó.")
    before = {"valid_to": membership.valid_to}
    membership.valid_to = on
    membership.save(update_fields=["valid_to", "updated_at"])
    audit_record(
        actor=actor,
        action="accounts.membership.end",
        target=membership.user,
        agency=membership.agency,
        before=before,
        after={"valid_to": on},
    )
    return membership


@transaction.atomic
def official_move(*, actor, official: User, agency, position: str, on, roles=()) -> Membership:
    """Move an official to another post from day ``on``: the current post ends the day before."""
    from datetime import timedelta

    current = (
        official.memberships.select_for_update()
        .filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .first()
    )
    if current is not None:
        if current.valid_from == on:
            raise AccountsError(AccountsErrorCode.MEMBERSHIP_DATES, "Chức vụ hiện tại bắt đầu đúng ngày này.")
        membership_end(actor=actor, membership=current, on=on - timedelta(days=1))
    return membership_start(
        actor=actor, official=official, agency=agency, position=position, valid_from=on, roles=roles
    )


@transaction.atomic
def membership_roles_set(*, actor, membership: Membership, roles) -> Membership:
    """Replace the roles held in a post."""
    roles = _check_roles(roles)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    before = sorted(membership.roles.values_list("role", flat=True))
    membership.roles.all().delete()
    RoleAssignment.objects.bulk_create(RoleAssignment(membership=membership, role=r) for r in roles)
    audit_record(
        actor=actor,
        action="accounts.membership.roles",
        target=membership.user,
        agency=membership.agency,
        before={"roles": before},
        after={"roles": roles},
    )
    return membership


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountsError(AccountsErrorCode.WEAK_PASSWORD, " ".join(error.messages)) from None


# --- one-time codes ---------------------------------------------------------------------------
def _contact(contact: str) -> tuple[str, str]:
    """(channel, normalised destination) of a phone number or an e-mail address."""
    contact = (contact or "").strip()
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            raise AccountsError(AccountsErrorCode.INVALID_CONTACT, "Địa chỉ thư điện tử không hợp lệ.") from None
        return OneTimeCode.Channel.EMAIL, contact.lower()
    phone = normalize_phone(contact)
    if phone is None:
        raise AccountsError(
            AccountsErrorCode.INVALID_CONTACT,
            "Số điện thoại di động không hợp lệ (10 chữ số, ví dụ 0912 345 678) hoặc thư điện tử sai.",
        )
    return OneTimeCode.Channel.SMS, phone


def _code_hash(code_uuid, code: str) -> str:
    return salted_hmac("egov.one-time-code", f"{code_uuid}:{code}", algorithm="sha256").hexdigest()


def _code_issue(*, purpose: str, channel: str, destination: str, user=None, payload=None) -> tuple[OneTimeCode, str]:
    since = timezone.now() - CODE_WINDOW
    recent = OneTimeCode.objects.select_for_update().filter(
        destination=destination, purpose=purpose, created_at__gte=since
    )
    if recent.count() >= CODES_PER_WINDOW:
        raise AccountsError(
            AccountsErrorCode.TOO_MANY_CODES, "Đã gửi quá nhiều mã tới địa chỉ này; vui lòng thử lại sau 15 phút."
        )
    code = f"{secrets.randbelow(10**6):06d}"
    otc = OneTimeCode(
        purpose=purpose,
        channel=channel,
        destination=destination,
        user=user,
        payload=payload or {},
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    otc.code_hash = _code_hash(otc.uuid, code)
    otc.save()
    text = f"Ma xac thuc egov Ha Tinh: {code}. Het han sau 10 phut. Khong chia se ma nay."
    if channel == OneTimeCode.Channel.SMS:
        send_sms(to=destination, body=text)
    else:
        send_email(
            to=destination,
            subject="Mã xác thực Cổng dịch vụ công Hà Tĩnh",
            body=f"Mã xác thực của bạn là {code}. Mã hết hạn sau 10 phút. Không chia sẻ mã này với ai.",
        )
    return otc, code


def _code_consume(*, code_uuid, code: str, purpose: str) -> OneTimeCode:
    """Check a code and mark it used; a wrong code counts as an attempt even though this fails.

    The check runs in its own transaction, committed before the error is raised, so callers must
    not wrap this in an outer transaction (a rolled-back attempt counter would allow guessing).
    """
    wrong = False
    with transaction.atomic():
        try:
            otc = OneTimeCode.objects.select_for_update().get(uuid=code_uuid, purpose=purpose)
        except (OneTimeCode.DoesNotExist, ValidationError, ValueError):
            raise AccountsError(AccountsErrorCode.CODE_INVALID, "Mã xác thực không đúng.") from None
        if otc.consumed_at is not None or otc.expires_at < timezone.now():
            raise AccountsError(AccountsErrorCode.CODE_EXPIRED, "Mã xác thực đã hết hạn hoặc đã dùng; hãy xin mã mới.")
        if otc.attempts >= CODE_ATTEMPTS:
            raise AccountsError(AccountsErrorCode.CODE_ATTEMPTS, "Nhập sai quá nhiều lần; hãy xin mã mới.")
        if constant_time_compare(otc.code_hash, _code_hash(otc.uuid, (code or "").strip())):
            otc.consumed_at = timezone.now()
            otc.save(update_fields=["consumed_at"])
        else:
            otc.attempts += 1
            otc.save(update_fields=["attempts"])
            wrong = True
    if wrong:
        raise AccountsError(AccountsErrorCode.CODE_INVALID, "Mã xác thực không đúng.")
    return otc


# --- applicants -------------------------------------------------------------------------------
def _contact_taken(channel: str, destination: str) -> bool:
    if channel == OneTimeCode.Channel.EMAIL:
        return User.objects.filter(email__iexact=destination).exists()
    return User.objects.filter(phone=destination).exists()


@transaction.atomic
def applicant_signup_start(*, full_name: str, contact: str, password: str, applicant_type: str) -> OneTimeCode:
    """Send a code to the applicant's phone or e-mail; the account is made when it comes back."""
    full_name = " ".join((full_name or "").split())
    if len(full_name) < 2:
        raise AccountsError(AccountsErrorCode.INVALID_CONTACT, "Vui lòng nhập họ và tên (hoặc tên tổ chức).")
    if applicant_type not in ApplicantProfile.ApplicantType.values:
        raise AccountsError(AccountsErrorCode.INVALID_CONTACT, "Loại người nộp không hợp lệ.")
    channel, destination = _contact(contact)
    if _contact_taken(channel, destination):
        raise AccountsError(
            AccountsErrorCode.CONTACT_TAKEN, "Đã có tài khoản dùng số điện thoại / thư điện tử này; hãy đăng nhập."
        )
    _check_password(password, User(username=destination, full_name=full_name))
    otc, _code = _code_issue(
        purpose=OneTimeCode.Purpose.SIGNUP,
        channel=channel,
        destination=destination,
        payload={"full_name": full_name, "password": make_password(password), "applicant_type": applicant_type},
    )
    return otc


def applicant_signup_confirm(*, code_uuid, code: str) -> User:
    """Create the applicant's account once the code sent to their contact comes back."""
    otc = _code_consume(code_uuid=code_uuid, code=code, purpose=OneTimeCode.Purpose.SIGNUP)
    with transaction.atomic():
        return _applicant_create(otc)


def _applicant_create(otc: OneTimeCode) -> User:
    if _contact_taken(otc.channel, otc.destination):
        raise AccountsError(AccountsErrorCode.CONTACT_TAKEN, "Tài khoản này đã được tạo; hãy đăng nhập.")
    user = User(
        username=otc.destination,
        full_name=otc.payload["full_name"],
        kind=User.Kind.APPLICANT,
        email=otc.destination if otc.channel == OneTimeCode.Channel.EMAIL else "",
        phone=otc.destination if otc.channel == OneTimeCode.Channel.SMS else "",
        password=otc.payload["password"],
    )
    user.save()
    ApplicantProfile.objects.create(user=user, applicant_type=otc.payload["applicant_type"])
    audit_record(
        actor=user,
        action="accounts.applicant.signup",
        target=user,
        after={"username": user.username, "full_name": user.full_name, "channel": otc.channel},
    )
    return user


@transaction.atomic
def applicant_register_at_desk(
    *, actor, full_name: str, contact: str, applicant_type: str, password: str | None = None
) -> User:
    """Register an applicant who came to the one-stop desk (they can set a password later by code)."""
    full_name = " ".join((full_name or "").split())
    if len(full_name) < 2:
        raise AccountsError(AccountsErrorCode.INVALID_CONTACT, "Vui lòng nhập họ và tên (hoặc tên tổ chức).")
    if applicant_type not in ApplicantProfile.ApplicantType.values:
        raise AccountsError(AccountsErrorCode.INVALID_CONTACT, "Loại người nộp không hợp lệ.")
    channel, destination = _contact(contact)
    if _contact_taken(channel, destination):
        raise AccountsError(AccountsErrorCode.CONTACT_TAKEN, "Đã có tài khoản dùng số điện thoại / thư điện tử này.")
    user = User(
        username=destination,
        full_name=full_name,
        kind=User.Kind.APPLICANT,
        email=destination if channel == OneTimeCode.Channel.EMAIL else "",
        phone=destination if channel == OneTimeCode.Channel.SMS else "",
    )
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    ApplicantProfile.objects.create(user=user, applicant_type=applicant_type)
    audit_record(
        actor=actor,
        action="accounts.applicant.register_at_desk",
        target=user,
        after={"username": user.username, "full_name": full_name, "channel": channel},
    )
    return user


PROFILE_FIELDS = ("applicant_type", "id_number", "birth_date", "tax_code", "address_line", "address_unit_id")


@transaction.atomic
def applicant_profile_update(*, actor: User, full_name: str, **fields) -> ApplicantProfile:
    """Update the applicant's own profile after checking ID number and tax code."""
    profile, _ = ApplicantProfile.objects.select_for_update().get_or_create(user=actor)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields: {sorted(unknown)}")
    id_number = (fields.get("id_number") or "").strip()
    if id_number:
        problem = citizen_id_problem(id_number, birth_date=fields.get("birth_date"))
        if problem:
            raise AccountsError(AccountsErrorCode.INVALID_ID_NUMBER, problem)
    tax_code = (fields.get("tax_code") or "").strip()
    if tax_code:
        problem = tax_code_problem(tax_code)
        if problem:
            raise AccountsError(AccountsErrorCode.INVALID_TAX_CODE, problem)
    before = {name: getattr(profile, name) for name in PROFILE_FIELDS} | {"full_name": actor.full_name}
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    profile.save()
    full_name = " ".join((full_name or "").split()) or actor.full_name
    if full_name != actor.full_name:
        actor.full_name = full_name
        actor.save(update_fields=["full_name"])
    after = {name: getattr(profile, name) for name in PROFILE_FIELDS} | {"full_name": actor.full_name}
    audit_record(actor=actor, action="accounts.applicant.profile_update", target=actor, before=before, after=after)
    return profile


# --- password reset ---------------------------------------------------------------------------
@transaction.atomic
def password_reset_start(*, contact: str) -> OneTimeCode | None:
    """Send a reset code when an account has this contact; say nothing about whether one does."""
    channel, destination = _contact(contact)
    if channel == OneTimeCode.Channel.EMAIL:
        user = User.objects.filter(email__iexact=destination, is_active=True).first()
    else:
        user = User.objects.filter(phone=destination, is_active=True).first()
    if user is None:
        return None
    otc, _code = _code_issue(
        purpose=OneTimeCode.Purpose.PASSWORD_RESET, channel=channel, destination=destination, user=user
    )
    audit_record(actor=None, action="accounts.password_reset.request", target=user, changes={"channel": channel})
    return otc


def password_reset_confirm(*, code_uuid, code: str, new_password: str) -> User:
    """Set a new password when the reset code comes back (other sessions end with it)."""
    try:
        pending = OneTimeCode.objects.get(uuid=code_uuid, purpose=OneTimeCode.Purpose.PASSWORD_RESET)
    except (OneTimeCode.DoesNotExist, ValidationError, ValueError):
        raise AccountsError(AccountsErrorCode.CODE_INVALID, "Mã xác thực không đúng.") from None
    _check_password(new_password, pending.user)
    otc = _code_consume(code_uuid=code_uuid, code=code, purpose=OneTimeCode.Purpose.PASSWORD_RESET)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=otc.user_id)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="accounts.password_reset.done", target=user)
    return user


# --- two-factor authentication for officials -------------------------------------------------
@transaction.atomic
def totp_setup_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed TOTP device for the official (replacing an unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)


@transaction.atomic
def totp_setup_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the device with a first code; return fresh backup codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token((token or "").strip()):
        raise AccountsError(
            AccountsErrorCode.TOTP_INVALID, "Mã gồm 6 chữ số không đúng; hãy xem lại ứng dụng xác thực."
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = backup_codes_regenerate(user=user, audit=False)
    audit_record(actor=user, action="accounts.two_factor.enable", target=user)
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User, audit: bool = True) -> list[str]:
    """Replace the official's backup codes with new single-use ones."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Mã dự phòng", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if audit:
        audit_record(actor=user, action="accounts.two_factor.backup_codes", target=user)
    return codes
