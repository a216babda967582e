"""Signing pages: check the signatures of an uploaded PDF (nothing is stored)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import VerifyForm
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
