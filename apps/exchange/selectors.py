"""Scoped reads of the exchange log: an official sees the packages of their own agency only."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.selectors import scope_for_permission
from apps.signing.selectors import FileVerdict, verdicts_for_contents

from .edxml import package_parse
from .errors import ExchangeError
from .models import IncomingPackage, OutgoingPackage, QuarantinedPackage

VIEW_PERMISSION = "exchange.view_exchange"
SEND_PERMISSION = "exchange.send_exchange"


def _scoped(queryset: QuerySet, user) -> QuerySet:
    ids = scope_for_permission(user, VIEW_PERMISSION)
    return queryset if ids is None else queryset.filter(agency_id__in=ids)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def outgoing_for_official(
    user, *, status: str = "", since: date | None = None, until: date | None = None, search: str = ""
) -> QuerySet[OutgoingPackage]:
    """Document packages the user's agency sent, newest first; ``status`` is a state or a status code."""
    queryset = _scoped(OutgoingPackage.objects.filter(kind="document"), user).select_related("agency")
    if status.isdigit():
        queryset = queryset.filter(last_status_code=int(status))
    elif status:
        queryset = queryset.filter(state=status)
    if since:
        queryset = queryset.filter(created_at__gte=_day_start(since))
    if until:
        queryset = queryset.filter(created_at__lt=_day_start(until) + timedelta(days=1))
    if search:
        queryset = queryset.filter(
            Q(code_number__icontains=search)
            | Q(code_notation__icontains=search)
            | Q(subject__icontains=search)
            | Q(document_id__icontains=search)
        )
    return queryset.order_by("-created_at")


def incoming_for_official(
    user, *, status: str = "", since: date | None = None, until: date | None = None, search: str = ""
) -> QuerySet[IncomingPackage]:
    """Packages the user's agency received, newest first."""
    queryset = _scoped(IncomingPackage.objects.all(), user).select_related("agency")
    if status.isdigit():
        queryset = queryset.filter(status_code=int(status))
    if since:
        queryset = queryset.filter(received_at__gte=_day_start(since))
    if until:
        queryset = queryset.filter(received_at__lt=_day_start(until) + timedelta(days=1))
    if search:
        queryset = queryset.filter(
            Q(code_number__icontains=search)
            | Q(code_notation__icontains=search)
            | Q(subject__icontains=search)
            | Q(document_id__icontains=search)
        )
    return queryset.order_by("-received_at")


def package_get_for_official(user, *, direction: str, package_uuid):
    """One sent or received package within the user's scope, or None (the view answers 404)."""
    if direction == "di":
        queryset = OutgoingPackage.objects.filter(kind="document")
    elif direction == "den":
        queryset = IncomingPackage.objects.all()
    else:
        return None
    return _scoped(queryset, user).select_related("agency", "receipt").filter(uuid=package_uuid).first()


def quarantined_for_official(user, *, since: date | None = None, until: date | None = None) -> QuerySet:
    """Packages refused on arrival for the user's agency, with their reasons, newest first."""
    queryset = _scoped(QuarantinedPackage.objects.all(), user)
    if since:
        queryset = queryset.filter(received_at__gte=_day_start(since))
    if until:
        queryset = queryset.filter(received_at__lt=_day_start(until) + timedelta(days=1))
    return queryset.order_by("-received_at")


def quarantined_get_for_official(user, *, package_uuid) -> QuarantinedPackage | None:
    return _scoped(QuarantinedPackage.objects.all(), user).filter(uuid=package_uuid).first()


@dataclass(frozen=True)
class AttachmentRow:
    """A file carried by a package, with the stored verdict of its signatures when it is a PDF."""

    name: str
    content_type: str
    size: int
    sha256: str
    verdict: FileVerdict | None


def package_attachments(package) -> list[AttachmentRow]:
    """The package's files (read from the stored edXML) with their signature verdicts, validated once per file."""
    try:
        parsed = package_parse(bytes(package.content))
    except ExchangeError:
        return []
    files = [(a, hashlib.sha256(a.data).hexdigest()) for a in parsed.attachments]
    pdfs = {
        digest: (lambda data=a.data: data)
        for a, digest in files
        if a.content_type == "application/pdf" or a.data.startswith(b"%PDF-")
    }
    verdicts = verdicts_for_contents(pdfs)
    return [AttachmentRow(a.name, a.content_type, len(a.data), digest, verdicts.get(digest)) for a, digest in files]
