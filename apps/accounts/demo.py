"""Demo accounts: one official per role, made through the accounts actions."""

from apps.core.demo import demo_step

from .actions import official_create
from .models import User
from .roles import Role

# Known password for local demo accounts only; seed_demo refuses to run in production.
DEMO_PASSWORD = "HaTinh@2026"  # noqa: S105

DEMO_OFFICIALS = [
    ("motcua", "Nguyễn Thị Lan", Role.DESK_OFFICER),
    ("chuyenvien", "Trần Văn Hùng", Role.HANDLER),
    ("truongphong", "Lê Minh Đức", Role.HEAD_OF_UNIT),
    ("lanhdao", "Phạm Quốc Khánh", Role.AGENCY_LEADER),
    ("vanthu", "Hoàng Thị Mai", Role.CLERK),
    ("thuky", "Đặng Văn Sơn", Role.COMMITTEE_SECRETARY),
    ("kiemtoan", "Võ Thị Hà", Role.AUDITOR),
    ("quantri", "Bùi Đình Nam", Role.SYSADMIN),
]


@demo_step(order=10, label="Tài khoản cán bộ mẫu")
def demo_officials(report) -> None:
    for username, full_name, role in DEMO_OFFICIALS:
        if User.objects.filter(username=username).exists():
            continue
        official_create(
            username=username,
            full_name=full_name,
            email=f"{username}@demo.egov.localhost",
            password=DEMO_PASSWORD,
            roles=[role],
        )
        report(username)


def demo_logins() -> list[tuple[str, str, str]]:
    return [(str(Role(role).label), username, DEMO_PASSWORD) for username, _name, role in DEMO_OFFICIALS]
