"""Pages of the online submission and of "my dossiers".

Each view parses the request, calls one action or selector and renders. Everything works without
JavaScript: uploads go with the form (multipart), each step is a full page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError
from apps.core.uploads import UploadRefused, upload_check
from apps.dossiers.files import document_bytes_intact
from apps.dossiers.printing import form_pdf
from apps.dossiers.printing.dossier_forms import TRACKING_PATH

from . import selectors
from .actions import (
    TAMPERED,
    dossier_supplement_send,
    draft_create,
    draft_file_attach,
    draft_file_remove,
    draft_problems,
    draft_save,
    draft_submit,
)
from .errors import SubmissionErrorCode
from .forms import ApplicantForm, EForm, SubmitForm
from .results import CHANGED, result_verdicts

EFORM_PREFIX = "tk"
OTHER_UPLOADS = 2  # extra inputs for documents outside the checklist on the supplement page


def _draft_or_404(request, uuid):
    draft = selectors.draft_get_for_applicant(request.user, uuid)
    if draft is None:
        raise Http404
    return draft


def _dossier_or_404(request, uuid):
    dossier = selectors.dossier_get_for_applicant(request.user, uuid)
    if dossier is None:
        raise Http404
    return dossier


# --- start: choose the receiving agency -----------------------------------------------------------
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def submit_start(request, code: str):
    found = selectors.procedure_for_submission(code)
    if found is None:
        raise Http404
    procedure, version = found
    agencies = selectors.receiving_agencies(procedure, version)
    error = ""
    if request.method == "POST":
        chosen = next((a for a in agencies if str(a.uuid) == request.POST.get("agency", "")), None)
        if chosen is None:
            error = "Hãy chọn cơ quan tiếp nhận trong danh sách."
        else:
            try:
                draft = draft_create(actor=request.user, procedure=procedure, receiving_agency=chosen)
            except DomainError as refused:
                error = refused.message
            else:
                return redirect("portal:draft-edit", uuid=draft.uuid)
    context = {
        "procedure": procedure,
        "version": version,
        "agencies": agencies,
        "requirements": selectors.requirements_of(version),
        "fee_total": selectors.fee_total(version),
        "drafts": selectors.drafts_for_applicant(request.user).filter(procedure=procedure),
        "error": error,
    }
    return render(request, "portal/submission/start.html", context, status=400 if error else 200)


# --- the e-form and the uploads -------------------------------------------------------------------
def _edit_context(draft, applicant_form, eform, file_errors=None, error=""):
    files = selectors.draft_files(draft)
    by_requirement = {f.requirement_id: f for f in files if f.requirement_id}
    checklist = [
        {"requirement": r, "file": by_requirement.get(r.pk), "error": (file_errors or {}).get(r.pk, "")}
        for r in selectors.requirements_of(draft.version)
    ]
    return {
        "draft": draft,
        "applicant_form": applicant_form,
        "eform": eform,
        "checklist": checklist,
        "submit_form": SubmitForm(initial={"procedure": draft.procedure.code, "token": draft.token}),
        "error": error,
    }


def _tampered(request, draft) -> bool:
    return request.POST.get("token") != draft.token or request.POST.get("procedure") != draft.procedure.code


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_edit(request, uuid):
    draft = _draft_or_404(request, uuid)
    if draft.dossier_id:
        return redirect("portal:submit-done", uuid=draft.dossier.uuid)
    if draft.state == draft.State.ABANDONED and request.method == "GET":
        messages.error(request, "Bản nháp này đã bị hủy vì lâu không sửa; hãy bắt đầu hồ sơ mới.")
        return redirect("portal:submit-start", code=draft.procedure.code)
    definitions = draft.version.eform_fields or []
    if request.method == "GET":
        applicant_form = ApplicantForm(initial=draft.applicant_data)
        eform = EForm(initial=draft.form_data, definitions=definitions, prefix=EFORM_PREFIX)
        return render(request, "portal/submission/edit.html", _edit_context(draft, applicant_form, eform))
    if _tampered(request, draft):
        applicant_form = ApplicantForm(initial=draft.applicant_data)
        eform = EForm(initial=draft.form_data, definitions=definitions, prefix=EFORM_PREFIX)
        context = _edit_context(draft, applicant_form, eform, error=TAMPERED)
        return render(request, "portal/submission/edit.html", context, status=400)
    applicant_form = ApplicantForm(data=request.POST)
    eform = EForm(data=request.POST, definitions=definitions, prefix=EFORM_PREFIX)
    raw_applicant = {name: request.POST.get(name, "") for name in applicant_form.fields}
    raw_eform = {name: request.POST.get(f"{EFORM_PREFIX}-{name}", "") for name in eform.fields}
    try:
        draft = draft_save(actor=request.user, draft=draft, applicant_data=raw_applicant, form_data=raw_eform)
    except DomainError as refused:
        return render(
            request,
            "portal/submission/edit.html",
            _edit_context(draft, applicant_form, eform, error=refused.message),
            status=400,
        )
    file_errors = {}
    for requirement in selectors.requirements_of(draft.version):
        uploaded = request.FILES.get(f"tep-{requirement.pk}")
        if uploaded is None:
            continue
        try:
            checked = upload_check(uploaded)
            draft_file_attach(actor=request.user, draft=draft, requirement=requirement, checked=checked)
        except UploadRefused as refused:
            file_errors[requirement.pk] = refused.message
        except DomainError as refused:
            file_errors[requirement.pk] = refused.message
    forms_valid = applicant_form.is_valid() & eform.is_valid()
    if request.POST.get("action") == "save" and not file_errors:
        messages.success(request, _("Draft saved. You can come back to it from “My dossiers”."))
        return redirect("portal:draft-edit", uuid=draft.uuid)
    missing = draft_problems(draft)[2]
    for requirement in missing:
        file_errors.setdefault(requirement.pk, "Giấy tờ bắt buộc: hãy tải lên tệp PDF, JPEG hoặc PNG.")
    if forms_valid and not file_errors:
        return redirect("portal:draft-review", uuid=draft.uuid)
    error = "Hồ sơ chưa đầy đủ hoặc có mục chưa hợp lệ; hãy sửa các mục được đánh dấu bên dưới."
    context = _edit_context(draft, applicant_form, eform, file_errors, error=error)
    return render(request, "portal/submission/edit.html", context, status=400)


@login_required
@require_POST
def draft_file_delete(request, uuid, file_uuid):
    draft = _draft_or_404(request, uuid)
    if _tampered(request, draft):
        messages.error(request, TAMPERED)
        return redirect("portal:draft-edit", uuid=draft.uuid)
    try:
        draft_file_remove(actor=request.user, draft=draft, file_uuid=file_uuid)
    except DomainError as refused:
        messages.error(request, refused.message)
    return redirect("portal:draft-edit", uuid=draft.uuid)


# --- review and submit ----------------------------------------------------------------------------
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_review(request, uuid):
    draft = _draft_or_404(request, uuid)
    if draft.dossier_id and request.method == "GET":
        return redirect("portal:submit-done", uuid=draft.dossier.uuid)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            dossier = draft_submit(
                actor=request.user,
                draft=draft,
                procedure_code=request.POST.get("procedure", ""),
                token=request.POST.get("token", ""),
            )
        except DomainError as refused:
            if refused.code in {SubmissionErrorCode.FORM_INVALID, SubmissionErrorCode.DOCUMENTS_MISSING}:
                messages.error(request, refused.message)
                return redirect("portal:draft-edit", uuid=draft.uuid)
            error, status = refused.message, 400
            draft.refresh_from_db()
        else:
            return redirect("portal:submit-done", uuid=dossier.uuid)
    applicant_form, eform, missing = draft_problems(draft)
    if (not applicant_form.is_valid() or not eform.is_valid() or missing) and not error:
        messages.error(request, "Hồ sơ chưa đầy đủ hoặc có mục chưa hợp lệ; hãy hoàn thiện trước khi nộp.")
        return redirect("portal:draft-edit", uuid=draft.uuid)
    answers = [
        (definition["label"], eform.cleaned_data.get(definition["name"], "") if eform.is_valid() else "")
        for definition in draft.version.eform_fields or []
    ]
    context = {
        "draft": draft,
        "applicant": applicant_form.cleaned_data if applicant_form.is_valid() else {},
        "answers": answers,
        "files": selectors.draft_files(draft),
        "submit_form": SubmitForm(initial={"procedure": draft.procedure.code, "token": draft.token}),
        "fee_total": selectors.fee_total(draft.version),
        "error": error,
    }
    return render(request, "portal/submission/review.html", context, status=status)


@login_required
@never_cache
def submit_done(request, uuid):
    dossier = _dossier_or_404(request, uuid)
    return render(request, "portal/submission/done.html", {"dossier": dossier})


# --- my dossiers ----------------------------------------------------------------------------------
@login_required
@never_cache
def my_dossiers(request):
    page, rows = selectors.my_dossiers_page(request.user, page=request.GET.get("trang"))
    context = {"page": page, "rows": rows, "drafts": list(selectors.drafts_for_applicant(request.user))}
    return render(request, "portal/submission/my_dossiers.html", context)


def _supplement_inputs(page):
    return [(f"tep-{r.pk}", r) for r in page.missing] + [(f"tep-khac-{i}", None) for i in range(OTHER_UPLOADS)]


@login_required
@never_cache
def my_dossier(request, uuid, *, error: str = "", status: int = 200):
    dossier = _dossier_or_404(request, uuid)
    page = selectors.applicant_dossier_page(dossier)
    by_document = result_verdicts(page.results)
    verdicts = [(document, by_document[document.pk]) for document in page.results]
    context = {
        "dossier": dossier,
        "page": page,
        "verdicts": verdicts,
        "supplement_inputs": _supplement_inputs(page) if page.can_supplement else [],
        "error": error,
    }
    return render(request, "portal/submission/my_dossier.html", context, status=status)


@login_required
@require_POST
def my_dossier_supplement(request, uuid):
    dossier = _dossier_or_404(request, uuid)
    page = selectors.applicant_dossier_page(dossier)
    files = []
    problems = []
    for field, requirement in _supplement_inputs(page):
        uploaded = request.FILES.get(field)
        if uploaded is None:
            continue
        try:
            files.append((requirement, upload_check(uploaded)))
        except UploadRefused as refused:
            problems.append(refused.message)
    if problems:  # nothing is sent while one file is refused: the applicant fixes it and sends all
        return my_dossier(request, uuid=uuid, error=" ".join(problems), status=400)
    try:
        dossier_supplement_send(actor=request.user, dossier=dossier, files=files)
    except DomainError as refused:
        return my_dossier(request, uuid=uuid, error=refused.message, status=400)
    messages.success(request, _("Your documents were sent. The agency has been told."))
    return redirect("portal:my-dossier", uuid=dossier.uuid)


@login_required
@never_cache
def my_dossier_form(request, uuid, number: int):
    dossier = _dossier_or_404(request, uuid)
    if number not in selectors.applicant_dossier_page(dossier).forms:
        raise Http404
    pdf = form_pdf(dossier, number, tracking_url=request.build_absolute_uri(TRACKING_PATH))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"mau-{number:02d}-{dossier.code or dossier.uuid}.pdf"
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response


@login_required
@never_cache
def my_dossier_file(request, uuid, document_uuid):
    dossier = _dossier_or_404(request, uuid)
    document = selectors.result_document_get(dossier, document_uuid) or selectors.submitted_document_get(
        dossier, document_uuid
    )
    if document is None:
        raise Http404
    if document.kind == document.Kind.RESULT and not document_bytes_intact(document):
        return my_dossier(request, uuid=uuid, error=CHANGED.text, status=409)
    filename = document.name if "." in document.name[-5:] else document.file.name.rsplit("/", 1)[-1]
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=document.content_type or "application/octet-stream",
    )
