"""Demo accounts: one official per role in today's Hà Tĩnh agencies, and one citizen.

Made through the accounts actions. Demo officials have their authenticator enrolled already; on
the two-step page of a non-production deployment their current code is shown, so a newcomer can
sign in without a phone.
"""

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.demo import demo_step
from apps.organizations.models import Agency

from .actions import applicant_profile_update, applicant_register_at_desk, membership_start, official_create
from .models import User
from .roles import Role

# Known password for local demo accounts only; seed_demo refuses to run in production.
DEMO_PASSWORD = "HaTinh@2026"  # noqa: S105

# (username, full name, position, agency name in force today, role)
DEMO_OFFICIALS = [
    (
        "motcua",
        "Nguyễn Thị Lan",
        "Cán bộ tiếp nhận và trả kết quả",
        "Trung tâm Hành chính công tỉnh",
        Role.DESK_OFFICER,
    ),
    ("chuyenvien", "Trần Văn Hùng", "Chuyên viên", "Sở Khoa học và Công nghệ", Role.HANDLER),
    ("truongphong", "Lê Minh Đức", "Trưởng phòng", "Sở Khoa học và Công nghệ", Role.HEAD_OF_UNIT),
    ("lanhdao", "Phạm Quốc Khánh", "Giám đốc Sở", "Sở Khoa học và Công nghệ", Role.AGENCY_LEADER),
    ("vanthu", "Hoàng Thị Mai", "Văn thư", "Sở Khoa học và Công nghệ", Role.CLERK),
    (
        "thuky",
        "Đặng Văn Sơn",
        "Phó Giám đốc Sở, Thư ký Ban Chỉ đạo",
        "Sở Khoa học và Công nghệ",
        Role.COMMITTEE_SECRETARY,
    ),
    ("kiemtoan", "Võ Thị Hà", "Chuyên viên kiểm tra", "UBND tỉnh Hà Tĩnh", Role.AUDITOR),
    ("quantri", "Bùi Đình Nam", "Quản trị hệ thống", "UBND tỉnh Hà Tĩnh", Role.SYSADMIN),
]
DEMO_CITIZEN = ("0912000001", "Nguyễn Văn An", "042090001234")


def _agency_today(name: str) -> Agency:
    today = timezone.localdate()
    agency = Agency.objects.valid_on(today).filter(versions__name=name).distinct().first()
    if agency is None:
        agency = Agency.objects.valid_on(today).filter(name=name).first()
    if agency is None:
        raise LookupError(f"Demo agency not found today: {name}")
    return agency


@demo_step(order=10, label="Tài khoản cán bộ mẫu")
def demo_officials(report) -> None:
    for username, full_name, position, agency_name, role in DEMO_OFFICIALS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = official_create(
                username=username,
                full_name=full_name,
                email=f"{username}@demo.egov.localhost",
                password=DEMO_PASSWORD,
            )
            report(username)
        if user.current_membership() is None:
            membership_start(
                actor=None,
                official=user,
                agency=_agency_today(agency_name),
                position=position,
                valid_from=timezone.localdate().replace(month=1, day=1),
                roles=[role],
            )
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực (mẫu)", confirmed=True)


@demo_step(order=11, label="Tài khoản công dân mẫu")
def demo_citizen(report) -> None:
    phone, full_name, id_number = DEMO_CITIZEN
    if User.objects.filter(username=phone).exists():
        return
    user = applicant_register_at_desk(
        actor=None, full_name=full_name, contact=phone, applicant_type="citizen", password=DEMO_PASSWORD
    )
    applicant_profile_update(
        actor=user, full_name=full_name, id_number=id_number, address_line="Số 1, đường Phan Đình Phùng"
    )
    report(phone)


def demo_logins() -> list[tuple[str, str, str]]:
    logins = [(str(Role(role).label), username, DEMO_PASSWORD) for username, _n, _p, _a, role in DEMO_OFFICIALS]
    logins.append(("Công dân", DEMO_CITIZEN[0], DEMO_PASSWORD))
    return logins
