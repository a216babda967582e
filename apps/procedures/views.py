"""Catalogue pages of the officials' workspace: the list, one procedure, import and export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .actions import catalogue_import, procedure_activate, procedure_deactivate
from .catalogue_io import Problems, catalogue_document, detect_and_read, json_dumps, workbook_bytes
from .errors import ProceduresError
from .forms import CatalogueFilterForm, CatalogueImportForm
from .models import Procedure
from .selectors import catalogue_search, procedure_get, procedure_page

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_official(request) -> None:
    if not getattr(request.user, "is_official", False):
        raise PermissionDenied


@login_required
def catalogue(request):
    _require_official(request)
    form = CatalogueFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {"query": data["q"], "sector": data["linh_vuc"], "level": data["cap"], "agency": data["co_quan"]}
    page = Paginator(catalogue_search(**filters), PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "procedures/catalogue.html",
        {"form": form, "page": page, "filtered": bool(filters and any(filters.values())), "query": query.urlencode()},
    )


def _procedure_or_404(uuid) -> Procedure:
    try:
        return procedure_get(uuid)
    except Procedure.DoesNotExist:
        raise Http404 from None


@login_required
def procedure_detail(request, uuid):
    _require_official(request)
    number = request.GET.get("phien_ban", "")
    page = procedure_page(_procedure_or_404(uuid), number=int(number) if number.isdigit() else None)
    return render(
        request,
        "procedures/procedure_detail.html",
        {"page": page, "procedure": page.procedure, "version": page.shown},
    )


@require_POST
@login_required
@permission_required("procedures.change_procedure", raise_exception=True)
def procedure_toggle(request, uuid):
    procedure = _procedure_or_404(uuid)
    action = procedure_deactivate if procedure.is_active else procedure_activate
    try:
        procedure = action(actor=request.user, procedure=procedure)
    except ProceduresError as error:
        messages.error(request, error.message)
    else:
        state = "đang áp dụng" if procedure.is_active else "đã ngừng áp dụng"
        messages.success(request, f"Thủ tục {procedure.code} {state}.")
    return redirect(procedure.get_absolute_url())


@login_required
@permission_required("procedures.change_procedure", raise_exception=True)
def catalogue_transfer(request):
    problems: list[str] = []
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["tep"]
        read_problems = Problems()
        document = detect_and_read(upload.name, upload.read(), read_problems)
        problems = list(read_problems)
        if document is not None:
            try:
                report = catalogue_import(actor=request.user, document=document, read_problems=read_problems)
            except ProceduresError as error:
                problems = error.problems
            else:
                messages.success(request, f"Đã nhập danh mục từ {upload.name}. {report.summary()}")
                return redirect("procedures:transfer")
    status = 400 if problems or form.errors else 200
    return render(request, "procedures/transfer.html", {"form": form, "problems": problems}, status=status)


@login_required
@permission_required("procedures.change_procedure", raise_exception=True)
def catalogue_export(request, fmt):
    document = catalogue_document()
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "json":
        response = HttpResponse(json_dumps(document), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(workbook_bytes(document), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="danh-muc-thu-tuc-{stamp}.{fmt}"'
    return response
