import datetime
import json
import uuid

import pytest
from django.core.management import call_command

from apps.audit.context import client_ip_var
from apps.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from apps.audit.verification import BreakKind, audit_chain_verify

from .conftest import FakeActor, FakeAgency, json_param, raw_sql, record, triggers_disabled

pytestmark = pytest.mark.django_db


def make_chain(count: int) -> list[AuditEvent]:
    actor = FakeActor("canbo1", "Nguyễn Văn Đức", agency=FakeAgency("Sở Tư pháp"))
    return [
        record(actor=actor, action="test.change", target_label=f"Hồ sơ {n}", before={"n": n}, after={"n": n + 1})
        for n in range(1, count + 1)
    ]


def run_verify(capsys) -> tuple[int, str, str]:
    try:
        call_command("audit_verify")
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_hash_of_a_fixed_event_is_stable():
    """The canonical form is a format: changing it breaks every chain already recorded."""
    event = AuditEvent(
        seq=7,
        uuid=uuid.UUID("12345678-1234-5678-1234-567812345678"),
        occurred_at=datetime.datetime(2026, 3, 5, 1, 2, 3, 456789, tzinfo=datetime.UTC),
        actor_uuid=uuid.UUID("00000000-0000-0000-0000-000000000001"),
        actor_username="canbo1",
        actor_name="Nguyễn Văn Đức",
        agency_uuid=None,
        agency_name="",
        action="dossier.receive",
        target_type="dossiers.dossier",
        target_uuid=uuid.UUID("00000000-0000-0000-0000-000000000002"),
        target_label="Hồ sơ 000.00.01.H23-260305-0001",
        changes={"state": ["new", "received"], "fee": [None, 50000]},
        ip="10.1.2.3",
        request_id="req-1",
        prev_hash=GENESIS_HASH,
    )

    assert event.compute_hash() == "3b62a20cfe3e18e00591f0589000559bb1409eae1a44aa0a0449dca823e65c39"


@pytest.mark.parametrize("chunk_size", [1, 2, 5000], ids=["chunk-1", "chunk-2", "chunk-5000"])
def test_consistent_chain_is_ok(chunk_size):
    make_chain(5)

    report = audit_chain_verify(chunk_size=chunk_size)

    assert report.ok
    assert report.checked == 5
    assert report.head_seq == 5
    assert report.broken_seq is None


def test_empty_trail_is_ok(capsys):
    code, out, _ = run_verify(capsys)

    assert code == 0
    assert "toàn vẹn" in out
    assert "0 sự kiện" in out


def test_command_reports_a_consistent_chain(capsys):
    make_chain(3)

    code, out, err = run_verify(capsys)

    assert code == 0
    assert "Chuỗi nhật ký toàn vẹn: đã kiểm tra 3 sự kiện" in out
    assert err == ""


def test_values_that_json_databases_rewrite_still_verify():
    record(action="test.values", changes={"big": 1e20, "ratio": 1.5, "whole": 2.0, "nested": [{"x": 3.0}]})
    token = client_ip_var.set("2001:db8::1")
    try:
        record(action="test.ipv6")
    finally:
        client_ip_var.reset(token)

    assert audit_chain_verify().ok


@pytest.mark.parametrize(
    ("column", "value"),
    [
        pytest.param("changes", {"n": [2, 999]}, id="changes"),
        pytest.param("actor_username", "nguoi-khac", id="actor_username"),
    ],
)
def test_row_edited_in_sql_is_reported_at_its_seq(capsys, column, value):
    events = make_chain(5)
    edited = events[2]
    placeholder = json_param() if column == "changes" else "%s"
    param = json.dumps(value) if column == "changes" else value

    with triggers_disabled():
        raw_sql(f"UPDATE audit_auditevent SET {column} = {placeholder} WHERE seq = %s", [param, edited.seq])  # noqa: S608
    code, _, err = run_verify(capsys)
    report = audit_chain_verify()

    assert AuditEvent.objects.get(seq=edited.seq).hash == edited.hash
    assert (report.ok, report.kind, report.broken_seq, report.broken_uuid) == (False, BreakKind.HASH, 3, edited.uuid)
    assert report.checked == 2
    assert code == 1
    assert f"tại sự kiện #3 ({edited.uuid})" in err
    assert "đã bị sửa" in err


def test_edited_row_with_recomputed_hash_breaks_the_next_link():
    events = make_chain(4)
    forged = AuditEvent.objects.get(seq=2)
    forged.changes = {"n": [2, 999]}
    forged_hash = forged.compute_hash()

    with triggers_disabled():
        raw_sql(
            f"UPDATE audit_auditevent SET changes = {json_param()}, hash = %s WHERE seq = 2",  # noqa: S608
            [json.dumps(forged.changes), forged_hash],
        )
    report = audit_chain_verify()

    assert (report.kind, report.broken_seq, report.broken_uuid) == (BreakKind.LINK, 3, events[2].uuid)
    assert "#2" in report.reason


def test_deleted_middle_row_is_reported_as_a_gap(capsys):
    make_chain(5)

    with triggers_disabled():
        raw_sql("DELETE FROM audit_auditevent WHERE seq = 3")
    code, _, err = run_verify(capsys)
    report = audit_chain_verify()

    assert (report.kind, report.broken_seq, report.checked) == (BreakKind.GAP, 3, 2)
    assert code == 1
    assert "Thiếu sự kiện #3" in err
    assert "bị xoá" in err


def test_deleted_last_row_is_reported_against_the_head():
    make_chain(3)

    with triggers_disabled():
        raw_sql("DELETE FROM audit_auditevent WHERE seq = 3")
    report = audit_chain_verify()

    assert (report.kind, report.broken_seq) == (BreakKind.GAP, 3)
    assert "cuối chuỗi" in report.reason


def test_first_row_must_start_from_genesis():
    make_chain(2)

    with triggers_disabled():
        raw_sql("UPDATE audit_auditevent SET prev_hash = %s WHERE seq = 1", ["f" * 64])
    report = audit_chain_verify()

    assert (report.kind, report.broken_seq) == (BreakKind.LINK, 1)


def test_head_that_does_not_match_the_last_event_is_reported():
    make_chain(3)

    AuditChainHead.objects.filter(pk=1).update(hash="e" * 64)
    report = audit_chain_verify()

    assert (report.kind, report.broken_seq) == (BreakKind.HEAD, 3)


def test_row_added_after_the_head_is_reported():
    make_chain(2)
    head = AuditChainHead.objects.get(pk=1)
    last = AuditEvent.objects.get(seq=2)

    # An insert that does not go through audit_record leaves the head behind.
    columns = (
        "seq, uuid, occurred_at, actor_username, actor_name, agency_name, action, target_type, target_label, "
        "changes, request_id, prev_hash, hash, actor_search, target_search"
    )
    values = f"3, %s, occurred_at, '', '', '', 'forged', '', '', {json_param()}, '', hash, %s, '', ''"
    raw_sql(
        f"INSERT INTO audit_auditevent ({columns}) SELECT {values} FROM audit_auditevent WHERE seq = 2",  # noqa: S608
        [uuid.uuid4().hex, "{}", "d" * 64],
    )
    report = audit_chain_verify()

    assert head.seq == 2 and last.hash == head.hash
    assert (report.kind, report.broken_seq) == (BreakKind.AFTER_HEAD, 3)


def test_search_column_changed_to_hide_an_event_is_reported():
    make_chain(2)

    with triggers_disabled():
        raw_sql("UPDATE audit_auditevent SET actor_search = 'ai do' WHERE seq = 2")
    report = audit_chain_verify()

    assert (report.kind, report.broken_seq) == (BreakKind.SEARCH, 2)


def test_event_is_never_earlier_than_the_one_before():
    """A writer whose clock is behind takes the last event's time, so seq order stays time order."""
    later = datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC)
    first = record(action="test.clock", at=later)
    second = record(action="test.clock", at=later - datetime.timedelta(seconds=3))

    assert second.occurred_at == first.occurred_at == later
    assert AuditChainHead.objects.get(pk=1).occurred_at == later
    assert audit_chain_verify().ok


def rechain(from_seq: int) -> None:
    """Re-compute every hash from ``from_seq`` on, and the head: an attacker rewriting the whole tail."""
    previous = AuditEvent.objects.get(seq=from_seq - 1).hash if from_seq > 1 else GENESIS_HASH
    with triggers_disabled():
        for event in AuditEvent.objects.filter(seq__gte=from_seq).order_by("seq"):
            event.prev_hash = previous
            previous = event.compute_hash()
            raw_sql(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
                [event.prev_hash, previous, event.seq],
            )
    AuditChainHead.objects.filter(pk=1).update(hash=previous)


def test_time_going_backwards_is_reported_even_when_the_tail_is_rehashed():
    make_chain(3)
    earlier = AuditEvent.objects.get(seq=1).occurred_at - datetime.timedelta(hours=1)

    with triggers_disabled():
        raw_sql("UPDATE audit_auditevent SET occurred_at = %s WHERE seq = 2", [earlier])
    rechain(2)
    report = audit_chain_verify()

    assert (report.kind, report.broken_seq) == (BreakKind.TIME, 2)
    assert "sớm hơn" in report.reason
