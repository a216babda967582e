"""Auditor pages: the filtered trail, one event with its chain link, and the CSV export."""

import csv
import json

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .actions import audit_export_record
from .forms import AuditFilterForm
from .labels import action_label, registered_actions
from .models import AuditEvent
from .selectors import (
    VIEW_PERMISSION,
    audit_event_chain_links,
    audit_event_get_for_user,
    audit_events_filter,
    audit_events_for_user,
    audit_events_page,
    audit_events_stream,
    audit_scope_agency_choices,
)

CSV_HEADER = [
    "Số thứ tự",
    "Mã sự kiện",
    "Thời điểm",
    "Tên đăng nhập",
    "Người thực hiện",
    "Mã người thực hiện",
    "Cơ quan",
    "Mã cơ quan",
    "Mã hành động",
    "Hành động",
    "Loại đối tượng",
    "Mã đối tượng",
    "Đối tượng",
    "Thay đổi",
    "IP",
    "Mã yêu cầu",
    "Mã băm",
]
CSV_TIME_FORMAT = "%d/%m/%Y %H:%M:%S"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filter_form(request) -> AuditFilterForm:
    return AuditFilterForm(request.GET, agency_choices=audit_scope_agency_choices(request.user))


def _filter_query(request) -> str:
    """The current filter as a query string, without the page cursor."""
    query = request.GET.copy()
    for key in ("truoc", "sau"):
        query.pop(key, None)
    return query.urlencode()


def _list_context(request, form: AuditFilterForm, page=None) -> dict:
    return {
        "form": form,
        "page": page,
        "filter_query": _filter_query(request),
        "known_actions": registered_actions(),
    }


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@never_cache
@require_GET
def event_list(request):
    form = _filter_form(request)
    page = None
    if form.is_valid():
        events = audit_events_filter(audit_events_for_user(request.user), filters=form.to_filter())
        page = audit_events_page(events, before=form.cleaned_data["truoc"], after=form.cleaned_data["sau"])
    return render(request, "audit/event_list.html", _list_context(request, form, page))


def _split_changes(changes) -> tuple[list[tuple], list[tuple]]:
    """(field, before, after) rows for the recorded diffs, (field, value) rows for other details."""
    pairs, details = [], []
    for field, value in sorted(changes.items()) if isinstance(changes, dict) else []:
        if isinstance(value, list) and len(value) == 2:
            pairs.append((field, value[0], value[1]))
        else:
            details.append((field, value))
    return pairs, details


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@never_cache
@require_GET
def event_detail(request, event_uuid):
    try:
        event = audit_event_get_for_user(user=request.user, event_uuid=event_uuid)
    except AuditEvent.DoesNotExist:
        raise Http404 from None
    pairs, details = _split_changes(event.changes)
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "links": audit_event_chain_links(user=request.user, event=event),
            "change_pairs": pairs,
            "change_details": details,
        },
    )


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    """Text as Excel will show it: a cell that starts like a formula is kept as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_row(event: AuditEvent) -> list[str]:
    return [
        str(event.seq),
        str(event.uuid),
        timezone.localtime(event.occurred_at, timezone.get_default_timezone()).strftime(CSV_TIME_FORMAT),
        _cell(event.actor_username),
        _cell(event.actor_name),
        str(event.actor_uuid or ""),
        _cell(event.agency_name),
        str(event.agency_uuid or ""),
        _cell(event.action),
        _cell(action_label(event.action)),
        _cell(event.target_type),
        str(event.target_uuid or ""),
        _cell(event.target_label),
        json.dumps(event.changes, ensure_ascii=False, sort_keys=True),
        event.ip or "",
        _cell(event.request_id),
        event.hash,
    ]


def _csv_lines(events, below_seq: int):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    chunk: list[str] = []
    for event in audit_events_stream(events, below_seq=below_seq):
        chunk.append(writer.writerow(_csv_row(event)))
        if len(chunk) >= 500:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@never_cache
@require_GET
def event_export(request):
    form = _filter_form(request)
    if not form.is_valid():
        return render(request, "audit/event_list.html", _list_context(request, form), status=400)
    filters = form.to_filter()
    events = audit_events_filter(audit_events_for_user(request.user), filters=filters)
    export = audit_export_record(actor=request.user, filters=filters.as_record())
    response = StreamingHttpResponse(_csv_lines(events, below_seq=export.seq), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(export.occurred_at).strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-kiem-toan-{stamp}.csv"'
    return response
