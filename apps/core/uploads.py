"""Checks of a file a person uploads, before anything is stored.

What is taken is decided by the content, never by the name: PDF, JPEG and PNG only (what scanners
and phones produce). Archives, office files, executables, scripts, HTML/SVG and anything disguised
under another extension are refused with a Vietnamese reason. A PDF must parse, have pages, carry no
password, no JavaScript, no launch action and no embedded files. An image must decode in full and is
re-encoded without its metadata (location, camera, thumbnails), upright. The name is sanitised and
its extension follows the content. Finally the bytes go to the antivirus hook: a ClamAV ``clamd``
daemon (``INSTREAM``) when ``EGOV_CLAMD_ADDRESS`` is set; otherwise the hook says it scanned nothing.

``upload_check`` returns a ``CheckedFile`` holding the bytes to store; callers store those bytes
(``CheckedFile.as_upload()``), not the original upload. The dossier actions check every file they
store through it (``apps/dossiers/files.py``).
"""

import hashlib
import io
import logging
import re
import socket
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import DomainError

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 120
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}

# Known kinds that are refused, with the word the applicant understands.
_REFUSED_SIGNATURES: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "tệp nén ZIP hoặc tệp Office (docx, xlsx…)"),
    (b"PK\x05\x06", "tệp nén ZIP"),
    (b"Rar!\x1a\x07", "tệp nén RAR"),
    (b"7z\xbc\xaf\x27\x1c", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén gzip"),
    (b"BZh", "tệp nén bzip2"),
    (b"\xfd7zXZ\x00", "tệp nén xz"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "tệp Office cũ (doc, xls)"),
    (b"MZ", "tệp chương trình (exe, dll)"),
    (b"\x7fELF", "tệp chương trình (ELF)"),
    (b"\xcf\xfa\xed\xfe", "tệp chương trình (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "tệp chương trình (Java/Mach-O)"),
    (b"#!", "tệp lệnh (script)"),
    (b"GIF8", "ảnh GIF"),
    (b"{\\rtf", "tệp RTF"),
]
_MARKUP = re.compile(rb"^\s*(<\?xml|<!doctype|<html|<svg|<script)", re.IGNORECASE)
# PDF name objects whose presence means active or hidden content (also in their #xx-escaped forms,
# which pyHanko's parser would decode but a plain byte search would miss).
_PDF_ACTIVE = {
    "/JavaScript": "mã JavaScript",
    "/JS": "mã JavaScript",
    "/Launch": "lệnh mở chương trình",
    "/EmbeddedFile": "tệp đính kèm ẩn",
    "/EmbeddedFiles": "tệp đính kèm ẩn",
    "/RichMedia": "nội dung đa phương tiện",
    "/XFA": "biểu mẫu XFA",
}
_PDF_NAME = re.compile(rb"/[A-Za-z0-9#]+")


class UploadErrorCode:
    EMPTY = "upload_empty"
    TOO_LARGE = "upload_too_large"
    TYPE_REFUSED = "upload_type_refused"
    DAMAGED = "upload_damaged"
    ACTIVE_CONTENT = "upload_active_content"
    INFECTED = "upload_infected"
    SCAN_UNAVAILABLE = "upload_scan_unavailable"


class UploadRefused(DomainError):
    """A file was refused; ``message`` says why, in Vietnamese, naming the file."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    scanned: bool
    detail: str  # the signature found, or what the scanner said


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file: the bytes to store (re-encoded for images) and what was learnt of it."""

    name: str
    content_type: str
    content: bytes
    original_name: str
    scan: ScanResult

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def as_upload(self) -> SimpleUploadedFile:
        """A fresh uploaded-file object over the checked bytes (for ``FileField.save`` and actions)."""
        return SimpleUploadedFile(self.name, self.content, content_type=self.content_type)


# --- file names -----------------------------------------------------------------------------------
def safe_filename(name: str, content_type: str | None = None) -> str:
    """A file name safe to store and to show: no folders, no control or reserved characters, at
    most ``MAX_NAME_LENGTH`` characters, Vietnamese letters kept (NFC), the extension of the content."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]  # a browser may send a full Windows or POSIX path
    name = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Zs"} else ch
        for ch in name
        if unicodedata.category(ch) not in {"Cs", "Co", "Cn"}
    )
    name = re.sub(r'[<>:"|?*\x00]', "", name)
    name = " ".join(name.split()).strip(" .")
    stem, suffix = _split(name)
    if content_type in EXTENSIONS:
        suffix = EXTENSIONS[content_type]
    elif not re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix or ""):
        suffix = ""
    stem = stem.strip(" .-") or "tep"
    stem = stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .")
    return f"{stem}{suffix.lower()}"


def _split(name: str) -> tuple[str, str]:
    path = PurePosixPath(name or "x")
    suffix = path.suffix if len(path.suffix) <= 9 else ""
    return (name[: -len(suffix)] if suffix else name), suffix


# --- the check ------------------------------------------------------------------------------------
def upload_max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",").replace(",0", "")


def sniff(head: bytes) -> str | None:
    """The accepted content type of a file starting with ``head``, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _refused_kind(head: bytes) -> str | None:
    for magic, word in _REFUSED_SIGNATURES:
        if head.startswith(magic):
            return word
    if _MARKUP.match(head):
        return "trang web, SVG hoặc XML"
    return None


def upload_check(uploaded, *, max_bytes: int | None = None, scanner=None) -> CheckedFile:
    """Check one uploaded file and return what to store, or raise ``UploadRefused``."""
    original = str(getattr(uploaded, "name", "") or "")
    shown = safe_filename(original) or "tệp"
    limit = max_bytes or upload_max_bytes()
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise UploadRefused(
            UploadErrorCode.TOO_LARGE, f"Tệp “{shown}” quá lớn ({_mb(size)} MB); tối đa {_mb(limit)} MB."
        )
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    uploaded.seek(0)
    if not data:
        raise UploadRefused(UploadErrorCode.EMPTY, f"Tệp “{shown}” rỗng.")
    if len(data) > limit:
        raise UploadRefused(UploadErrorCode.TOO_LARGE, f"Tệp “{shown}” quá lớn; tối đa {_mb(limit)} MB.")
    content_type = sniff(data[:16])
    if content_type is None:
        kind = _refused_kind(data[:64])
        what = f"là {kind}, " if kind else ""
        raise UploadRefused(
            UploadErrorCode.TYPE_REFUSED,
            f"Tệp “{shown}” {what}không phải PDF, JPEG hay PNG (kiểm tra theo nội dung, không theo tên tệp); "
            "chỉ nhận PDF, JPEG, PNG.",
        )
    if content_type == PDF:
        _check_pdf(shown, data)
    else:
        data = _reencode_image(shown, data, content_type)
    scan = (scanner or virus_scanner()).scan(data)
    if not scan.clean:
        logger.warning("upload refused by antivirus: %s", scan.detail)
        raise UploadRefused(
            UploadErrorCode.INFECTED, f"Tệp “{shown}” bị phần mềm diệt virus chặn ({scan.detail}); tệp không được lưu."
        )
    return CheckedFile(
        name=safe_filename(original, content_type),
        content_type=content_type,
        content=data,
        original_name=original[:500],
        scan=scan,
    )


def _check_pdf(name: str, data: bytes) -> None:
    from pyhanko.pdf_utils.generic import NameObject
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if b"%%EOF" not in data[-2048:]:
        raise UploadRefused(UploadErrorCode.DAMAGED, f"Tệp PDF “{name}” bị cắt cụt hoặc hỏng.")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        pages = int(reader.root["/Pages"]["/Count"])
    except (PdfReadError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise UploadRefused(
            UploadErrorCode.DAMAGED, f"Tệp PDF “{name}” hỏng cấu trúc ({type(error).__name__})."
        ) from None
    if pages <= 0:
        raise UploadRefused(UploadErrorCode.DAMAGED, f"Tệp PDF “{name}” không có trang nào.")
    if reader.security_handler is not None:
        raise UploadRefused(UploadErrorCode.DAMAGED, f"Tệp PDF “{name}” có mật khẩu; hãy nộp bản không khóa.")
    found = _pdf_active_content(data)
    if found is None:
        names = reader.root.get("/Names")
        if names is not None and NameObject("/EmbeddedFiles") in names:
            found = _PDF_ACTIVE["/EmbeddedFiles"]
    if found:
        raise UploadRefused(
            UploadErrorCode.ACTIVE_CONTENT,
            f"Tệp PDF “{name}” chứa {found}; hãy in lại thành PDF thường (chỉ nội dung trang) rồi nộp.",
        )


def _pdf_active_content(data: bytes) -> str | None:
    for match in _PDF_NAME.finditer(data):
        raw = match.group().decode("latin-1")
        if "#" in raw:
            raw = re.sub(r"#([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), raw)
        if raw in _PDF_ACTIVE:
            return _PDF_ACTIVE[raw]
    return None


def _reencode_image(name: str, data: bytes, content_type: str) -> bytes:
    """Decode the whole image and write it again without metadata, upright (EXIF orientation applied)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"JPEG", "PNG"}:
                raise UnidentifiedImageError
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if content_type == JPEG:
                if image.mode not in {"RGB", "L"}:
                    image = image.convert("RGB")
                image.save(out, format="JPEG", quality=90, optimize=True)
            else:
                if image.mode not in {"RGB", "RGBA", "L", "LA", "P", "1"}:
                    image = image.convert("RGBA")
                image.save(out, format="PNG", optimize=True)
    except Image.DecompressionBombError:
        raise UploadRefused(
            UploadErrorCode.DAMAGED, f"Ảnh “{name}” quá nhiều điểm ảnh; hãy chụp lại nhỏ hơn."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadRefused(UploadErrorCode.DAMAGED, f"Ảnh “{name}” hỏng hoặc không đọc được.") from None
    return out.getvalue()


# --- antivirus hook -------------------------------------------------------------------------------
class NoScanner:
    """What the hook does when no antivirus is configured: nothing, and it says so."""

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(clean=True, scanned=False, detail="Chưa cấu hình quét virus (EGOV_CLAMD_ADDRESS).")


class ClamdScanner:
    """A ClamAV daemon reached over TCP (``host:port``) or a Unix socket (a path), ``INSTREAM`` command.

    Fails closed: when the daemon cannot be reached or answers something unexpected the upload is
    refused (``SCAN_UNAVAILABLE``) rather than stored unscanned.
    """

    CHUNK = 64 * 1024

    def __init__(self, address: str, *, timeout: float = 10.0):
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if self.address.startswith("/") or self.address.startswith("unix:"):
            path = self.address.removeprefix("unix://").removeprefix("unix:")
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(path)
            return sock
        host, _, port = self.address.removeprefix("tcp://").rpartition(":")
        return socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=self.timeout)

    def scan(self, data: bytes) -> ScanResult:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), self.CHUNK):
                    chunk = data[start : start + self.CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
        except (OSError, ValueError) as error:
            logger.error("clamd unreachable at %s: %s", self.address, type(error).__name__)
            raise UploadRefused(
                UploadErrorCode.SCAN_UNAVAILABLE,
                "Chưa quét được virus cho tệp lúc này (dịch vụ quét không phản hồi); vui lòng thử lại sau.",
            ) from None
        text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if text.endswith(" OK"):
            return ScanResult(clean=True, scanned=True, detail=text)
        if text.endswith(" FOUND"):
            signature = text.removeprefix("stream:").removesuffix("FOUND").strip()
            return ScanResult(clean=False, scanned=True, detail=signature or "virus")
        logger.error("clamd answered %r", text[:200])
        raise UploadRefused(
            UploadErrorCode.SCAN_UNAVAILABLE,
            "Chưa quét được virus cho tệp lúc này (dịch vụ quét báo lỗi); vui lòng thử lại sau.",
        )


def virus_scanner():
    """The configured antivirus adapter (``CLAMD_ADDRESS``), or the no-op one."""
    address = getattr(settings, "CLAMD_ADDRESS", "")
    if not address:
        return NoScanner()
    return ClamdScanner(address, timeout=float(getattr(settings, "CLAMD_TIMEOUT", 10)))
