"""Every state change of the exchange: queue, deliver, receive, quarantine, answer, seal receipts."""

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.selectors import scope_for_permission
from apps.audit.actions import audit_record
from apps.organizations.models import Agency

from . import transports
from .edxml import (
    STATUS_TEXT,
    Organ,
    Package,
    StatusCode,
    StatusMessage,
    Trace,
    message_kind,
    package_build,
    package_parse,
    sender_of,
    status_build,
    status_parse,
)
from .errors import ExchangeError, ExchangeErrorCode
from .models import IncomingPackage, Kind, OutgoingPackage, PackageStatus, QuarantinedPackage
from .selectors import SEND_PERMISSION
from .xmldsig import envelope_sign, envelope_verify

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
# What a recipient may answer by hand ("đã đến" is sent automatically, "yêu cầu lấy lại" is the sender's).
ANSWERS = frozenset(
    {
        StatusCode.REFUSED,
        StatusCode.ACCEPTED,
        StatusCode.ASSIGNED,
        StatusCode.PROCESSING,
        StatusCode.DONE,
        StatusCode.RECALLED,
        StatusCode.RECALL_REFUSED,
    }
)
FINAL = frozenset({StatusCode.REFUSED, StatusCode.DONE, StatusCode.RECALLED})


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def _organ(agency: Agency) -> Organ:
    return Organ(organ_id=agency.identifier, name=agency.name)


def _require_identifier(agency: Agency) -> None:
    if not agency.identifier:
        raise ExchangeError(
            ExchangeErrorCode.SENDER_WITHOUT_IDENTIFIER,
            f"Cơ quan “{agency.name}” chưa có mã định danh theo QCVN 102:2016 "
            "nên chưa gửi, nhận văn bản liên thông được.",
        )


def _require_acting_for(actor, agency: Agency) -> None:
    """An official acts on exchange for ``agency`` only with the right to send within its scope
    (the pages check it too; the actions hold it for every caller). No actor: the platform itself."""
    if actor is None:
        return
    scope = scope_for_permission(actor, SEND_PERMISSION) if getattr(actor, "is_authenticated", False) else set()
    if scope is not None and agency.pk not in scope:
        raise ExchangeError(
            ExchangeErrorCode.NOT_ALLOWED, f"Bạn không có quyền gửi, trả lời văn bản liên thông thay cho {agency.name}."
        )


def _schedule_receipt(direction: str, package) -> None:
    from .tasks import receipt_seal

    transaction.on_commit(partial(receipt_seal.enqueue, direction, str(package.uuid)))


def _schedule_outbox() -> None:
    from .tasks import outbox_process

    transaction.on_commit(outbox_process.enqueue)


# --- sending ------------------------------------------------------------------------------------
def _envelope_seal(content: bytes) -> bytes:
    """The envelope signed (XMLDSig) with the platform's seal, or as it is while signing is switched off."""
    from apps.signing import keys
    from apps.signing.conf import signing_settings

    if not signing_settings().enabled:
        return content
    with keys.seal_signer().session() as signer:
        return envelope_sign(content, signer)


@transaction.atomic
def package_send(*, actor, agency: Agency, package: Package) -> list[OutgoingPackage]:
    """Queue ``package`` from ``agency`` for each recipient; sending the same DocumentId again queues nothing."""
    _require_identifier(agency)
    if package.sender.organ_id != agency.identifier:
        raise ExchangeError(
            ExchangeErrorCode.FIELD_INVALID,
            f"Cơ quan gửi trong gói tin ({package.sender.organ_id}) không phải là {agency.name} ({agency.identifier}).",
        )
    _require_acting_for(actor, agency)
    now = timezone.now()
    for recipient in package.recipients:
        if transports.transport_for(recipient.organ_id) is None:
            raise ExchangeError(
                ExchangeErrorCode.UNKNOWN_RECIPIENT,
                f"Không có đường gửi tới cơ quan có mã “{recipient.organ_id}”: cơ quan không ở trên nền tảng "
                "và chưa cấu hình trục liên thông.",
            )
    if not package.traces:
        package = replace(package, traces=(Trace(organ_id=agency.identifier, timestamp=now),))
    content = _envelope_seal(package_build(package))
    digest = sha256(content)
    queued = []
    for recipient in package.recipients:
        existing = OutgoingPackage.objects.filter(
            kind=Kind.DOCUMENT, document_id=package.document_id, recipient_identifier=recipient.organ_id
        ).first()
        if existing is not None:
            queued.append(existing)
            continue
        outgoing = OutgoingPackage.objects.create(
            kind=Kind.DOCUMENT,
            agency=agency,
            recipient_identifier=recipient.organ_id,
            recipient_name=recipient.name[:300],
            document_id=package.document_id,
            code_number=package.code_number,
            code_notation=package.code_notation,
            subject=package.subject[:1000],
            content=content,
            sha256=digest,
            next_attempt_at=now,
        )
        audit_record(
            actor=actor,
            action="exchange.package_send",
            target=outgoing,
            agency=agency,
            after={"document_id": package.document_id, "to": recipient.organ_id, "sha256": digest},
        )
        _schedule_receipt("out", outgoing)
        queued.append(outgoing)
    _schedule_outbox()
    return queued


def outbox_run(*, now: datetime | None = None) -> dict:
    """Try every due package of the outbox once; return how many were sent, retried, refused, failed."""
    now = now or timezone.now()
    ids = list(
        OutgoingPackage.objects.filter(state=OutgoingPackage.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:200]
    )
    report = {"sent": 0, "retry": 0, "refused": 0, "failed": 0}
    for pk in ids:
        state = outgoing_deliver(package_id=pk, now=now)
        if state:
            report[state] += 1
    return report


@transaction.atomic
def outgoing_deliver(*, package_id: int, now: datetime | None = None) -> str:
    """Deliver one outbox row if due: ``sent``, ``retry``, ``refused``, ``failed`` or '' (not due)."""
    now = now or timezone.now()
    outgoing = OutgoingPackage.objects.select_for_update().filter(pk=package_id).first()
    if outgoing is None or outgoing.state != OutgoingPackage.State.PENDING or outgoing.next_attempt_at > now:
        return ""
    transport = transports.transport_for(outgoing.recipient_identifier)
    fields = ["state", "attempts", "next_attempt_at", "last_error", "sent_at", "transport", "updated_at"]
    outgoing.attempts += 1
    try:
        if transport is None:
            raise transports.TransportError(f"Không có đường gửi tới cơ quan có mã “{outgoing.recipient_identifier}”.")
        outgoing.transport = transport.name
        with transaction.atomic():
            transport.deliver(bytes(outgoing.content), recipient=outgoing.recipient_identifier)
    except transports.PackageRefused as refusal:
        outgoing.state, outgoing.last_error, result = OutgoingPackage.State.REFUSED, str(refusal)[:1000], "refused"
    except transports.TransportError as error:
        outgoing.last_error = str(error)[:1000]
        if outgoing.attempts >= MAX_ATTEMPTS:
            outgoing.state, result = OutgoingPackage.State.FAILED, "failed"
        else:
            outgoing.next_attempt_at, result = now + backoff(outgoing.attempts), "retry"
    else:
        outgoing.state, outgoing.sent_at, outgoing.last_error, result = OutgoingPackage.State.SENT, now, "", "sent"
    outgoing.save(update_fields=fields)
    audit_record(
        actor=None,
        action="exchange.package_deliver",
        target=outgoing,
        agency=outgoing.agency,
        after={"state": outgoing.state, "attempts": outgoing.attempts, "error": outgoing.last_error},
    )
    return result


# --- receiving ----------------------------------------------------------------------------------
@dataclass
class ReceiveResult:
    incoming: list[IncomingPackage]
    quarantined: QuarantinedPackage | None = None
    duplicate: bool = False
    status: PackageStatus | None = None

    @property
    def refused(self) -> bool:
        return self.quarantined is not None and not self.duplicate

    @property
    def reason(self) -> str:
        return self.quarantined.reason if self.quarantined else ""


def _quarantine(*, content: bytes, error: ExchangeError, transport: str, agency: Agency | None = None):
    kept = QuarantinedPackage.objects.create(
        agency=agency,
        sender_identifier=sender_of(content),
        error_code=error.code,
        reason=error.message[:1000],
        content=content,
        sha256=sha256(content),
        transport=transport,
        received_at=timezone.now(),
    )
    audit_record(
        actor=None,
        action="exchange.package_quarantine",
        target=kept,
        agency=agency,
        after={"code": error.code, "reason": error.message, "sha256": kept.sha256},
    )
    return kept


@transaction.atomic
def package_receive(*, content: bytes, transport: str, recipient: str | None = None) -> ReceiveResult:
    """Take a package or status message from outside; refused ones go to quarantine with the reason.

    ``recipient`` limits delivery to one agency (the direct transport knows it); without it every
    recipient of the package that is on this platform gets it.
    """
    try:
        with transaction.atomic():
            if message_kind(content) == "status":
                return _status_receive(content, recipient=recipient)
            return _document_receive(content, transport=transport, recipient=recipient)
    except ExchangeError as error:
        agency = Agency.objects.filter(identifier=recipient).first() if recipient else None
        kept = _quarantine(content=content, error=error, transport=transport, agency=agency)
        return ReceiveResult(incoming=[], quarantined=kept, duplicate=error.code == ExchangeErrorCode.DUPLICATE)


def _document_receive(content: bytes, *, transport: str, recipient: str | None) -> ReceiveResult:
    package = package_parse(content)
    signature = envelope_verify(content)
    if signature.present and not signature.intact:
        raise ExchangeError(ExchangeErrorCode.SIGNATURE_INVALID, f"Chữ ký số XML không hợp lệ: {signature.message}")
    wanted = [r.organ_id for r in package.recipients]
    if recipient is not None:
        if recipient not in wanted:
            raise ExchangeError(
                ExchangeErrorCode.UNKNOWN_RECIPIENT, f"Cơ quan có mã “{recipient}” không có trong danh sách nhận (To)."
            )
        wanted = [recipient]
    agencies = list(Agency.objects.filter(identifier__in=wanted).order_by("pk"))
    if not agencies:
        raise ExchangeError(
            ExchangeErrorCode.UNKNOWN_RECIPIENT,
            f"Không có cơ quan nhận nào trên nền tảng trong danh sách nhận ({', '.join(wanted)}).",
        )
    digest, now, received = sha256(content), timezone.now(), []
    for agency in agencies:
        duplicate = IncomingPackage.objects.filter(
            Q(document_id=package.document_id)
            | Q(
                sender_identifier=package.sender.organ_id,
                code_number=package.code_number,
                code_notation=package.code_notation,
            ),
            agency=agency,
        ).exists()
        if duplicate:
            continue
        try:
            with transaction.atomic():
                incoming = IncomingPackage.objects.create(
                    agency=agency,
                    sender_identifier=package.sender.organ_id,
                    sender_name=package.sender.name[:300],
                    document_id=package.document_id,
                    code_number=package.code_number,
                    code_notation=package.code_notation,
                    subject=package.subject[:1000],
                    promulgation_date=package.promulgation_date,
                    business_doc_type=package.business_doc_type,
                    content=content,
                    sha256=digest,
                    transport=transport,
                    received_at=now,
                    envelope_signature=("valid" if signature.trusted else "untrusted") if signature.present else "none",
                    envelope_signer=signature.signer[:500],
                )
        except IntegrityError:
            continue  # the same package arriving at the same moment through another worker
        audit_record(
            actor=None,
            action="exchange.package_receive",
            target=incoming,
            agency=agency,
            after={"document_id": package.document_id, "from": package.sender.organ_id, "sha256": digest},
        )
        _status_queue(incoming=incoming, status_code=StatusCode.ARRIVED, description="Văn bản đã đến.", now=now)
        _schedule_receipt("in", incoming)
        received.append(incoming)
    if not received:
        raise ExchangeError(
            ExchangeErrorCode.DUPLICATE,
            f"Gói tin trùng: văn bản {package.code} (mã {package.document_id}) từ {package.sender.organ_id} "
            "đã được nhận trước đó.",
        )
    return ReceiveResult(incoming=received)


def _recall_receive(message: StatusMessage, *, recipient: str | None) -> ReceiveResult:
    """The sender asks for a document back: the recipient's copy waits for its answer (15 or 16)."""
    queryset = IncomingPackage.objects.select_for_update().filter(
        document_id=message.response_to_document_id, sender_identifier=message.sender.organ_id
    )
    if recipient:
        queryset = queryset.filter(agency__identifier=recipient)
    received = list(queryset.select_related("agency"))
    if not received:
        raise ExchangeError(
            ExchangeErrorCode.UNKNOWN_DOCUMENT,
            f"Thông điệp trạng thái cho văn bản không xác định: chưa nhận văn bản mã {message.response_to_document_id} "
            f"từ {message.sender.organ_id}.",
        )
    for incoming in received:
        before = incoming.status_code
        incoming.status_code = StatusCode.RECALL_REQUESTED
        incoming.save(update_fields=["status_code", "updated_at"])
        audit_record(
            actor=None,
            action="exchange.status_receive",
            target=incoming,
            agency=incoming.agency,
            before={"status": before},
            after={"status": StatusCode.RECALL_REQUESTED, "reason": message.description},
        )
    return ReceiveResult(incoming=received)


def _status_receive(content: bytes, *, recipient: str | None = None) -> ReceiveResult:
    message = status_parse(content)
    if message.status_code == StatusCode.RECALL_REQUESTED:
        return _recall_receive(message, recipient=recipient)
    outgoing = (
        OutgoingPackage.objects.select_for_update()
        .filter(
            kind=Kind.DOCUMENT,
            document_id=message.response_to_document_id,
            recipient_identifier=message.sender.organ_id,
            agency__identifier=message.response_to_organ_id,
        )
        .first()
    )
    if outgoing is None:
        raise ExchangeError(
            ExchangeErrorCode.UNKNOWN_DOCUMENT,
            f"Thông điệp trạng thái cho văn bản không xác định: không có văn bản mã {message.response_to_document_id} "
            f"gửi từ {message.response_to_organ_id} tới {message.sender.organ_id}.",
        )
    status, created = PackageStatus.objects.get_or_create(
        package=outgoing,
        status_code=message.status_code,
        defaults={
            "description": message.description[:1000],
            "reported_at": message.timestamp,
            "sha256": sha256(content),
        },
    )
    if created and (outgoing.last_status_at is None or message.timestamp >= outgoing.last_status_at):
        outgoing.last_status_code, outgoing.last_status_at = message.status_code, message.timestamp
        outgoing.save(update_fields=["last_status_code", "last_status_at", "updated_at"])
    audit_record(
        actor=None,
        action="exchange.status_receive",
        target=outgoing,
        agency=outgoing.agency,
        after={"status": message.status_code, "from": message.sender.organ_id},
    )
    return ReceiveResult(incoming=[], status=status)


def _status_queue(*, incoming: IncomingPackage, status_code: int, description: str, now, staff: str = ""):
    message = StatusMessage(
        sender=_organ(incoming.agency),
        response_to_organ_id=incoming.sender_identifier,
        response_to_document_id=incoming.document_id,
        response_to_code=f"{incoming.code_number}/{incoming.code_notation}",
        status_code=status_code,
        description=description,
        timestamp=now,
        staff=staff,
    )
    content = status_build(message)
    outgoing, _ = OutgoingPackage.objects.get_or_create(
        kind=Kind.STATUS,
        document_id=incoming.document_id,
        recipient_identifier=incoming.sender_identifier,
        status_code=status_code,
        defaults={
            "agency": incoming.agency,
            "code_number": incoming.code_number,
            "code_notation": incoming.code_notation,
            "subject": f"{STATUS_TEXT[StatusCode(status_code)]}: {incoming.subject}"[:1000],
            "content": content,
            "sha256": sha256(content),
            "next_attempt_at": now,
        },
    )
    _schedule_outbox()
    return outgoing


@transaction.atomic
def incoming_status_send(
    *, actor, incoming: IncomingPackage, status_code: int, description: str = ""
) -> OutgoingPackage:
    """Answer the sender about a received package (đã tiếp nhận, đã phân công, hoàn thành …)."""
    incoming = IncomingPackage.objects.select_for_update().select_related("agency").get(pk=incoming.pk)
    _require_acting_for(actor, incoming.agency)
    if status_code not in ANSWERS:
        raise ExchangeError(
            ExchangeErrorCode.STATUS_NOT_ALLOWED,
            f"Không gửi được trạng thái “{STATUS_TEXT.get(status_code, status_code)}” bằng tay.",
        )
    if incoming.status_code in FINAL or incoming.status_code == status_code:
        raise ExchangeError(
            ExchangeErrorCode.STATUS_NOT_ALLOWED,
            f"Gói tin đang ở trạng thái “{STATUS_TEXT.get(incoming.status_code, incoming.status_code)}”, "
            "không chuyển sang "
            f"“{STATUS_TEXT[StatusCode(status_code)]}” được.",
        )
    recall = {StatusCode.RECALLED, StatusCode.RECALL_REFUSED}
    if (status_code in recall) != (incoming.status_code == StatusCode.RECALL_REQUESTED):
        raise ExchangeError(
            ExchangeErrorCode.STATUS_NOT_ALLOWED,
            "Chỉ trả lời “Lấy lại thành công” hoặc “Từ chối lấy lại” khi cơ quan gửi yêu cầu lấy lại, "
            "và khi đang có yêu cầu lấy lại thì phải trả lời yêu cầu đó trước.",
        )
    if status_code == StatusCode.REFUSED and not description.strip():
        raise ExchangeError(ExchangeErrorCode.FIELD_MISSING, "Cần nêu lý do từ chối văn bản.")
    before = incoming.status_code
    incoming.status_code = status_code
    incoming.save(update_fields=["status_code", "updated_at"])
    outgoing = _status_queue(
        incoming=incoming,
        status_code=status_code,
        description=description.strip() or STATUS_TEXT[StatusCode(status_code)],
        now=timezone.now(),
        staff=actor.get_full_name() if getattr(actor, "is_authenticated", False) else "",
    )
    audit_record(
        actor=actor,
        action="exchange.status_send",
        target=incoming,
        agency=incoming.agency,
        before={"status": before},
        after={"status": status_code},
    )
    return outgoing


@transaction.atomic
def package_recall_request(*, actor, outgoing: OutgoingPackage, reason: str) -> OutgoingPackage:
    """Ask the recipient to give a sent document back (status 13); it answers 15 or 16."""
    outgoing = OutgoingPackage.objects.select_for_update().select_related("agency").get(pk=outgoing.pk)
    _require_acting_for(actor, outgoing.agency)
    if outgoing.kind != Kind.DOCUMENT or outgoing.state != OutgoingPackage.State.SENT:
        raise ExchangeError(ExchangeErrorCode.STATUS_NOT_ALLOWED, "Chỉ yêu cầu lấy lại văn bản đã gửi tới nơi.")
    if not reason.strip():
        raise ExchangeError(ExchangeErrorCode.FIELD_MISSING, "Cần nêu lý do yêu cầu lấy lại văn bản.")
    now = timezone.now()
    message = StatusMessage(
        sender=_organ(outgoing.agency),
        response_to_organ_id=outgoing.agency.identifier,
        response_to_document_id=outgoing.document_id,
        response_to_code=f"{outgoing.code_number}/{outgoing.code_notation}",
        status_code=StatusCode.RECALL_REQUESTED,
        description=reason.strip(),
        timestamp=now,
        staff=actor.get_full_name() if getattr(actor, "is_authenticated", False) else "",
    )
    content = status_build(message)
    request, created = OutgoingPackage.objects.get_or_create(
        kind=Kind.STATUS,
        document_id=outgoing.document_id,
        recipient_identifier=outgoing.recipient_identifier,
        status_code=StatusCode.RECALL_REQUESTED,
        defaults={
            "agency": outgoing.agency,
            "code_number": outgoing.code_number,
            "code_notation": outgoing.code_notation,
            "subject": f"Yêu cầu lấy lại: {outgoing.subject}"[:1000],
            "content": content,
            "sha256": sha256(content),
            "next_attempt_at": now,
        },
    )
    if not created:
        raise ExchangeError(ExchangeErrorCode.DUPLICATE, "Đã gửi yêu cầu lấy lại văn bản này.")
    audit_record(
        actor=actor,
        action="exchange.status_send",
        target=outgoing,
        agency=outgoing.agency,
        after={"status": StatusCode.RECALL_REQUESTED, "reason": reason.strip()},
    )
    _schedule_outbox()
    return request
