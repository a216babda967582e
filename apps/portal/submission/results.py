"""The signature status shown beside an electronic result.

The portal sits above the signing app in the dependency order, so it does not import it: the
validator is a hook named by a dotted path (``PORTAL_RESULT_VALIDATOR``, by default the signing
app's ``signature_validate``), resolved at the first use. A validator takes the PDF bytes and
returns one report per signature, each with ``ok`` and ``verdict_text`` (the signing app's
``ValidationReport``). When no validator can be loaded the page says the status is unknown; it
never claims a signature it has not checked.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
DEFAULT_VALIDATOR = "apps.signing.validation.signature_validate"


class Status:
    VALID = "valid"
    INVALID = "invalid"
    UNSIGNED = "unsigned"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ResultVerdict:
    status: str
    text: str
    signers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == Status.VALID


def _validator():
    path = getattr(settings, "PORTAL_RESULT_VALIDATOR", DEFAULT_VALIDATOR)
    if not path:
        return None
    try:
        return import_string(path)
    except ImportError:
        logger.warning("result signature validator %s not available", path)
        return None


def result_verdict(pdf: bytes, content_type: str = "application/pdf") -> ResultVerdict:
    """What to tell the applicant about the signatures of one result file."""
    if content_type != "application/pdf":
        return ResultVerdict(Status.UNSIGNED, "Tệp kết quả không phải PDF nên không mang chữ ký số.")
    validate = _validator()
    if validate is None:
        return ResultVerdict(Status.UNKNOWN, "Chưa kiểm tra được chữ ký số (chức năng kiểm tra chưa bật).")
    try:
        reports = validate(pdf)
    except ValueError as error:
        return ResultVerdict(Status.INVALID, str(error))
    except Exception:  # a validator failure must not hide the result from its owner
        logger.exception("result signature validation failed")
        return ResultVerdict(Status.UNKNOWN, "Chưa kiểm tra được chữ ký số lúc này; vui lòng thử lại sau.")
    if not reports:
        return ResultVerdict(Status.UNSIGNED, "Tệp kết quả không có chữ ký số.")
    signers = tuple(getattr(r, "signer_common_name", "") for r in reports)
    bad = [r for r in reports if not r.ok]
    if bad:
        return ResultVerdict(Status.INVALID, "; ".join(r.verdict_text for r in bad), signers)
    return ResultVerdict(Status.VALID, reports[-1].verdict_text, signers)
