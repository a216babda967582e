"""Bearer tokens of officials for the REST API: issued, listed, revoked, and checked per request.

A token is ``egov_`` and 43 random URL-safe characters (256 bits). The database keeps its SHA-256
(a lookup by hash, so nothing to compare in constant time), the first characters to tell tokens
apart, and a stamp of the official's password hash at issue, so a password change ends them all.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.audit.actions import audit_record

from .errors import AccountsError, AccountsErrorCode
from .models import ApiToken, User

PREFIX = "egov_"
MAX_DAYS = 366
MAX_ACTIVE = 10  # per official: a token per system that calls the API, not one per call
MAX_LENGTH = 200
TOUCH_EVERY = timedelta(minutes=5)  # last use is written at most this often, not on every request


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _may_manage(actor, user: User) -> bool:
    return actor is None or actor.is_superuser or actor.pk == user.pk


@transaction.atomic
def api_token_issue(*, actor, user: User, name: str, days: int = 30) -> tuple[ApiToken, str]:
    """A new token of ``user`` for ``days`` days (1 to MAX_DAYS); returns the row and the secret,
    which is not kept. ``actor``: the official themselves, an administrator, or None (the platform)."""
    if not _may_manage(actor, user):
        raise AccountsError(AccountsErrorCode.NOT_IN_SCOPE, "Chỉ chính cán bộ đó mới cấp mã truy cập của mình.")
    name = " ".join((name or "").split())[:200]
    if not name:
        raise AccountsError(AccountsErrorCode.TOKEN_INVALID, "Cần ghi mã truy cập dùng cho hệ thống nào.")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise AccountsError(AccountsErrorCode.TOKEN_INVALID, f"Thời hạn mã truy cập phải từ 1 đến {MAX_DAYS} ngày.")
    user = User.objects.select_for_update().get(pk=user.pk)  # one count per official at a time
    if not user.is_active or not user.is_official:
        raise AccountsError(AccountsErrorCode.TOKEN_INVALID, "Chỉ cấp mã truy cập cho tài khoản cán bộ đang hoạt động.")
    now = timezone.now()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).count()
    if active >= MAX_ACTIVE:
        raise AccountsError(
            AccountsErrorCode.TOKEN_INVALID,
            f"Đã có {active} mã truy cập còn hiệu lực; hãy thu hồi mã không dùng nữa trước khi cấp mã mới.",
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:13],
        key_hash=_digest(secret),
        password_stamp=_digest(user.password),
        expires_at=now + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="accounts.api_token_issue",
        target=user,
        after={"token": token.prefix, "name": name, "expires_at": token.expires_at},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """End ``token`` now; a revoked token stays listed with who revoked it and when."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if not _may_manage(actor, token.user):
        raise AccountsError(AccountsErrorCode.NOT_IN_SCOPE, "Bạn không thu hồi được mã truy cập của cán bộ khác.")
    if token.revoked_at is not None:
        raise AccountsError(AccountsErrorCode.TOKEN_INVALID, f"Mã truy cập {token.prefix}… đã bị thu hồi trước đó.")
    token.revoked_at = timezone.now()
    token.revoked_by = actor if actor is not None and actor.is_authenticated else None
    token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_record(
        actor=actor,
        action="accounts.api_token_revoke",
        target=token.user,
        after={"token": token.prefix, "name": token.name},
    )
    return token


def api_token_user(secret: str) -> User | None:
    """The official a presented token stands for, or None (unknown, expired, revoked, password
    changed, account no longer an active official). Records the use at most every TOUCH_EVERY."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > MAX_LENGTH:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(secret)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now):
        return None
    user = token.user
    if not user.is_active or not user.is_official or token.password_stamp != _digest(user.password):
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


def api_tokens_of(user: User):
    """The official's tokens, newest first, the usable ones with the others."""
    return ApiToken.objects.filter(user=user).select_related("revoked_by").order_by("-created_at")
