"""Checks of a file attached to a dossier, by the platform's one upload check (``apps/core/uploads``):
its real type by content (PDF, JPEG, PNG only), size, PDF structure and active content, images
re-encoded without metadata, the name sanitised, the antivirus hook. A refusal becomes the
dossier error every dossier view and the API already show; nothing is stored before it passes.
"""

from django.conf import settings

from apps.core.uploads import CheckedFile, UploadRefused, upload_check

from .errors import DossierError, DossierErrorCode


def document_file_check(uploaded) -> CheckedFile:
    """The checked file to store (its bytes, type and clean name), or raise with a Vietnamese reason."""
    try:
        return upload_check(uploaded, max_bytes=getattr(settings, "DOSSIER_MAX_FILE_BYTES", None))
    except UploadRefused as refused:
        raise DossierError(DossierErrorCode.FILE_REFUSED, refused.message) from None
