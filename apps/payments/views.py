"""Payment pages: the applicant's page for a dossier (VietQR or gateway), the return page, the
receipt; the desk's confirmation of a transfer; the gateway callback; the sandbox gateway."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.middleware import client_ip
from apps.core.exemptions import two_factor_exempt
from apps.dossiers.selectors import dossier_get_for_user

from . import actions, forms, selectors
from .errors import PaymentError
from .gateways import gateway
from .models import Method, Purpose, SandboxTransaction, State
from .receipts import receipt_pdf
from .sandbox import sandbox_decide
from .vietqr import collection_account, qr_svg_uri, vietqr_payload


# --- the applicant's pages ------------------------------------------------------------------------
def _payment_context(dossier, *, form=None) -> dict:
    panel = selectors.dossier_payment_panel(dossier)
    purpose = selectors.payment_purpose_for(dossier)
    due = actions.payment_amount_due(dossier, purpose)
    methods = selectors.payment_methods_available(dossier)
    context = {
        "dossier": dossier,
        "panel": panel,
        "due": due,
        "already_paid": purpose == Purpose.FEE
        and any(p.purpose == Purpose.FEE and p.state == State.PAID for p in panel.payments),
        "form": form or forms.MethodForm(methods=methods),
        "methods": methods,
        "qr": None,
    }
    pending = panel.pending
    if pending is not None and pending.method == Method.VIETQR:
        account = collection_account(dossier.receiving_agency)
        if account is not None:
            context["qr"] = {"uri": qr_svg_uri(vietqr_payload(pending, account)), "account": account}
    return context


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def pay(request, uuid):
    dossier = selectors.dossier_for_payer(request.user, uuid)
    if dossier is None:
        raise Http404
    if request.method == "POST":
        form = forms.MethodForm(request.POST, methods=selectors.payment_methods_available(dossier))
        if form.is_valid():
            try:
                payment = actions.payment_create(
                    actor=request.user,
                    dossier=dossier,
                    method=form.cleaned_data["hinh_thuc"],
                    purpose=selectors.payment_purpose_for(dossier),
                    return_url=request.build_absolute_uri(reverse("payments:return", args=[dossier.uuid])),
                )
            except PaymentError as error:
                form.add_error(None, error.message)
            else:
                if payment.method == Method.GATEWAY and payment.redirect_url:
                    return HttpResponseRedirect(payment.redirect_url)
                return redirect("payments:pay", uuid=dossier.uuid)
        return render(request, "payments/pay.html", _payment_context(dossier, form=form), status=400)
    return render(request, "payments/pay.html", _payment_context(dossier))


@login_required
@never_cache
@require_GET
def payment_return(request, uuid):
    """Where the gateway sends the payer back: the state comes from our records, never from the URL."""
    dossier = selectors.dossier_for_payer(request.user, uuid)
    if dossier is None:
        raise Http404
    panel = selectors.dossier_payment_panel(dossier)
    latest = panel.payments[0] if panel.payments else None
    return render(request, "payments/return.html", {"dossier": dossier, "payment": latest, "panel": panel})


@login_required
@never_cache
@require_GET
def receipt(request, uuid):
    payment = selectors.payment_for_user(request.user, uuid)
    if payment is None or payment.state != State.PAID:
        raise Http404
    response = HttpResponse(receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-nhan-{payment.bill_number}.pdf"'
    return response


# --- the desk -------------------------------------------------------------------------------------
@login_required
@require_POST
def confirm_transfer(request, uuid):
    payment = selectors.payment_for_user(request.user, uuid)
    if payment is None or not request.user.is_official:
        raise Http404
    form = forms.ConfirmTransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["ma_giao_dich"][0])
    else:
        try:
            actions.payment_confirm_transfer(
                actor=request.user, payment=payment, bank_reference=form.cleaned_data["ma_giao_dich"]
            )
        except PaymentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đã xác nhận thanh toán hóa đơn {payment.bill_number}.")
    return redirect("dossiers:detail", uuid=payment.dossier.uuid)


@login_required
@require_POST
def desk_bill(request, uuid):
    """The desk makes a VietQR bill for a dossier, for the applicant to scan at the counter."""
    dossier = dossier_get_for_user(request.user, uuid, change=True) if request.user.is_official else None
    if dossier is None:
        raise Http404
    try:
        payment = actions.payment_create(
            actor=request.user, dossier=dossier, method=Method.VIETQR, purpose=selectors.payment_purpose_for(dossier)
        )
    except PaymentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Hóa đơn {payment.bill_number}: người nộp quét mã VietQR để chuyển khoản.")
    return redirect("dossiers:detail", uuid=dossier.uuid)


# --- the gateway's callback ---------------------------------------------------------------------
@csrf_exempt
@two_factor_exempt
@require_POST
def callback(request):
    """Server-to-server notice from the gateway (urlencoded, signed); answers JSON."""
    result = actions.payment_callback_receive(body=request.body, remote_ip=client_ip(request))
    body = json.dumps({"ok": result.ok, "outcome": result.outcome, "message": result.message}, ensure_ascii=False)
    return HttpResponse(body, status=200 if result.ok else 400, content_type="application/json; charset=utf-8")


# --- the sandbox gateway --------------------------------------------------------------------------
@two_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def sandbox(request, reference):
    """The local test gateway's page: the tester decides what happens to the transaction."""
    adapter = gateway()
    if settings.PAYMENT_GATEWAY != "sandbox" or adapter is None:
        raise Http404
    transaction_ = SandboxTransaction.objects.filter(reference=reference).first()
    if transaction_ is None:
        raise Http404
    form = forms.SandboxForm(request.POST or None)
    if request.method == "POST" and transaction_.status == SandboxTransaction.Status.PENDING and form.is_valid():
        sandbox_decide(adapter, transaction_.reference, form.cleaned_data["ket_qua"])
        return HttpResponseRedirect(transaction_.return_url or "/")
    status = 400 if request.method == "POST" else 200
    return render(request, "payments/sandbox.html", {"txn": transaction_, "form": form}, status=status)
