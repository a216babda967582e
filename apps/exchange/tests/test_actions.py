"""Outbox and inbox: idempotent sending, de-duplication, automatic 'đã đến', answers, quarantine, retries."""

import threading
from datetime import timedelta
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.exchange import transports
from apps.exchange.actions import (
    MAX_ATTEMPTS,
    backoff,
    incoming_status_send,
    outbox_run,
    package_recall_request,
    package_receive,
    package_send,
)
from apps.exchange.edxml import Organ, StatusCode, StatusMessage, package_build, status_build
from apps.exchange.errors import ExchangeError, ExchangeErrorCode
from apps.exchange.models import IncomingPackage, Kind, OutgoingPackage, QuarantinedPackage

from .conftest import COMMUNE_ID, OTHER_ID, PROVINCE_ID, make_package

pytestmark = pytest.mark.django_db


def _document(package_id):
    return OutgoingPackage.objects.get(kind=Kind.DOCUMENT, document_id=package_id)


def test_a_package_sent_twice_from_a_commune_arrives_once_and_the_sender_sees_arrived_then_accepted(
    commune, province, commune_clerk, province_clerk
):
    package = make_package()

    first = package_send(actor=commune_clerk, agency=commune, package=package)
    second = package_send(actor=commune_clerk, agency=commune, package=package)
    assert [p.pk for p in first] == [p.pk for p in second]
    assert OutgoingPackage.objects.filter(kind=Kind.DOCUMENT).count() == 1

    assert outbox_run()["sent"] == 1  # the package, in-process to the province
    incoming = IncomingPackage.objects.get()
    assert (incoming.agency, incoming.document_id, incoming.status_code) == (province, package.document_id, 1)
    assert incoming.sha256 == _document(package.document_id).sha256

    assert outbox_run()["sent"] == 1  # the automatic "đã đến" back to the commune
    sent = _document(package.document_id)
    assert sent.state == OutgoingPackage.State.SENT and sent.transport == "direct"
    assert (sent.last_status_code, sent.last_status_text) == (1, "Đã đến")

    incoming_status_send(actor=province_clerk, incoming=incoming, status_code=StatusCode.ACCEPTED)
    outbox_run()

    sent.refresh_from_db()
    assert [s.status_code for s in sent.statuses.all()] == [1, 3]
    assert sent.last_status_text == "Đã tiếp nhận"
    assert IncomingPackage.objects.count() == 1 and not QuarantinedPackage.objects.exists()
    assert AuditEvent.objects.filter(action="exchange.status_send", actor_uuid=province_clerk.uuid).count() == 1


def test_the_same_package_delivered_twice_lands_once_and_the_duplicate_is_kept(commune, province):
    content = package_build(make_package())

    first = package_receive(content=content, transport="http")
    again = package_receive(content=content, transport="http")

    assert len(first.incoming) == 1 and again.duplicate and not again.refused
    assert IncomingPackage.objects.count() == 1
    kept = QuarantinedPackage.objects.get()
    assert kept.error_code == ExchangeErrorCode.DUPLICATE and "Gói tin trùng" in kept.reason


def test_a_new_document_id_with_the_same_number_symbol_and_sender_is_a_duplicate(commune, province):
    package_receive(content=package_build(make_package()), transport="http")

    result = package_receive(content=package_build(make_package(document_id="KHAC-0002")), transport="http")

    assert result.duplicate and IncomingPackage.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<edXML:edXMLEnvelope xmlns:edXML='http://www.go.vn/eDoc'/>", ExchangeErrorCode.WRONG_NAMESPACE),
        (b"not xml", ExchangeErrorCode.NOT_XML),
    ],
    ids=["wrong-namespace", "not-xml"],
)
def test_a_refused_package_is_kept_in_quarantine_with_its_reason(province, content, code):
    result = package_receive(content=content, transport="http")

    assert result.refused and not IncomingPackage.objects.exists()
    kept = QuarantinedPackage.objects.get()
    assert kept.error_code == code and bytes(kept.content) == content and kept.reason == result.reason
    assert AuditEvent.objects.filter(action="exchange.package_quarantine").count() == 1


def test_a_package_for_an_agency_not_on_the_platform_is_quarantined(province):
    result = package_receive(content=package_build(make_package(recipient=OTHER_ID)), transport="http")

    assert result.refused and "Không có cơ quan nhận nào trên nền tảng" in result.reason
    assert QuarantinedPackage.objects.get().sender_identifier == COMMUNE_ID


def test_a_status_for_an_unknown_document_is_quarantined(commune, province):
    message = StatusMessage(
        sender=Organ(organ_id=PROVINCE_ID),
        response_to_organ_id=COMMUNE_ID,
        response_to_document_id="KHONG-CO",
        status_code=StatusCode.ACCEPTED,
        timestamp=timezone.now(),
    )

    result = package_receive(content=status_build(message), transport="http")

    assert result.refused
    kept = QuarantinedPackage.objects.get()
    assert kept.error_code == ExchangeErrorCode.UNKNOWN_DOCUMENT
    assert "Thông điệp trạng thái cho văn bản không xác định" in kept.reason


def test_a_duplicate_at_the_recipient_counts_as_delivered(commune, commune_clerk, province):
    package_send(actor=commune_clerk, agency=commune, package=make_package())
    IncomingPackage.objects.create(  # the province already holds this number and symbol from the commune
        agency=province,
        sender_identifier=COMMUNE_ID,
        document_id="CU",
        code_number="15",
        code_notation="BC-UBND",
        subject="Cũ",
        promulgation_date=timezone.localdate(),
        content=b"",
        sha256="0" * 64,
        received_at=timezone.now(),
    )

    outbox_run()

    # A duplicate is not a refusal: the sender retried after a lost answer, the package is there.
    assert _document("H27.31-2026-0001").state == OutgoingPackage.State.SENT


class _Refusing:
    name = "refusing"

    def deliver(self, content, *, recipient):
        raise transports.PackageRefused("Cơ quan nhận từ chối gói tin.")


def test_a_refusal_by_the_recipient_stops_the_retries(commune, commune_clerk, province, monkeypatch):
    package_send(actor=commune_clerk, agency=commune, package=make_package())
    monkeypatch.setattr(transports, "transport_for", lambda recipient: _Refusing())

    assert outbox_run()["refused"] == 1
    assert outbox_run(now=timezone.now() + timedelta(days=1)) == {"sent": 0, "retry": 0, "refused": 0, "failed": 0}

    outgoing = _document("H27.31-2026-0001")
    assert (outgoing.state, outgoing.attempts) == (OutgoingPackage.State.REFUSED, 1)
    assert outgoing.last_error == "Cơ quan nhận từ chối gói tin."


def test_sending_needs_the_sender_identifier_and_a_known_route(commune, commune_clerk, province):
    with pytest.raises(ExchangeError) as caught:
        package_send(actor=commune_clerk, agency=province, package=make_package())
    assert caught.value.code == ExchangeErrorCode.FIELD_INVALID

    with pytest.raises(ExchangeError) as caught:
        package_send(actor=commune_clerk, agency=commune, package=make_package(recipient=OTHER_ID))
    assert caught.value.code == ExchangeErrorCode.UNKNOWN_RECIPIENT
    assert not OutgoingPackage.objects.exists()


def test_the_recipient_cannot_answer_arrived_by_hand_nor_after_done(commune, commune_clerk, province, province_clerk):
    package_send(actor=commune_clerk, agency=commune, package=make_package())
    outbox_run()
    incoming = IncomingPackage.objects.get()

    with pytest.raises(ExchangeError):
        incoming_status_send(actor=province_clerk, incoming=incoming, status_code=StatusCode.ARRIVED)
    incoming_status_send(actor=province_clerk, incoming=incoming, status_code=StatusCode.DONE)
    with pytest.raises(ExchangeError) as caught:
        incoming_status_send(actor=province_clerk, incoming=incoming, status_code=StatusCode.PROCESSING)

    assert "Hoàn thành" in caught.value.message
    incoming.refresh_from_db()
    assert incoming.status_code == StatusCode.DONE


class _Failing:
    name = "flaky"

    def __init__(self, failures: int):
        self.failures = failures
        self.calls = 0

    def deliver(self, content, *, recipient):
        self.calls += 1
        if self.calls <= self.failures:
            raise transports.TransportError("Trục liên thông tạm ngừng.")


def test_a_failing_transport_is_retried_with_exponential_back_off(commune, commune_clerk, province, monkeypatch):
    flaky = _Failing(failures=3)
    package_send(actor=commune_clerk, agency=commune, package=make_package())
    monkeypatch.setattr(transports, "transport_for", lambda recipient: flaky)
    now = timezone.now()

    waits = []
    for _ in range(3):
        assert outbox_run(now=now)["retry"] == 1
        outgoing = _document("H27.31-2026-0001")
        waits.append(outgoing.next_attempt_at - now)
        assert outbox_run(now=now)["retry"] == 0  # not due before its back-off
        now = outgoing.next_attempt_at
    assert outbox_run(now=now)["sent"] == 1

    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    outgoing = _document("H27.31-2026-0001")
    assert (outgoing.state, outgoing.attempts, outgoing.last_error) == (OutgoingPackage.State.SENT, 4, "")


def test_a_transport_that_never_recovers_fails_after_the_last_attempt(commune, commune_clerk, province, monkeypatch):
    package_send(actor=commune_clerk, agency=commune, package=make_package())
    monkeypatch.setattr(transports, "transport_for", lambda recipient: _Failing(failures=100))
    now = timezone.now()

    for _ in range(MAX_ATTEMPTS):
        outbox_run(now=now)
        now += backoff(MAX_ATTEMPTS)

    outgoing = _document("H27.31-2026-0001")
    assert (outgoing.state, outgoing.attempts) == (OutgoingPackage.State.FAILED, MAX_ATTEMPTS)
    assert outgoing.last_error == "Trục liên thông tạm ngừng."


def test_back_off_doubles_and_is_capped():
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert backoff(20) == timedelta(hours=6)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def axis():
    """A local simulator of the external axis: fails the first request with 503, then stores packages."""
    received, answers = [], iter([("503 Service Unavailable", b"ban")])

    def app(environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        status, text = next(answers, ("200 OK", b"ok"))
        if status.startswith("200"):
            received.append((environ.get("HTTP_X_EDXML_TO"), body))
        start_response(status, [("Content-Type", "text/plain")])
        return [text]

    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/__axis__/", received
    server.shutdown()
    server.server_close()


def test_a_package_for_an_outside_agency_goes_over_http_to_the_axis(commune, commune_clerk, settings, axis):
    url, received = axis
    settings.EXCHANGE_AXIS_URL = url
    package_send(actor=commune_clerk, agency=commune, package=make_package(recipient=OTHER_ID))
    now = timezone.now()

    assert outbox_run(now=now)["retry"] == 1
    assert outbox_run(now=now + timedelta(minutes=1))["sent"] == 1

    outgoing = _document("H27.31-2026-0001")
    assert (outgoing.state, outgoing.transport, outgoing.attempts) == (OutgoingPackage.State.SENT, "http", 2)
    assert received == [(OTHER_ID, bytes(outgoing.content))]


def test_the_outbox_runs_as_a_periodic_task():
    from apps.core.schedule import periodic_tasks

    assert "apps.exchange.tasks.outbox_process" in {p.name for p in periodic_tasks()}


def test_the_sender_recalls_a_document_and_the_recipient_gives_it_back(
    commune, commune_clerk, province, province_clerk
):
    package_send(actor=commune_clerk, agency=commune, package=make_package())
    outbox_run()
    incoming = IncomingPackage.objects.get()
    with pytest.raises(ExchangeError):  # nothing to answer before the sender asks
        incoming_status_send(actor=province_clerk, incoming=incoming, status_code=StatusCode.RECALLED)

    package_recall_request(actor=commune_clerk, outgoing=_document("H27.31-2026-0001"), reason="Sai số liệu")
    outbox_run()
    incoming.refresh_from_db()
    assert incoming.status_code == StatusCode.RECALL_REQUESTED
    with pytest.raises(ExchangeError):  # the recall is answered first
        incoming_status_send(actor=province_clerk, incoming=incoming, status_code=StatusCode.ACCEPTED)

    incoming_status_send(actor=province_clerk, incoming=incoming, status_code=StatusCode.RECALLED)
    outbox_run()

    sent = _document("H27.31-2026-0001")
    assert [s.status_code for s in sent.statuses.all()] == [1, 15]
    assert sent.last_status_text == "Lấy lại thành công"
    with pytest.raises(ExchangeError) as caught:
        package_recall_request(actor=commune_clerk, outgoing=sent, reason="Lần nữa")
    assert caught.value.code == ExchangeErrorCode.DUPLICATE


def test_an_official_acts_on_exchange_only_for_an_agency_in_the_scope_of_the_right_to_send(
    commune, commune_clerk, province, province_clerk
):
    package_send(actor=commune_clerk, agency=commune, package=make_package())
    outbox_run()
    incoming = IncomingPackage.objects.get()
    sent = _document("H27.31-2026-0001")
    reader = UserFactory(full_name="Cán Bộ Chỉ Xem", roles=[Role.HANDLER], agency=province)
    before = (AuditEvent.objects.count(), OutgoingPackage.objects.count())

    refused = [
        lambda: package_send(
            actor=province_clerk, agency=commune, package=make_package(document_id="H27.31-2026-0002")
        ),
        lambda: incoming_status_send(actor=commune_clerk, incoming=incoming, status_code=StatusCode.ACCEPTED),
        lambda: incoming_status_send(actor=reader, incoming=incoming, status_code=StatusCode.ACCEPTED),
        lambda: package_recall_request(actor=province_clerk, outgoing=sent, reason="Không phải của tôi"),
    ]
    for attempt in refused:
        with pytest.raises(ExchangeError) as caught:
            attempt()
        assert caught.value.code == ExchangeErrorCode.NOT_ALLOWED and "không có quyền" in caught.value.message

    assert (AuditEvent.objects.count(), OutgoingPackage.objects.count()) == before
    incoming.refresh_from_db()
    assert incoming.status_code != StatusCode.ACCEPTED
    incoming_status_send(actor=province_clerk, incoming=incoming, status_code=StatusCode.ACCEPTED)  # its own clerk
