"""SMS and e-mail to people, through adapters chosen by configuration.

The embedded default writes every SMS as a JSON file under ``var/outbox/sms`` and every e-mail
under ``var/outbox/mail`` (Django's file mailer), and shows both on a development page. In
production ``EGOV_SMS_URL``/``EGOV_SMS_TOKEN`` select the HTTP gateway of the province's SMS
brandname provider and ``EGOV_SMTP_*`` the mail server. Messages leave through a background task
enqueued on commit, so a rolled-back action sends nothing. Logs name the message, never the
recipient or the text.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_string, policy
from pathlib import Path
from urllib import request as urllib_request

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils.module_loading import import_string

logger = logging.getLogger("egov.messaging")


class SmsError(Exception):
    pass


class FileSmsGateway:
    """Write each SMS as a JSON file (embedded default)."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory or settings.DATA_DIR / "outbox" / "sms")

    def send(self, *, to: str, body: str) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        now = datetime.now(UTC)
        path = self.directory / f"{now:%Y%m%dT%H%M%S%f}-{message_id[:8]}.json"
        path.write_text(
            json.dumps({"id": message_id, "to": to, "body": body, "sent_at": now.isoformat()}, ensure_ascii=False),
            encoding="utf-8",
        )
        return message_id


class LocmemSmsGateway:
    """Keep SMS in a list (tests)."""

    outbox: list[dict] = []

    def send(self, *, to: str, body: str) -> str:
        message_id = uuid.uuid4().hex
        LocmemSmsGateway.outbox.append({"id": message_id, "to": to, "body": body})
        return message_id


class HttpSmsGateway:
    """POST the SMS as JSON to the provider's endpoint with a bearer token (production)."""

    def __init__(self):
        self.url = settings.SMS_URL
        self.token = settings.SMS_TOKEN
        self.sender = settings.SMS_SENDER

    def send(self, *, to: str, body: str) -> str:
        payload = json.dumps({"to": to, "from": self.sender, "text": body}).encode()
        req = urllib_request.Request(  # noqa: S310 (URL from the operator's configuration)
            self.url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib_request.urlopen(req, timeout=15) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except Exception as error:
            raise SmsError(f"SMS gateway failed: {type(error).__name__}") from error
        return str(answer.get("id") or answer.get("message_id") or uuid.uuid4().hex)


def sms_gateway():
    return import_string(settings.SMS_BACKEND)()


@task
def deliver_sms(to: str, body: str) -> str:
    message_id = sms_gateway().send(to=to, body=body)
    logger.info("sms delivered", extra={"message_id": message_id})
    return message_id


@task
def deliver_email(to: str, subject: str, body: str) -> int:
    sent = EmailMessage(subject=subject, body=body, to=[to]).send()
    logger.info("e-mail delivered", extra={"count": sent})
    return sent


def send_sms(*, to: str, body: str) -> None:
    """Send an SMS once the current transaction commits."""
    transaction.on_commit(lambda: deliver_sms.enqueue(to=to, body=body))


def send_email(*, to: str, subject: str, body: str) -> None:
    """Send an e-mail once the current transaction commits."""
    transaction.on_commit(lambda: deliver_email.enqueue(to=to, subject=subject, body=body))


@dataclass(frozen=True)
class OutboxItem:
    channel: str
    to: str
    subject: str
    body: str
    sent_at: str


def outbox_items(limit: int = 50) -> list[OutboxItem]:
    """The latest messages written by the embedded adapters, newest first (development page)."""
    items: list[OutboxItem] = []
    sms_dir = settings.DATA_DIR / "outbox" / "sms"
    for path in sorted(sms_dir.glob("*.json"), reverse=True)[:limit] if sms_dir.exists() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        items.append(OutboxItem("SMS", data["to"], "", data["body"], data["sent_at"]))
    mail_dir = Path(settings.MAILERS["default"].get("OPTIONS", {}).get("file_path", ""))
    if mail_dir.is_dir():
        for path in sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)[:limit]:
            for chunk in path.read_text(encoding="utf-8").split("-" * 79):
                if not chunk.strip():
                    continue
                msg = message_from_string(chunk.strip(), policy=policy.default)
                body = msg.get_body(preferencelist=("plain",))
                sent_at = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
                items.append(
                    OutboxItem(
                        "E-mail", str(msg["To"]), str(msg["Subject"]), body.get_content() if body else "", sent_at
                    )
                )
    items.sort(key=lambda item: item.sent_at, reverse=True)
    return items[:limit]
