"""One-stop pages: role inboxes, desk intake, the dossier page with its actions, document
downloads, and public tracking. Each view parses input, calls one selector or action, renders."""

from dataclasses import dataclass
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.audit.actions import audit_security_event
from apps.audit.middleware import client_ip
from apps.core.errors import DomainError
from apps.core.exemptions import two_factor_exempt
from apps.core.formatting import format_datetime
from apps.core.throttle import throttle_hit
from apps.procedures.selectors import procedure_version_in_force, procedures_for_agency

from . import actions, forms
from .files import document_bytes_intact
from .selectors import (
    ADD_PERMISSION,
    VIEW_PERMISSION,
    Act,
    Inbox,
    InboxFilter,
    assignable_officials,
    dossier_document_get,
    dossier_get_for_user,
    dossier_missing_requirements,
    dossier_page,
    dossier_track,
    inbox_page,
    inboxes_for,
    intake_agency,
    procedures_for_inbox,
)
from .statuses import Channel, Status

INBOX_LABELS = {
    Inbox.DESK: _("One-stop desk"),
    Inbox.HANDLER: _("To handle"),
    Inbox.HEAD: _("To assign"),
    Inbox.LEADER: _("To approve, overdue"),
}
STEP_ACTS = {Act.ASSIGN, Act.COMPLETE}


# --- inbox ----------------------------------------------------------------------------------------
@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@never_cache
@require_GET
def inbox(request):
    inboxes = inboxes_for(request.user)
    if not inboxes:
        raise PermissionDenied
    chosen = request.GET.get("vai_tro", "")
    current = Inbox(chosen) if chosen in {i.value for i in inboxes} else inboxes[0]
    form = forms.InboxFilterForm(request.GET, procedures=procedures_for_inbox(request.user))
    filters = InboxFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = InboxFilter(
            status=data["trang_thai"], procedure=data["thu_tuc"], due=data["han"], query=data["q"].strip()
        )
    page, rows = inbox_page(request.user, current, filters, page=request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "form": form,
        "inboxes": [(i, INBOX_LABELS[i]) for i in inboxes],
        "current": current,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "step_inbox": current != Inbox.DESK,
    }
    template = "dossiers/_inbox_results.html" if request.htmx else "dossiers/inbox.html"
    return render(request, template, context)


# --- desk intake ----------------------------------------------------------------------------------
@login_required
@permission_required(ADD_PERMISSION, raise_exception=True)
@never_cache
@require_http_methods(["GET", "POST"])
def intake(request):
    agency = intake_agency(request.user)
    if agency is None:
        raise PermissionDenied("Chỉ cán bộ một cửa của một cơ quan mới tiếp nhận hồ sơ.")
    procedures = procedures_for_agency(agency)
    source = request.POST if request.method == "POST" else request.GET
    choose = forms.IntakeProcedureForm(source if "thu_tuc" in source else None, procedures=procedures)
    if not choose.is_bound or not choose.is_valid():
        return render(request, "dossiers/intake_choose.html", {"form": choose, "agency": agency})
    procedure = choose.cleaned_data["thu_tuc"]
    version = procedure_version_in_force(procedure)
    if request.method == "GET":
        form = forms.IntakeForm(initial={"thu_tuc": procedure.uuid}, procedures=procedures, version=version)
        return _render_intake(request, form, agency, procedure, version)
    form = forms.IntakeForm(request.POST, request.FILES, procedures=procedures, version=version)
    if form.is_valid():
        try:
            dossier = _intake_run(request.user, form, procedure, agency, version)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _intake_message(dossier))
            return redirect("dossiers:detail", uuid=dossier.uuid)
    return _render_intake(request, form, agency, procedure, version)


ASKED = "Đã lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02); hồ sơ chưa được tiếp nhận."
REFUSED = "Đã lập phiếu từ chối tiếp nhận hồ sơ (mẫu 03)."


def _intake_message(dossier) -> str:
    if dossier.status == Status.RECEIVED:
        return f"Đã tiếp nhận hồ sơ {dossier.code}. Hẹn trả kết quả: {format_datetime(dossier.due_at)}."
    return ASKED if dossier.status == Status.SUPPLEMENT_REQUESTED else REFUSED


def _intake_run(actor, form: forms.IntakeForm, procedure, agency, version):
    """Register and decide in one transaction: an outcome refused leaves no dossier behind."""
    data = form.cleaned_data
    outcome = data["ket_qua"]
    lodged = {
        "actor": actor,
        "procedure": procedure,
        "receiving_agency": agency,
        "applicant": form.applicant(),
        "channel": Channel.DESK,
        "subject": data["trich_yeu"],
        "documents": form.documents(),
    }
    if outcome == forms.Outcome.RECEIVE:
        dossier = actions.dossier_intake(**lodged, version=version)  # the version the form was checked against
        dossier.refresh_from_db()
        return dossier
    with transaction.atomic():
        dossier = actions.dossier_register(**lodged)
        if outcome == forms.Outcome.ASK_TO_COMPLETE:
            actions.dossier_ask_to_complete(
                actor=actor, dossier=dossier, items=form.missing_items(), expected_status=Status.NEW
            )
        else:
            actions.dossier_refuse(
                actor=actor, dossier=dossier, reasons=data["ly_do_tu_choi"], expected_status=Status.NEW
            )
    dossier.refresh_from_db()
    return dossier


def _render_intake(request, form, agency, procedure, version):
    suggestion = "\n".join(form.unticked_mandatory()) if form.is_bound else ""
    return render(
        request,
        "dossiers/intake.html",
        {"form": form, "agency": agency, "procedure": procedure, "version": version, "suggestion": suggestion},
    )


# --- the dossier page -----------------------------------------------------------------------------
def _dossier_or_404(request, uuid, *, change: bool = False):
    dossier = dossier_get_for_user(request.user, uuid, change=change)
    if dossier is None:
        raise Http404
    return dossier


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@never_cache
@require_GET
def dossier_detail(request, uuid):
    return _render_detail(request, _dossier_or_404(request, uuid))


@dataclass
class Bound:
    act: str
    form: object
    step_uuid: str = ""


def _auto_id(act: str, step=None) -> str:
    """Unique element ids for the several forms of one page."""
    return f"id_{act}_{step.uuid.hex[:12]}_%s" if step is not None else f"id_{act}_%s"


def _step_forms(request, page, bound: Bound | None):
    seen = {"trang_thai": page.dossier.status}
    assign, complete = [], []
    for step in page.abilities.assignable:
        if bound and bound.act == Act.ASSIGN and bound.step_uuid == str(step.uuid):
            form = bound.form
        else:
            form = forms.AssignForm(
                initial={**seen, "can_bo": str(step.assignee.uuid) if step.assignee else ""},
                officials=assignable_officials(request.user, step),
                auto_id=_auto_id(Act.ASSIGN, step),
            )
        assign.append((step, form))
    for step in page.abilities.completable:
        if bound and bound.act == Act.COMPLETE and bound.step_uuid == str(step.uuid):
            form = bound.form
        else:
            form = forms.CompleteForm(initial=seen, auto_id=_auto_id(Act.COMPLETE, step))
        complete.append((step, form))
    return assign, complete


@dataclass(frozen=True)
class ActForm:
    form_class: type
    title: str
    button: str
    multipart: bool = False


# In the order the page shows them.
ACT_FORMS = {
    Act.RECEIVE: ActForm(forms.ReceiveForm, _("Receive (Form 01)"), _("Receive"), multipart=True),
    Act.ASK_TO_COMPLETE: ActForm(forms.AskToCompleteForm, _("Ask to complete (Form 02)"), _("Send the request")),
    Act.REFUSE: ActForm(forms.RefuseForm, _("Refuse (Form 03)"), _("Refuse")),
    Act.REQUEST_SUPPLEMENT: ActForm(
        forms.SupplementRequestForm, _("Request a supplement (Form 02)"), _("Send the request")
    ),
    Act.REQUEST_PAYMENT: ActForm(
        forms.PaymentRequestForm, _("Request the financial obligation"), _("Send the request")
    ),
    Act.SUPPLEMENT_RECEIVED: ActForm(
        forms.SupplementReceivedForm, _("Supplement received"), _("Record the supplement"), multipart=True
    ),
    Act.PAYMENT_DONE: ActForm(forms.PaymentDoneForm, _("Financial obligation fulfilled"), _("Record the payment")),
    Act.ATTACH_RESULT: ActForm(forms.ResultForm, _("Attach the result"), _("Attach"), multipart=True),
    Act.RETURN_RESULT: ActForm(forms.ReturnForm, _("Return the result"), _("Record the return")),
    Act.APOLOGISE: ActForm(forms.ApologyForm, _("Apology and new appointment (Form 04)"), _("Issue Form 04")),
    Act.WITHDRAW: ActForm(forms.WithdrawForm, _("Withdrawal by the applicant"), _("Record the withdrawal")),
    Act.STOP: ActForm(forms.StopForm, _("Stop processing"), _("Stop processing")),
}


def _render_detail(request, dossier, bound: Bound | None = None, status: int = 200):
    page = dossier_page(request.user, dossier)
    assign, complete = _step_forms(request, page, bound)
    act_forms = []
    for act, spec in ACT_FORMS.items():
        if act in page.abilities or (bound and bound.act == act):
            form = bound.form if bound and bound.act == act else _act_form(act, dossier)
            act_forms.append((act.value, form, spec))
    return render(
        request,
        "dossiers/dossier_detail.html",
        {"page": page, "dossier": dossier, "assign_forms": assign, "complete_forms": complete, "act_forms": act_forms},
        status=status,
    )


def _act_form(act: Act, dossier, data=None, files=None):
    """The form of a dossier-level action, unbound (for the page) or bound (to act)."""
    kwargs = {"auto_id": _auto_id(act)}
    if act == Act.RECEIVE:
        kwargs["requirements"] = dossier_missing_requirements(dossier)
    if data is None:
        initial = {"trang_thai": dossier.status}
        if act == Act.ASK_TO_COMPLETE:
            initial["thieu"] = "\n".join(r.name for r in dossier_missing_requirements(dossier))
        return ACT_FORMS[act].form_class(initial=initial, **kwargs)
    return ACT_FORMS[act].form_class(data, files, **kwargs)


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "Dữ liệu gửi lên không hợp lệ."


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@require_POST
def dossier_act(request, uuid, act, step_uuid=None):
    try:
        act = Act(act)
    except ValueError:
        raise Http404 from None
    if (step_uuid is not None) != (act in STEP_ACTS):
        raise Http404
    dossier = _dossier_or_404(request, uuid, change=True)
    step = None
    if act in STEP_ACTS:
        step = dossier.steps.select_related("agency", "assignee").filter(uuid=step_uuid).first()
        if step is None:
            raise Http404
        if act == Act.ASSIGN:
            form = forms.AssignForm(
                request.POST, officials=assignable_officials(request.user, step), auto_id=_auto_id(act, step)
            )
        else:
            form = forms.CompleteForm(request.POST, auto_id=_auto_id(act, step))
    else:
        form = _act_form(act, dossier, request.POST, request.FILES)
    bound = Bound(act=act, form=form, step_uuid=str(step.uuid) if step else "")
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _render_detail(request, dossier, bound)
    try:
        done = _run(act, request.user, dossier, step, form)
    except DomainError as error:
        messages.error(request, error.message)
        dossier.refresh_from_db()
        return _render_detail(request, dossier, bound)
    messages.success(request, done)
    return redirect("dossiers:detail", uuid=dossier.uuid)


def _run(act: Act, actor, dossier, step, form) -> str:
    """Call the action of ``act``; return the success message."""
    data = form.cleaned_data
    seen = data["trang_thai"]
    if act == Act.RECEIVE:
        with transaction.atomic():
            documents = form.documents()
            if documents:
                actions.dossier_add_documents(actor=actor, dossier=dossier, documents=documents)
            dossier = actions.dossier_receive(actor=actor, dossier=dossier, expected_status=seen)
        return _intake_message(dossier)
    if act == Act.ASK_TO_COMPLETE:
        actions.dossier_ask_to_complete(
            actor=actor, dossier=dossier, items=form.items(), note=data["ghi_chu"], expected_status=seen
        )
        return ASKED
    if act == Act.REFUSE:
        actions.dossier_refuse(actor=actor, dossier=dossier, reasons=data["ly_do"], expected_status=seen)
        return REFUSED
    if act == Act.ASSIGN:
        assignee = User.objects.get(uuid=data["can_bo"])
        actions.step_assign(actor=actor, step=step, assignee=assignee, expected_status=seen)
        return f"Đã giao {assignee.full_name} xử lý bước “{step.name}”."
    if act == Act.COMPLETE:
        actions.step_complete(actor=actor, step=step, note=data["ghi_chu"], expected_status=seen)
        return f"Đã hoàn thành bước “{step.name}”."
    if act == Act.REQUEST_SUPPLEMENT:
        actions.dossier_request_supplement(
            actor=actor, dossier=dossier, items=form.items(), reason=data["ly_do"], expected_status=seen
        )
        return "Đã gửi yêu cầu bổ sung hồ sơ (mẫu 02) tới người nộp."
    if act == Act.REQUEST_PAYMENT:
        actions.dossier_request_payment(
            actor=actor, dossier=dossier, items=data["items"], reason=data["ly_do"], expected_status=seen
        )
        return "Đã thông báo nghĩa vụ tài chính tới người nộp."
    if act == Act.SUPPLEMENT_RECEIVED:
        dossier = actions.dossier_supplement_received(
            actor=actor, dossier=dossier, documents=form.documents(), expected_status=seen
        )
        return f"Đã nhận bổ sung. Hẹn trả kết quả: {format_datetime(dossier.due_at)}."
    if act == Act.PAYMENT_DONE:
        dossier = actions.dossier_payment_done(actor=actor, dossier=dossier, expected_status=seen)
        return f"Đã ghi nhận hoàn thành nghĩa vụ tài chính. Hẹn trả kết quả: {format_datetime(dossier.due_at)}."
    if act == Act.APOLOGISE:
        dossier = actions.dossier_apologise(
            actor=actor, dossier=dossier, new_due_at=data["hen_moi"], reason=data["ly_do"], expected_status=seen
        )
        return f"Đã lập phiếu xin lỗi (mẫu 04). Hẹn trả mới: {format_datetime(dossier.due_at)}."
    if act == Act.ATTACH_RESULT:
        actions.dossier_result_attach(actor=actor, dossier=dossier, document=form.document(), expected_status=seen)
        return "Đã đính kèm kết quả giải quyết."
    if act == Act.RETURN_RESULT:
        actions.dossier_return_result(actor=actor, dossier=dossier, channel=data["kenh"], expected_status=seen)
        return "Đã trả kết quả cho người nộp."
    if act == Act.WITHDRAW:
        actions.dossier_withdraw(actor=actor, dossier=dossier, reason=data["ly_do"], expected_status=seen)
        return "Đã ghi nhận người nộp rút hồ sơ."
    actions.dossier_stop(actor=actor, dossier=dossier, reason=data["ly_do"], expected_status=seen)
    return "Đã dừng xử lý hồ sơ."


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@never_cache
@require_GET
def document_download(request, uuid, document_uuid):
    """A file of a dossier, only to those who may read the dossier (files are never public URLs)."""
    dossier = _dossier_or_404(request, uuid)
    document = dossier_document_get(dossier, document_uuid)
    if document is None:
        raise Http404
    if not document_bytes_intact(document):
        audit_security_event(
            request=request,
            action="dossiers.document_changed_in_storage",
            details={"dossier": dossier.code or str(dossier.uuid), "document": str(document.uuid)},
        )
        messages.error(
            request,
            f"Tệp “{document.name}” trong kho lưu trữ không còn đúng tệp đã nhận (mã kiểm tra khác) nên không "
            "được tải về. Hãy báo quản trị hệ thống.",
        )
        return redirect("dossiers:detail", uuid=dossier.uuid)
    filename = Path(document.file.name).name
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=document.content_type or "application/octet-stream",
    )


# --- public tracking ------------------------------------------------------------------------------
TRACK_LIMIT = 10  # attempts per address and per dossier code
TRACK_WINDOW = 10 * 60  # seconds
NOT_FOUND = "Không tìm thấy hồ sơ với thông tin đã nhập. Hãy kiểm tra mã hồ sơ và mã tra cứu (hoặc số điện thoại)."
THROTTLED = "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau 10 phút."


def _tracking_throttled(request) -> bool:
    """Count this attempt for the address and for the code; over the limit on either: refuse."""
    over = throttle_hit("track:ip", client_ip(request) or "unknown", limit=TRACK_LIMIT, window=TRACK_WINDOW)
    code = "".join(request.POST.get("ma_ho_so", "").split()).upper()
    if code:
        over |= throttle_hit("track:code", code, limit=TRACK_LIMIT, window=TRACK_WINDOW)
    return over


@two_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    form = forms.TrackingForm(request.POST or None)
    context = {"form": form, "result": None, "not_found": ""}
    if request.method == "POST":
        if _tracking_throttled(request):
            messages.error(request, THROTTLED)
            return render(request, "dossiers/track.html", context, status=429)
        if form.is_valid():
            data = form.cleaned_data
            result = dossier_track(code=data["ma_ho_so"], secret=data["ma_tra_cuu"], phone=data["dien_thoai"])
            context["result"] = result
            context["not_found"] = NOT_FOUND if result is None else ""
    return render(request, "dossiers/track.html", context)
