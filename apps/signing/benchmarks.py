"""Timing of the server seal against bare pyHanko, for the bench harness.

``seal_overhead()`` signs the same PDF with the same key, stamp and timestamp authority, once
through ``document_sign_seal`` (checks, validation of the result, storage, audit) and once with
a bare ``PdfSigner.sign_pdf``, several runs each, and reports the medians and their ratio.
"""

import io
import statistics
import time
from dataclasses import dataclass

from django.db import transaction
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner

from . import appearance, keys, placement
from .actions import ATTACHMENT_FIELD, document_sign_seal
from .conf import signing_settings
from .models import Level


@dataclass(frozen=True)
class Timing:
    runs: int
    ours_median_s: float
    bare_median_s: float

    @property
    def ratio(self) -> float:
        return self.ours_median_s / self.bare_median_s

    def as_dict(self) -> dict:
        return {
            "runs": self.runs,
            "ours_median_s": round(self.ours_median_s, 4),
            "bare_median_s": round(self.bare_median_s, 4),
            "ratio": round(self.ratio, 3),
        }


class _Rollback(Exception):
    pass


def seal_overhead(pdf: bytes, *, runs: int = 7, reference: str = "01/BC-UBND", keep: bool = False) -> Timing:
    """Median time of ``document_sign_seal`` (attachment, B-T) and of bare pyHanko on ``pdf``.

    Each run of ours is rolled back unless ``keep`` (the stored file stays on disk in that case only).
    """
    config = signing_settings()
    seal = keys.seal_signer(config)
    tsa = keys.timestamper(config)
    box = placement.attachment_box(pdf)

    def bare() -> bytes:
        with seal.session() as signer:
            pdf_signer = PdfSigner(
                PdfSignatureMetadata(
                    field_name=ATTACHMENT_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
                ),
                signer=signer,
                timestamper=tsa,
                stamp_style=appearance.attachment_style(reference),
                new_field_spec=fields.SigFieldSpec(ATTACHMENT_FIELD, on_page=0, box=box.as_tuple()),
            )
            out = io.BytesIO()
            pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), output=out)
            return out.getvalue()

    def ours() -> None:
        try:
            with transaction.atomic():
                signed = document_sign_seal(actor=None, pdf=pdf, name="bench.pdf", reference=reference, level=Level.B_T)
                if not keep:
                    signed.file.delete(save=False)
                    raise _Rollback
        except _Rollback:
            pass

    bare()  # warm caches (fonts, the PKCS#12 key) for both sides
    ours()
    ours_times, bare_times = [], []
    for _ in range(runs):  # interleaved, so machine load hits both sides alike
        start = time.perf_counter()
        ours()
        ours_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare()
        bare_times.append(time.perf_counter() - start)
    return Timing(runs, statistics.median(ours_times), statistics.median(bare_times))
