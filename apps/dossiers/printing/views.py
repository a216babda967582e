"""Printing pages of the officials' workspace: forms 01–05 of a dossier and the register (06)."""

from datetime import date, datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.accounts.roles import Role
from apps.accounts.selectors import grant_exists, home_agency, scope_agency_ids

from ..errors import DossierError
from ..models import Dossier
from .dossier_forms import TRACKING_PATH, form_pdf
from .register import register_pdf, register_xlsx

try:  # the workspace's scoped read, once it lands; until then the minimal check below
    from ..selectors import dossier_get_for_user
except ImportError:
    dossier_get_for_user = None

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTER_ROLES = frozenset({Role.DESK_OFFICER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER, Role.CLERK})
GRANT_TYPE = "dossiers.dossier"
DATE_INPUT = "%d/%m/%Y"


def _require_official(request) -> None:
    if not getattr(request.user, "is_official", False):
        raise PermissionDenied


def _dossier_in_scope(user, uuid) -> Dossier | None:
    """The dossier if its receiving agency, one of its steps' agencies or a grant puts it in scope."""
    dossier = Dossier.objects.filter(uuid=uuid).first()
    if dossier is None:
        return None
    scope = scope_agency_ids(user)
    if scope is None or dossier.receiving_agency_id in scope or dossier.steps.filter(agency_id__in=scope).exists():
        return dossier
    return dossier if grant_exists(user, target_type=GRANT_TYPE, target_uuid=dossier.uuid) else None


def _dossier_or_404(user, uuid) -> Dossier:
    try:
        dossier = dossier_get_for_user(user, uuid) if dossier_get_for_user else _dossier_in_scope(user, uuid)
    except Dossier.DoesNotExist:
        dossier = None
    if dossier is None:
        raise Http404
    return dossier


def _file(content: bytes, content_type: str, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    return response


def _problem(request, message: str, status: int) -> HttpResponse:
    return render(request, "dossiers/forms/problem.html", {"message": message}, status=status)


@login_required
@never_cache
@require_GET
def form_download(request, uuid, number: int):
    _require_official(request)
    if not 1 <= number <= 5:
        raise Http404
    dossier = _dossier_or_404(request.user, uuid)
    try:
        pdf = form_pdf(dossier, number, tracking_url=request.build_absolute_uri(TRACKING_PATH))
    except DossierError as error:
        return _problem(request, error.message, 409)
    name = f"mau-{number:02d}-{dossier.code or dossier.uuid}.pdf"
    return _file(pdf, PDF_TYPE, name, attachment=False)


def _parse_day(raw: str | None, default: date, label: str) -> date:
    if raw is None or not raw.strip():
        return default
    try:
        return datetime.strptime(raw.strip(), DATE_INPUT).date()
    except ValueError:
        raise ValueError(f"{label} “{raw.strip()[:20]}” không hợp lệ; hãy ghi theo dạng dd/mm/yyyy.") from None


@login_required
@never_cache
@require_GET
def register_download(request):
    """Form 06 of the official's agency for a period (?tu=&den= as dd/mm/yyyy; this year by default)."""
    _require_official(request)
    membership = request.user.current_membership()
    if membership is None or not (request.user.role_codes() & REGISTER_ROLES):
        raise PermissionDenied
    agency = home_agency(membership.agency)
    today = timezone.localdate()
    try:
        start = _parse_day(request.GET.get("tu"), today.replace(month=1, day=1), "Ngày bắt đầu")
        end = _parse_day(request.GET.get("den"), today, "Ngày kết thúc")
    except ValueError as error:
        return _problem(request, str(error), 400)
    kind = request.GET.get("dinh-dang", "pdf")
    if kind not in {"pdf", "xlsx"}:
        return _problem(request, "Định dạng không hợp lệ; chọn pdf hoặc xlsx.", 400)
    try:
        content = (register_pdf if kind == "pdf" else register_xlsx)(agency, start, end)
    except DossierError as error:
        return _problem(request, error.message, 400)
    name = f"so-theo-doi-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.{kind}"
    if kind == "pdf":
        return _file(content, PDF_TYPE, name, attachment=False)
    return _file(content, XLSX_TYPE, name, attachment=True)
