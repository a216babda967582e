"""Files derived from a signed PDF with poppler: a page-1 PNG thumbnail and the text.

They are separate rows and separate files; the signed bytes are only read, after their SHA-256
is checked.
"""

import hashlib
import subprocess

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from .models import SignedFile, SignedFileDerivative
from .selectors import signed_file_read

THUMBNAIL_PIXELS = 400


def _run(args: list[str], data: bytes) -> bytes:
    return subprocess.run(args, input=data, capture_output=True, timeout=120, check=True).stdout  # noqa: S603


def thumbnail_png(pdf: bytes, *, pixels: int = THUMBNAIL_PIXELS) -> bytes:
    return _run(["pdftoppm", "-png", "-f", "1", "-l", "1", "-scale-to", str(pixels), "-singlefile", "-"], pdf)


def text_of(pdf: bytes) -> bytes:
    return _run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], pdf)


def derivatives_make(signed_file: SignedFile) -> list[str]:
    """Make the missing derivatives of ``signed_file``; the kinds made now."""
    pdf = signed_file_read(signed_file)
    have = set(signed_file.derivatives.values_list("kind", flat=True))
    made = []
    for kind, make, suffix in (
        (SignedFileDerivative.Kind.THUMBNAIL, thumbnail_png, "png"),
        (SignedFileDerivative.Kind.TEXT, text_of, "txt"),
    ):
        if kind in have:
            continue
        data = make(pdf)
        derivative = SignedFileDerivative(
            signed_file=signed_file, kind=kind, sha256=hashlib.sha256(data).hexdigest(), size=len(data)
        )
        derivative.file.save(f"{signed_file.uuid}-{kind}.{suffix}", ContentFile(data), save=False)
        try:
            with transaction.atomic():
                derivative.save(force_insert=True)
        except IntegrityError:  # another worker made it meanwhile
            derivative.file.delete(save=False)
            continue
        made.append(str(kind))
    return made
