"""Signing and exchange: the server seal against bare pyHanko, and edXML packages per second.

``signing.seal``: a 2-page form rendered with the project's PDF renderer, sealed (attachment, B-T)
through ``document_sign_seal`` — checks, validation of the result, storage, audit — against a bare
``PdfSigner.sign_pdf`` with the same key, stamp and timestamp authority, interleaved runs
(``apps.signing.benchmarks.seal_overhead``). Also validation of the sealed PDF per second.

``exchange.edxml``: build + XSD validation + parse of a package carrying a 1 MB attachment, per
second, against ``base64`` encoding and decoding the same megabyte (the least any format costs).
"""

import base64
import os
import time
from collections.abc import Iterator
from datetime import date

from ..figures import Figure, median, ratio
from ..run import Run
from . import scenario

ROUNDS = 5


def _two_page_pdf() -> bytes:
    from weasyprint import HTML

    paragraph = "<p>Ủy ban nhân dân tỉnh Hà Tĩnh báo cáo kết quả giải quyết thủ tục hành chính quý IV.</p>" * 40
    return HTML(string=f"<h1>BÁO CÁO</h1>{paragraph}<p style='page-break-before: always'>Trang 2</p>").write_pdf()


@scenario("signing.seal", label="đóng dấu PAdES B-T qua hệ thống so với pyHanko trần; kiểm tra chữ ký", order=60)
def seal_vs_bare(run: Run) -> Iterator[Figure]:
    from apps.signing.benchmarks import seal_overhead
    from apps.signing.validation import signature_validate

    pdf = _two_page_pdf()
    timing = seal_overhead(pdf, runs=7, keep=True)
    yield Figure("signing.seal.ours", timing.ours_median_s * 1000, "ms")
    yield Figure("signing.seal.bare_pyhanko", timing.bare_median_s * 1000, "ms")
    yield Figure("signing.seal.time_vs_bare", timing.ratio, "x slower")

    from apps.signing.models import SignedFile

    signed = SignedFile.objects.order_by("-signed_at").first().file.read()
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        signature_validate(signed)
        times.append(time.perf_counter() - started)
    yield Figure("signing.validate.per_second", 1 / median(times), "1/s")


@scenario("exchange.edxml", label="gói edXML 1 MB: tạo + kiểm tra XSD + đọc, so với base64 1 MB", order=61)
def edxml_per_second(run: Run) -> Iterator[Figure]:
    from apps.exchange.edxml import Attachment, Organ, Package, package_build, package_parse

    megabyte = os.urandom(1024 * 1024)
    package = Package(
        sender=Organ("000.00.31.H27", "UBND xã Thạch Lạc"),
        recipients=(Organ("000.00.00.H27", "UBND tỉnh Hà Tĩnh"),),
        document_id="H27.31-2026-BENCH",
        code_number="15",
        code_notation="BC-UBND",
        place="Hà Tĩnh",
        promulgation_date=date(2026, 11, 27),
        type_code="1",
        type_name="Báo cáo",
        subject="Báo cáo kết quả thực hiện nhiệm vụ năm 2026",
        signer_competence="TM. Ủy ban nhân dân",
        signer_position="Chủ tịch",
        signer_name="Nguyễn Văn An",
        attachments=(Attachment("att-1", "bao-cao.pdf", "application/pdf", megabyte),),
    )
    ours, bare = [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        parsed = package_parse(package_build(package))
        ours.append(time.perf_counter() - started)
        assert parsed.attachments[0].data == megabyte
        started = time.perf_counter()
        assert base64.b64decode(base64.b64encode(megabyte)) == megabyte
        bare.append(time.perf_counter() - started)
    yield Figure("exchange.edxml_1mb.per_second", 1 / median(ours), "1/s")
    yield Figure("exchange.base64_1mb.per_second", 1 / median(bare), "1/s")
    yield Figure("exchange.edxml_1mb.ratio_vs_bare", ratio(1 / median(ours), 1 / median(bare)), "x")
