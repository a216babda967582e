"""Reads of the signing app: an official's certificates, signed files checked on read."""

import hashlib

from django.db.models import Q
from django.utils import timezone

from .errors import SigningError, SigningErrorCode
from .models import PendingSignature, SignedFile, SigningCertificate
from .verdicts import FileVerdict, verdicts_for_contents, verdicts_for_files

__all__ = [
    "FileVerdict",
    "certificate_get_for_user",
    "certificates_for_official",
    "certificates_for_user",
    "officials_for_certificates",
    "pending_get_for_official",
    "signed_file_get_for_user",
    "signed_file_read",
    "usable_certificates",
    "verdicts_for_contents",
    "verdicts_for_files",
]


def certificates_for_official(official):
    """The official's certificates, usable ones first."""
    return SigningCertificate.objects.filter(official=official).order_by("-is_active", "-not_after")


def usable_certificates(official):
    now = timezone.now()
    return certificates_for_official(official).filter(
        is_active=True, revoked_at__isnull=True, not_before__lte=now, not_after__gte=now
    )


def signed_file_read(signed_file: SignedFile) -> bytes:
    """The stored signed bytes, after checking they are still those that were signed."""
    with signed_file.file.open("rb") as handle:
        data = handle.read()
    if len(data) != signed_file.size or hashlib.sha256(data).hexdigest() != signed_file.sha256:
        raise SigningError(
            SigningErrorCode.STORED_FILE_CHANGED,
            f"Tệp đã ký “{signed_file.name}” trong kho lưu trữ không còn khớp dấu băm lúc ký.",
        )
    return data


SIGN_PERMISSION = "signing.sign_document"


def pending_get_for_official(official, pending_uuid) -> PendingSignature | None:
    """The official's own signing session (anyone else's is not found)."""
    return PendingSignature.objects.filter(uuid=pending_uuid, official=official).select_related("certificate").first()


def signed_file_get_for_user(user, signed_file_uuid) -> SignedFile | None:
    """A signed file the user signed or stored themselves."""
    return SignedFile.objects.filter(uuid=signed_file_uuid).filter(Q(signer_official=user) | Q(created_by=user)).first()


MANAGE_PERMISSION = "signing.manage_signingcertificate"


def _managed_agency_ids(user) -> set[int] | None:
    """Agencies whose officials' certificates ``user`` administers (None: all, set(): none)."""
    from apps.accounts.selectors import scope_for_permission

    return scope_for_permission(user, MANAGE_PERMISSION)


def certificates_for_user(user):
    """Certificates ``user`` may see on the register page: their own, and their agencies' if they administer them."""
    scope = _managed_agency_ids(user)
    queryset = SigningCertificate.objects.select_related("official", "registered_by")
    if scope is None:
        return queryset.order_by("official__full_name", "-is_active", "-not_after")
    mine = Q(official=user)
    if scope:
        managed = SigningCertificate.objects.filter(official__memberships__agency_id__in=scope).values("pk")
        mine |= Q(pk__in=managed)
    return queryset.filter(mine).order_by("official__full_name", "-is_active", "-not_after")


def certificate_get_for_user(user, certificate_uuid) -> SigningCertificate | None:
    return certificates_for_user(user).filter(uuid=certificate_uuid).first()


def officials_for_certificates(user):
    """Officials ``user`` may register a certificate for: themselves if they sign, their agencies' if they manage."""
    from apps.accounts.models import User

    scope = _managed_agency_ids(user)
    officials = User.objects.filter(kind=User.Kind.OFFICIAL, is_active=True)
    if scope is None:
        return officials.order_by("full_name")
    allowed = Q(pk=user.pk) if user.has_perm(SIGN_PERMISSION) else Q(pk__in=[])
    if scope:
        allowed |= Q(pk__in=User.objects.filter(memberships__agency_id__in=scope).values("pk"))
    return officials.filter(allowed).order_by("full_name")
