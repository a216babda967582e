"""Account state changes: creating officials and granting roles."""

from django.db import transaction

from .errors import AccountsError, AccountsErrorCode
from .models import RoleAssignment, User
from .roles import Role


@transaction.atomic
def official_create(*, username: str, full_name: str, email: str, password: str, roles: list[str], actor=None) -> User:
    """Create an official account holding the given roles."""
    if User.objects.filter(username__iexact=username).exists():
        raise AccountsError(AccountsErrorCode.USERNAME_TAKEN, f"Tên đăng nhập “{username}” đã được dùng.")
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise AccountsError(AccountsErrorCode.INVALID_ROLE, "Vai trò không hợp lệ: " + ", ".join(unknown))
    user = User(username=username, full_name=full_name, email=email, kind=User.Kind.OFFICIAL)
    user.set_password(password)
    user.save()
    RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=r) for r in roles)
    return user
