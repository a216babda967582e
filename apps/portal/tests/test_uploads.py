"""Upload checks (apps/core/uploads.py): content sniffing, size, PDF structure and active content,
image re-encoding without metadata, name sanitising, and the ClamAV adapter against a fake clamd."""

import io
import socket
import struct
import threading
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.core import uploads
from apps.core.uploads import ClamdScanner, NoScanner, UploadErrorCode, UploadRefused, safe_filename, upload_check

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def pdf_bytes(pages: int = 1) -> bytes:
    images = [Image.new("RGB", (40, 40), "white") for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:])
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (30, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "18.34N 105.90E")
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refused(file, **kwargs) -> UploadRefused:
    with pytest.raises(UploadRefused) as caught:
        upload_check(file, scanner=NoScanner(), **kwargs)
    return caught.value


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "x")
    return out.getvalue()


# --- accepted ---------------------------------------------------------------------------------------
def test_a_pdf_is_accepted_as_it_is():
    data = pdf_bytes(2)
    checked = upload_check(upload("Đơn đề nghị.pdf", data), scanner=NoScanner())
    assert checked.content_type == "application/pdf"
    assert checked.content == data
    assert checked.name == "Đơn đề nghị.pdf"
    assert checked.scan.scanned is False
    assert "EGOV_CLAMD_ADDRESS" in checked.scan.detail


def test_a_jpeg_is_re_encoded_upright_without_metadata():
    data = jpeg_with_exif()
    with Image.open(io.BytesIO(data)) as before:
        assert before.getexif()[0x010F] == "CameraMaker"
    checked = upload_check(upload("ảnh chụp.JPEG", data), scanner=NoScanner())
    assert checked.content_type == "image/jpeg"
    assert checked.name == "ảnh chụp.jpg"
    with Image.open(io.BytesIO(checked.content)) as after:
        assert dict(after.getexif()) == {}
        assert after.size == (20, 30)  # the orientation was applied, then dropped


def test_a_png_loses_its_text_chunks():
    checked = upload_check(upload("so-do.png", png_with_text()), scanner=NoScanner())
    with Image.open(io.BytesIO(checked.content)) as after:
        assert "Location" not in after.info
    assert b"18.34N" not in checked.content


def test_the_extension_follows_the_content_not_the_name():
    checked = upload_check(upload("ban-ve.pdf", png_with_text()), scanner=NoScanner())
    assert (checked.content_type, checked.name) == ("image/png", "ban-ve.png")


# --- refused ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "word"),
    [
        pytest.param("giay-to.pdf", b"MZ\x90\x00" + b"\x00" * 200, "chương trình", id="exe-named-pdf"),
        pytest.param("giay-to.pdf", zip_bytes(), "ZIP", id="zip-named-pdf"),
        pytest.param("don.docx", b"PK\x03\x04" + b"\x00" * 100, "Office", id="docx"),
        pytest.param("don.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Office cũ", id="doc"),
        pytest.param("a.rar", b"Rar!\x1a\x07\x00" + b"\x00" * 50, "RAR", id="rar"),
        pytest.param("anh.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>", "SVG", id="svg"),
        pytest.param("anh.png", b"#!/bin/sh\nrm -rf /\n", "script", id="shell"),
        pytest.param("anh.jpg", b"GIF89a" + b"\x00" * 30, "GIF", id="gif"),
        pytest.param("ghi-chu.pdf", "Xin chào".encode(), "", id="text"),
    ],
)
def test_disguised_and_unsupported_files_are_refused_by_content(name, content, word):
    error = refused(upload(name, content))
    assert error.code == UploadErrorCode.TYPE_REFUSED
    assert "không phải PDF, JPEG hay PNG" in error.message
    assert word in error.message


def test_an_empty_file_is_refused():
    assert refused(upload("rong.pdf", b"")).code == UploadErrorCode.EMPTY


def test_an_oversized_file_is_refused_before_reading(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    error = refused(upload("lon.pdf", pdf_bytes() + b"\n" * 2048))
    assert error.code == UploadErrorCode.TOO_LARGE
    assert "tối đa" in error.message


def test_a_truncated_pdf_is_refused():
    data = pdf_bytes()
    assert refused(upload("cut.pdf", data[: len(data) // 2])).code == UploadErrorCode.DAMAGED


def test_a_pdf_with_a_broken_structure_is_refused():
    error = refused(upload("hong.pdf", b"%PDF-1.7\n garbage garbage\n%%EOF\n"))
    assert error.code == UploadErrorCode.DAMAGED
    assert "hỏng" in error.message


def pdf_with(key: str, value) -> bytes:
    """A valid PDF with one more entry in its catalogue, added as an incremental update."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes()), strict=False)
    writer.root[generic.NameObject(key)] = writer.add_object(value)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(kind: str):
    from pyhanko.pdf_utils import generic

    return generic.DictionaryObject(
        {generic.NameObject("/S"): generic.NameObject(kind), generic.NameObject("/F"): generic.TextStringObject("x")}
    )


@pytest.mark.parametrize(
    ("key", "kind", "word"),
    [
        ("/OpenAction", "/JavaScript", "JavaScript"),
        ("/OpenAction", "/Launch", "mở chương trình"),
        ("/Names", "/EmbeddedFiles", "đính kèm"),
    ],
    ids=["javascript", "launch", "embedded-files"],
)
def test_a_pdf_with_active_content_is_refused(key, kind, word):
    data = pdf_with(key, _action(kind))
    assert upload_check(upload("sach.pdf", pdf_bytes()), scanner=NoScanner())  # the same PDF without it passes
    error = refused(upload("hoat-dong.pdf", data))
    assert error.code == UploadErrorCode.ACTIVE_CONTENT
    assert word in error.message


def test_an_escaped_name_does_not_hide_javascript():
    data = pdf_with("/OpenAction", _action("/JavaScript"))
    escaped = data.replace(b"/JavaScript", b"/Java#53cript")
    assert b"/JavaScript" not in escaped
    assert uploads._pdf_active_content(escaped) == "mã JavaScript"


def test_a_damaged_jpeg_is_refused():
    data = jpeg_with_exif()
    error = refused(upload("hong.jpg", data[:40]))
    assert error.code == UploadErrorCode.DAMAGED


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    out = io.BytesIO()
    Image.new("L", (200, 200)).save(out, format="PNG")
    assert refused(upload("bom.png", out.getvalue())).code == UploadErrorCode.DAMAGED


# --- names ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "content_type", "expected"),
    [
        ("../../etc/passwd", None, "passwd"),
        ("C:\\Users\\An\\Giấy khai sinh.pdf", "application/pdf", "Giấy khai sinh.pdf"),
        ("a\x00b\x1fc\u202ed.pdf", "application/pdf", "a b c d.pdf"),
        ("Đơn   đề\tnghị .PDF", "application/pdf", "Đơn đề nghị.pdf"),
        ("...", "image/png", "tep.png"),
        ('<script>"x"|?*.jpg', "image/jpeg", "scriptx.jpg"),
        ("anh.exe", "image/jpeg", "anh.jpg"),
        ("Nguyễn Thị Hằng.pdf".encode().decode("utf-8"), "application/pdf", "Nguyễn Thị Hằng.pdf"),
    ],
)
def test_file_names_are_sanitised(raw, content_type, expected):
    assert safe_filename(raw, content_type) == expected


def test_a_long_name_is_cut_keeping_the_extension():
    name = safe_filename("đ" * 500 + ".pdf", "application/pdf")
    assert len(name) == uploads.MAX_NAME_LENGTH
    assert name.endswith(".pdf")


def test_decomposed_vietnamese_letters_are_composed():
    assert safe_filename("Ho\u0302\u0300 so\u031b.pdf", "application/pdf") == "Hồ sơ.pdf"


# --- antivirus --------------------------------------------------------------------------------------
class FakeClamd:
    """A tiny clamd speaking INSTREAM on 127.0.0.1: finds EICAR, else OK."""

    def __init__(self, *, unix_path=None, reply=None):
        self.received: list[bytes] = []
        self.reply = reply
        if unix_path:
            self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.server.bind(str(unix_path))
            self.address = str(unix_path)
        else:
            self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.server.bind(("127.0.0.1", 0))
            self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.server.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += conn.recv(1)
                assert command == b"zINSTREAM\0"
                stream = b""
                while True:
                    (length,) = struct.unpack("!L", self._read(conn, 4))
                    if length == 0:
                        break
                    stream += self._read(conn, length)
                self.received.append(stream)
                if self.reply is not None:
                    conn.sendall(self.reply)
                elif EICAR in stream:
                    conn.sendall(b"stream: Eicar-Signature FOUND\0")
                else:
                    conn.sendall(b"stream: OK\0")

    def close(self):
        self.server.close()


@pytest.fixture
def clamd():
    server = FakeClamd()
    yield server
    server.close()


def test_the_clamd_adapter_passes_a_clean_file(clamd, settings):
    settings.CLAMD_ADDRESS = clamd.address
    data = pdf_bytes()
    checked = upload_check(upload("sach.pdf", data))
    assert checked.scan == uploads.ScanResult(clean=True, scanned=True, detail="stream: OK")
    assert clamd.received == [data]


def test_the_clamd_adapter_streams_large_files_in_chunks(clamd):
    data = b"%PDF-" + b"a" * (ClamdScanner.CHUNK * 2 + 17)
    assert ClamdScanner(clamd.address).scan(data).clean
    assert clamd.received == [data]


def test_the_clamd_adapter_refuses_an_infected_file(clamd, settings):
    settings.CLAMD_ADDRESS = clamd.address
    from pyhanko.pdf_utils import generic

    infected = pdf_with("/PieceInfo", generic.StreamObject(stream_data=EICAR))
    assert EICAR in infected
    with pytest.raises(UploadRefused) as caught:
        upload_check(upload("nhiem.pdf", infected))
    assert caught.value.code == UploadErrorCode.INFECTED
    assert "Eicar-Signature" in caught.value.message


def test_the_clamd_adapter_over_a_unix_socket(tmp_path):
    server = FakeClamd(unix_path=tmp_path / "clamd.sock")
    try:
        assert ClamdScanner(server.address).scan(b"hello").detail == "stream: OK"
        assert not ClamdScanner(f"unix://{server.address}").scan(EICAR).clean
    finally:
        server.close()


def test_an_unreachable_clamd_refuses_the_upload(settings):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    settings.CLAMD_ADDRESS = f"127.0.0.1:{port}"
    with pytest.raises(UploadRefused) as caught:
        upload_check(upload("sach.pdf", pdf_bytes()))
    assert caught.value.code == UploadErrorCode.SCAN_UNAVAILABLE


def test_a_clamd_error_reply_refuses_the_upload():
    server = FakeClamd(reply=b"INSTREAM size limit exceeded. ERROR\0")
    try:
        with pytest.raises(UploadRefused) as caught:
            ClamdScanner(server.address).scan(b"x")
        assert caught.value.code == UploadErrorCode.SCAN_UNAVAILABLE
    finally:
        server.close()


def test_without_clamd_configured_the_hook_is_a_no_op_that_says_so(settings):
    settings.CLAMD_ADDRESS = ""
    scanner = uploads.virus_scanner()
    assert isinstance(scanner, NoScanner)
    result = scanner.scan(EICAR)
    assert (result.clean, result.scanned) == (True, False)
