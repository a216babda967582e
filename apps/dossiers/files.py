"""Checks of a file attached to a dossier: its real type by content, its size, its structure.

Only PDF, JPEG and PNG are taken (what scanners and phones produce); archives, office files and
anything disguised under another name are refused before anything is stored.
"""

import io

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from .errors import DossierError, DossierErrorCode

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def _refuse(message: str) -> DossierError:
    return DossierError(DossierErrorCode.FILE_REFUSED, message)


def document_file_check(uploaded) -> str:
    """The content type of an acceptable file, or raise with a Vietnamese reason."""
    limit = getattr(settings, "DOSSIER_MAX_FILE_BYTES", DEFAULT_MAX_BYTES)
    name = getattr(uploaded, "name", "tệp")
    if uploaded.size == 0:
        raise _refuse(f"Tệp “{name}” rỗng.")
    if uploaded.size > limit:
        raise _refuse(f"Tệp “{name}” quá lớn ({uploaded.size // 1024 // 1024} MB); tối đa {limit // 1024 // 1024} MB.")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)
    if content_type is None:
        raise _refuse(f"Tệp “{name}” không phải PDF, JPEG hay PNG (kiểm tra theo nội dung, không theo tên tệp).")
    data = uploaded.read()
    uploaded.seek(0)
    if content_type == "application/pdf":
        _check_pdf(name, data)
    else:
        _check_image(name, data)
    return content_type


def _check_pdf(name: str, data: bytes) -> None:
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if b"%%EOF" not in data[-2048:]:
        raise _refuse(f"Tệp PDF “{name}” bị cắt cụt hoặc hỏng.")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        pages = reader.root["/Pages"]["/Count"]
    except (PdfReadError, KeyError, TypeError, ValueError) as error:
        raise _refuse(f"Tệp PDF “{name}” hỏng cấu trúc ({type(error).__name__}).") from None
    if not pages:
        raise _refuse(f"Tệp PDF “{name}” không có trang nào.")
    if reader.security_handler is not None:
        raise _refuse(f"Tệp PDF “{name}” có mật khẩu; hãy nộp bản không khóa.")


def _check_image(name: str, data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise _refuse(f"Ảnh “{name}” hỏng hoặc không đọc được.") from None
