"""Reads of the signing app: an official's certificates, signed files checked on read."""

import hashlib

from django.db.models import Q
from django.utils import timezone

from .errors import SigningError, SigningErrorCode
from .models import PendingSignature, SignedFile, SigningCertificate


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
