"""Checks of a file attached to a dossier, by the platform's one upload check (``apps/core/uploads``):
its real type by content (PDF, JPEG, PNG only), size, PDF structure and active content, images
re-encoded without metadata, the name sanitised, the antivirus hook. A refusal becomes the
dossier error every dossier view and the API already show; nothing is stored before it passes.
"""

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from apps.core.uploads import CheckedFile, UploadRefused, upload_check

from .errors import DossierError, DossierErrorCode

logger = logging.getLogger("egov.dossiers")


def document_file_check(uploaded) -> CheckedFile:
    """The checked file to store (its bytes, type and clean name), or raise with a Vietnamese reason."""
    try:
        return upload_check(uploaded, max_bytes=getattr(settings, "DOSSIER_MAX_FILE_BYTES", None))
    except UploadRefused as refused:
        raise DossierError(DossierErrorCode.FILE_REFUSED, refused.message) from None


def document_bytes_intact(document) -> bool:
    """Whether the stored file still has the SHA-256 recorded when it was attached (a file changed
    or lost in storage is never served as the dossier's, nor given the verdict of the original)."""
    digest = hashlib.sha256()
    try:
        with document.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except OSError:
        return False
    return bool(document.sha256) and digest.hexdigest() == document.sha256


ORPHAN_AGE = timedelta(hours=6)
FOLDER = "dossiers/{:%Y/%m}/"  # DossierDocument.file's upload_to, for one month


def orphan_files_sweep(now: datetime | None = None) -> list[str]:
    """Delete the files of this month's and last month's folders that no dossier document names and
    that are older than ``ORPHAN_AGE``: the bytes of an action whose transaction rolled back after
    they were written (a file of a transaction still running is younger). Safe to run twice."""
    from .models import DossierDocument

    storage = DossierDocument._meta.get_field("file").storage
    now = now or timezone.now()
    this_month = timezone.localtime(now).date().replace(day=1)
    removed = []
    for month in (this_month, (this_month - timedelta(days=1)).replace(day=1)):
        folder = FOLDER.format(month)
        try:
            _, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        named = set(DossierDocument.objects.filter(file__startswith=folder).values_list("file", flat=True).iterator())
        for name in sorted(folder + f for f in files):
            if name in named:
                continue
            try:
                if now - storage.get_modified_time(name) < ORPHAN_AGE:
                    continue
                storage.delete(name)
            except FileNotFoundError:  # removed meanwhile by another run
                continue
            removed.append(name)
    if removed:
        logger.info("orphan dossier files removed", extra={"count": len(removed)})
    return removed
