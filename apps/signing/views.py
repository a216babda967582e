"""Signing pages: check the signatures of an uploaded PDF (nothing is stored); officials' certificates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .actions import certificate_register, certificate_revoke
from .errors import SigningError, SigningErrorCode
from .forms import CertificateForm, RevokeForm, VerifyForm
from .selectors import MANAGE_PERMISSION, certificate_get_for_user, certificates_for_user, officials_for_certificates
from .validation import signature_validate

VERIFY_PERMISSION = "signing.verify_signature"


@login_required
@permission_required(VERIFY_PERMISSION, raise_exception=True)
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    form = VerifyForm(request.POST or None, request.FILES or None)
    reports, problem, checked_name = None, "", ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["tep"]
        checked_name = upload.name
        try:
            reports = signature_validate(upload.read())
        except ValueError as error:
            problem = str(error)
    template = "signing/_verdict.html" if request.htmx and reports is not None else "signing/verify.html"
    return render(
        request,
        template,
        {"form": form, "reports": reports, "problem": problem, "checked_name": checked_name},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


CERTIFICATE_PERMISSIONS = ("signing.sign_document", "signing.manage_signingcertificate")


def _may_use_certificates(user) -> bool:
    return any(user.has_perm(p) for p in CERTIFICATE_PERMISSIONS)


def _certificate_form(request, data=None, files=None):
    officials = officials_for_certificates(request.user)
    choose = request.user.has_perm(MANAGE_PERMISSION)
    return CertificateForm(data, files, officials=officials, choose_official=choose)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def certificates(request):
    if not _may_use_certificates(request.user):
        raise PermissionDenied
    form = _certificate_form(request, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            official = form.cleaned_data.get("can_bo") or request.user
            try:
                if not officials_for_certificates(request.user).filter(pk=official.pk).exists():
                    raise SigningError(
                        SigningErrorCode.CERTIFICATE_NOT_OFFICIAL,
                        "Ông/bà không được đăng ký chứng thư số cho cán bộ này.",
                    )
                record = certificate_register(
                    actor=request.user, official=official, certificate=form.cleaned_data["tep"]
                )
            except SigningError as error:
                form.add_error("tep", error.message)
                status = 400
            else:
                messages.success(
                    request,
                    _("Certificate %(serial)s registered for %(official)s.")
                    % {"serial": record.serial, "official": official},
                )
                return redirect("signing:certificates")
        else:
            status = 400
    rows = list(certificates_for_user(request.user))
    now = timezone.now()
    return render(
        request,
        "signing/certificates.html",
        {
            "form": form,
            "rows": [(c, c.is_usable_at(now)) for c in rows],
        },
        status=status,
    )


@login_required
@require_POST
def certificate_revoke_view(request, certificate_uuid):
    if not _may_use_certificates(request.user):
        raise PermissionDenied
    record = certificate_get_for_user(request.user, certificate_uuid)
    if record is None:
        raise Http404
    form = RevokeForm(request.POST)
    try:
        certificate_revoke(
            actor=request.user, certificate=record, reason=form.data.get("ly_do", "") if form.is_valid() else ""
        )
    except SigningError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Certificate %(serial)s revoked: it can no longer sign.") % {"serial": record.serial}
        )
    return redirect("signing:certificates")
