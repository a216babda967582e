"""The signature status shown beside each electronic result.

The portal sits above the signing app in the dependency order, so it does not import it: the
verdicts come from a hook named by a dotted path (``PORTAL_RESULT_VERDICTS``, by default the
signing app's ``selectors.verdicts_for_files``, which validates a file once and keeps the verdict
by SHA-256 and trust configuration), resolved at first use. The hook takes the result documents
(objects with ``sha256`` and ``file``) and returns ``{sha256: verdict}``, each verdict with
``overall``, ``text`` and ``signatures`` (lines with ``signer`` and ``verdict_text``). When the hook
cannot be loaded or fails, the page says the status is unknown; it never claims a signature it
has not checked.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from apps.dossiers.files import document_bytes_intact

logger = logging.getLogger(__name__)
DEFAULT_VERDICTS = "apps.signing.selectors.verdicts_for_files"
PDF = "application/pdf"


class Status:
    VALID = "valid"
    UNSIGNED = "unsigned"
    UNKNOWN = "unknown"
    CHANGED = "changed"


@dataclass(frozen=True)
class SignatureLine:
    signer: str
    text: str


@dataclass(frozen=True)
class ResultVerdict:
    status: str  # the signing app's overall verdict, or unsigned / unknown
    text: str
    signatures: tuple[SignatureLine, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == Status.VALID


NOT_PDF = ResultVerdict(Status.UNSIGNED, "Tệp kết quả không phải PDF nên không mang chữ ký số.")
UNKNOWN = ResultVerdict(Status.UNKNOWN, "Chưa kiểm tra được chữ ký số lúc này.")
CHANGED = ResultVerdict(
    Status.CHANGED,
    "Tệp kết quả trong kho không còn khớp với tệp đã lưu lúc trả kết quả; hãy liên hệ cơ quan giải quyết.",
)


def _hook():
    path = getattr(settings, "PORTAL_RESULT_VERDICTS", DEFAULT_VERDICTS)
    if not path:
        return None
    try:
        return import_string(path)
    except ImportError:
        logger.warning("result signature verdicts hook %s not available", path)
        return None


def result_verdicts(documents) -> dict[int, ResultVerdict]:
    """The verdict of each result document, by primary key (one lookup for all of them)."""
    verdicts = {d.pk: NOT_PDF for d in documents if d.content_type != PDF}
    # Verdicts are kept by the recorded hash: a file changed in storage since must not borrow one.
    for document in documents:
        if document.content_type == PDF and not document_bytes_intact(document):
            verdicts[document.pk] = CHANGED
    pdfs = [d for d in documents if d.pk not in verdicts]
    if not pdfs:
        return verdicts
    found = {}
    hook = _hook()
    if hook is not None:
        try:
            found = hook(pdfs)
        except Exception:  # a validator failure must not hide the result from its owner
            logger.exception("result signature verdicts failed")
    for document in pdfs:
        verdict = found.get(document.sha256)
        if verdict is None:
            verdicts[document.pk] = UNKNOWN
            continue
        verdicts[document.pk] = ResultVerdict(
            status=str(verdict.overall),
            text=str(verdict.text),
            signatures=tuple(SignatureLine(signer=s.signer, text=s.verdict_text) for s in verdict.signatures),
        )
    return verdicts
