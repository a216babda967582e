"""Re-compute the hash chain and report its first broken link.

Events are read in ``seq`` order in keyset chunks of plain tuples, so a million events take a few
chunks' worth of memory. Appends go on while this runs: the chain head is read first and only the
events up to it are checked; events after it are legitimate only if the head has moved since.
"""

import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .models import GENESIS_HASH, HASHED_FIELDS, AuditChainHead, AuditEvent, chain_hash, hashed_form
from .search import actor_search_key, target_search_key

_COLUMNS = (*HASHED_FIELDS, "prev_hash", "hash", "actor_search", "target_search")
_SEQ, _UUID = HASHED_FIELDS.index("seq"), HASHED_FIELDS.index("uuid")
_USERNAME, _NAME = HASHED_FIELDS.index("actor_username"), HASHED_FIELDS.index("actor_name")
_LABEL, _TIME = HASHED_FIELDS.index("target_label"), HASHED_FIELDS.index("occurred_at")
_N = len(HASHED_FIELDS)


class BreakKind(StrEnum):
    GAP = "gap"
    LINK = "link"
    HASH = "hash"
    SEARCH = "search"
    TIME = "time"
    HEAD = "head"
    AFTER_HEAD = "after_head"


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    head_seq: int
    broken_seq: int | None = None
    broken_uuid: uuid_module.UUID | None = None
    kind: BreakKind | None = None
    reason: str = ""


def _broken(checked: int, head_seq: int, seq: int, event_uuid, kind: BreakKind, reason: str) -> VerifyReport:
    return VerifyReport(
        ok=False,
        checked=checked,
        head_seq=head_seq,
        broken_seq=seq,
        broken_uuid=event_uuid,
        kind=kind,
        reason=reason,
    )


def _check_row(row: tuple, expected_seq: int, expected_prev: str, previous_time) -> tuple[BreakKind, str] | None:
    seq = row[_SEQ]
    prev_hash, stored_hash, actor_search, target_search = row[_N:]
    if seq != expected_seq:
        missing = f"#{expected_seq}" if seq == expected_seq + 1 else f"#{expected_seq}…#{seq - 1}"
        return BreakKind.GAP, f"Thiếu sự kiện {missing} (ngay trước sự kiện #{seq}): sự kiện đã bị xoá."
    if prev_hash != expected_prev:
        before = f"sự kiện #{seq - 1}" if seq > 1 else "điểm khởi đầu của chuỗi"
        return (
            BreakKind.LINK,
            f"Mã băm trước (prev_hash) của sự kiện #{seq} không khớp với mã băm của {before}: "
            "có sự kiện bị chèn thêm, thay thế hoặc đổi thứ tự.",
        )
    if chain_hash(prev_hash, hashed_form(row[:_N])) != stored_hash:
        return BreakKind.HASH, f"Mã băm của sự kiện #{seq} không khớp với nội dung: sự kiện đã bị sửa."
    if previous_time is not None and row[_TIME] < previous_time:
        return (
            BreakKind.TIME,
            f"Thời điểm của sự kiện #{seq} sớm hơn sự kiện #{seq - 1}: thứ tự thời gian của chuỗi bị đảo, "
            "bộ lọc theo ngày sẽ bỏ sót sự kiện.",
        )
    if actor_search != actor_search_key(row[_USERNAME], row[_NAME]) or target_search != target_search_key(row[_LABEL]):
        return (
            BreakKind.SEARCH,
            f"Cột tìm kiếm của sự kiện #{seq} không khớp với tên người thực hiện hoặc đối tượng: "
            "đã bị sửa để che sự kiện khỏi bộ lọc.",
        )
    return None


def _head() -> tuple[int, str, datetime | None]:
    head = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash", "occurred_at").first()
    return head or (0, GENESIS_HASH, None)


def audit_chain_verify(*, chunk_size: int = 5000) -> VerifyReport:
    """Check every link from the first event to the chain head; stop at the first broken one."""
    head_seq, head_hash, head_time = _head()
    rows = AuditEvent.objects.order_by("seq").values_list(*_COLUMNS)
    checked, last_seq, last_hash, last_time = 0, 0, GENESIS_HASH, None
    while True:
        chunk = list(rows.filter(seq__gt=last_seq, seq__lte=head_seq)[:chunk_size])
        for row in chunk:
            problem = _check_row(row, last_seq + 1, last_hash, last_time)
            if problem is not None:
                kind, reason = problem
                broken_seq = last_seq + 1 if kind is BreakKind.GAP else row[_SEQ]
                broken_uuid = None if kind is BreakKind.GAP else row[_UUID]
                return _broken(checked, head_seq, broken_seq, broken_uuid, kind, reason)
            checked += 1
            last_seq, last_hash, last_time = row[_SEQ], row[_N + 1], row[_TIME]
        if len(chunk) < chunk_size:
            break

    if last_seq < head_seq:
        missing = f"#{last_seq + 1}" if last_seq + 1 == head_seq else f"#{last_seq + 1}…#{head_seq}"
        reason = f"Thiếu sự kiện {missing} ở cuối chuỗi (đầu chuỗi ghi #{head_seq}): sự kiện đã bị xoá."
        return _broken(checked, head_seq, last_seq + 1, None, BreakKind.GAP, reason)
    if last_hash != head_hash or (head_time is not None and head_time != last_time):
        reason = f"Đầu chuỗi không khớp với sự kiện cuối #{last_seq}: đầu chuỗi hoặc sự kiện cuối đã bị sửa."
        return _broken(checked, head_seq, last_seq, None, BreakKind.HEAD, reason)

    # An append commits its event and the head together: rows past the head we read are legitimate
    # only if the head has moved by the time we can see them.
    extra = AuditEvent.objects.filter(seq__gt=head_seq).order_by("seq").values_list("seq", "uuid").first()
    if extra is not None and _head()[0] == head_seq:
        reason = f"Sự kiện #{extra[0]} nằm sau đầu chuỗi (#{head_seq}): sự kiện được chèn thêm ngoài audit_record()."
        return _broken(checked, head_seq, extra[0], extra[1], BreakKind.AFTER_HEAD, reason)
    return VerifyReport(ok=True, checked=checked, head_seq=head_seq)
