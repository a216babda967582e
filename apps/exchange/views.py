"""Exchange log pages: list, one package with its statuses and proof, downloads, the recipient's answers."""

import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from apps.core.exemptions import two_factor_exempt
from apps.signing.errors import SigningError
from apps.signing.selectors import signed_file_read

from .actions import incoming_status_send, package_recall_request, package_receive
from .errors import ExchangeError
from .forms import AnswerForm, LogFilterForm, RecallForm
from .receipts import package_verify
from .selectors import (
    SEND_PERMISSION,
    VIEW_PERMISSION,
    incoming_for_official,
    outgoing_for_official,
    package_attachments,
    package_get_for_official,
    quarantined_for_official,
    quarantined_get_for_official,
)

PAGE_ROWS = 100


def _package_or_404(request, direction, package_uuid):
    package = package_get_for_official(request.user, direction=direction, package_uuid=package_uuid)
    if package is None:
        raise Http404
    return package


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@never_cache
@require_GET
def log(request):
    form = LogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    direction = filters.get("huong", "")
    arguments = {
        "status": filters.get("trang_thai", ""),
        "since": filters.get("tu_ngay"),
        "until": filters.get("den_ngay"),
        "search": (filters.get("q") or "").strip(),
    }
    outgoing = list(outgoing_for_official(request.user, **arguments)[:PAGE_ROWS]) if direction != "den" else None
    incoming = list(incoming_for_official(request.user, **arguments)[:PAGE_ROWS]) if direction != "di" else None
    quarantined = (
        list(quarantined_for_official(request.user, since=arguments["since"], until=arguments["until"])[:PAGE_ROWS])
        if direction != "di"
        else None
    )
    return render(
        request,
        "exchange/log.html",
        {"form": form, "outgoing": outgoing, "incoming": incoming, "quarantined": quarantined},
    )


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@never_cache
def detail(request, direction, package_uuid):
    package = _package_or_404(request, direction, package_uuid)
    verification = package_verify(package) if request.method == "POST" else None
    statuses = list(package.statuses.all()) if direction == "di" else []
    can_send = request.user.has_perm(SEND_PERMISSION)
    can_answer = direction == "den" and can_send
    can_recall = direction == "di" and can_send and package.state == package.State.SENT
    return render(
        request,
        "exchange/detail.html",
        {
            "package": package,
            "direction": direction,
            "statuses": statuses,
            "attachments": package_attachments(package),
            "verification": verification,
            "answer_form": AnswerForm() if can_answer else None,
            "recall_form": RecallForm() if can_recall else None,
        },
    )


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@require_GET
def package_download(request, direction, package_uuid):
    package = _package_or_404(request, direction, package_uuid)
    response = HttpResponse(bytes(package.content), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="edxml-{package.uuid}.xml"'
    return response


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@require_GET
def quarantined_download(request, package_uuid):
    kept = quarantined_get_for_official(request.user, package_uuid=package_uuid)
    if kept is None:
        raise Http404
    response = HttpResponse(bytes(kept.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="cach-ly-{kept.uuid}.xml"'
    return response


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@require_GET
def receipt_download(request, direction, package_uuid):
    package = _package_or_404(request, direction, package_uuid)
    if package.receipt is None:
        raise Http404
    try:
        data = signed_file_read(package.receipt)
    except SigningError as error:
        return HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-nhan-{package.uuid}.pdf"'
    return response


@login_required
@permission_required(SEND_PERMISSION, raise_exception=True)
@require_POST
def answer(request, direction, package_uuid):
    package = _package_or_404(request, direction, package_uuid)
    if direction != "den":
        raise Http404
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The status of the answer is not valid."))
        return redirect("exchange:detail", direction=direction, package_uuid=package.uuid)
    try:
        incoming_status_send(
            actor=request.user,
            incoming=package,
            status_code=form.cleaned_data["trang_thai"],
            description=form.cleaned_data["mo_ta"],
        )
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The status was sent to the sending agency."))
    return redirect("exchange:detail", direction=direction, package_uuid=package.uuid)


@login_required
@permission_required(SEND_PERMISSION, raise_exception=True)
@require_POST
def recall(request, direction, package_uuid):
    package = _package_or_404(request, direction, package_uuid)
    if direction != "di":
        raise Http404
    form = RecallForm(request.POST)
    try:
        package_recall_request(
            actor=request.user, outgoing=package, reason=form.data.get("ly_do", "") if form.is_valid() else ""
        )
    except ExchangeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The recall request was sent."))
    return redirect("exchange:detail", direction=direction, package_uuid=package.uuid)


def _inbound_token_ok(request) -> bool:
    expected = settings.EXCHANGE_INBOUND_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@csrf_exempt
@two_factor_exempt
@require_POST
def inbound(request):
    """Where the external axis pushes packages and status messages (a bearer token, no session)."""
    if not _inbound_token_ok(request):
        raise Http404
    try:
        body = request.body
    except RequestDataTooBig:
        return HttpResponse(
            "Gói tin vượt quá dung lượng cho phép.", status=413, content_type="text/plain; charset=utf-8"
        )
    result = package_receive(content=body, transport="http", recipient=request.headers.get("X-Edxml-To") or None)
    if result.refused:
        return HttpResponse(result.reason, status=422, content_type="text/plain; charset=utf-8")
    return HttpResponse(
        "Đã nhận." if not result.duplicate else "Đã nhận trước đó.", content_type="text/plain; charset=utf-8"
    )
