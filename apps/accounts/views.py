"""Sign-in and sign-out, applicants' sign-up and profile, password reset, two-factor pages."""

import uuid
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.actions import audit_security_event
from apps.audit.middleware import client_ip
from apps.core.exemptions import two_factor_exempt
from apps.core.throttle import throttle_hit

from . import actions, selectors
from .api_tokens import api_token_issue, api_token_revoke, api_tokens_of
from .errors import AccountsError
from .forms import (
    ApiTokenForm,
    CodeForm,
    ContactForm,
    PasswordResetConfirmForm,
    ProfileForm,
    RolesForm,
    SignupForm,
    TokenForm,
)
from .models import ApplicantProfile

SIGNUP_SESSION_KEY = "egov_signup_code"
RESET_SESSION_KEY = "egov_reset_code"
TOTP_SESSION_KEY = "egov_totp_device"


@method_decorator(two_factor_exempt, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@method_decorator(two_factor_exempt, name="dispatch")
class LogoutView(auth_views.LogoutView):
    pass


def locked_out(request, credentials=None, *args, **kwargs):
    """Axes' answer to a locked username + address pair."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@login_required
@two_factor_exempt
def after_login(request):
    """Send officials to their workspace and applicants to the public portal."""
    return redirect("accounts:workspace" if request.user.is_official else "core:home")


@login_required
def workspace(request):
    if not request.user.is_official:
        return redirect("core:home")
    membership = request.user.current_membership()
    roles = list(membership.roles.all()) if membership else []
    return render(request, "accounts/workspace.html", {"roles": roles, "membership": membership})


# --- officials (scoped by agency) ------------------------------------------------------------
@login_required
@permission_required("accounts.view_membership", raise_exception=True)
def official_list(request):
    query = " ".join(request.GET.get("q", "").split())[:100]
    memberships = selectors.memberships_for_user(request.user)
    if query:
        memberships = memberships.filter(Q(user__full_name__icontains=query) | Q(user__username__icontains=query))
    page = Paginator(memberships, 50).get_page(request.GET.get("trang"))
    return render(request, "accounts/official_list.html", {"page": page, "query": query})


def _official_or_404(request, official_uuid):
    official = selectors.official_get_for_user(request.user, official_uuid)
    if official is None:
        raise Http404
    return official


@login_required
@permission_required("accounts.view_membership", raise_exception=True)
def official_detail(request, official_uuid):
    official = _official_or_404(request, official_uuid)
    memberships = official.memberships.select_related("agency").prefetch_related("roles").order_by("-valid_from")
    current = official.current_membership()
    change_scope = selectors.scope_for_permission(request.user, "accounts.change_membership")
    can_change = current is not None and (change_scope is None or current.agency_id in change_scope)
    form = RolesForm(initial={"roles": [r.role for r in current.roles.all()]} if current else None)
    return render(
        request,
        "accounts/official_detail.html",
        {"official": official, "memberships": memberships, "current": current, "can_change": can_change, "form": form},
    )


@login_required
@permission_required("accounts.view_membership", raise_exception=True)
@require_POST
def official_roles(request, official_uuid):
    official = _official_or_404(request, official_uuid)
    current = official.current_membership()
    change_scope = selectors.scope_for_permission(request.user, "accounts.change_membership")
    if current is None or (change_scope is not None and current.agency_id not in change_scope):
        raise PermissionDenied("Bạn không có quyền giao vai trò cho cán bộ này.")
    form = RolesForm(request.POST)
    if form.is_valid():
        try:
            actions.membership_roles_set(actor=request.user, membership=current, roles=form.cleaned_data["roles"])
        except AccountsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Đã cập nhật vai trò.")
    else:
        messages.error(request, "Vai trò không hợp lệ.")
    return redirect("accounts:official-detail", official_uuid=official.uuid)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# --- applicants: sign-up and profile ----------------------------------------------------------
# Each code is an SMS the province pays for: besides the limit per number (in the actions), one
# address may ask for only so many codes an hour, whatever the numbers (a value chosen here).
CODES_PER_ADDRESS, CODES_WINDOW = 10, 60 * 60
CODES_THROTTLED = "Đã gửi quá nhiều mã xác nhận từ nơi truy cập này; vui lòng thử lại sau một giờ."


def _codes_throttled(request) -> bool:
    return throttle_hit("codes:ip", client_ip(request) or "unknown", limit=CODES_PER_ADDRESS, window=CODES_WINDOW)


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _codes_throttled(request):
            form.add_error(None, CODES_THROTTLED)
            return render(request, "accounts/signup.html", {"form": form}, status=429)
        try:
            otc = actions.applicant_signup_start(
                full_name=form.cleaned_data["full_name"],
                contact=form.cleaned_data["contact"],
                password=form.cleaned_data["password1"],
                applicant_type=form.cleaned_data["applicant_type"],
            )
        except AccountsError as error:
            form.add_error(None, error.message)
        else:
            request.session[SIGNUP_SESSION_KEY] = str(otc.uuid)
            return redirect("accounts:signup-confirm")
    return render(request, "accounts/signup.html", {"form": form})


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def signup_confirm(request):
    code_uuid = request.session.get(SIGNUP_SESSION_KEY)
    if not code_uuid:
        return redirect("accounts:signup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.applicant_signup_confirm(code_uuid=code_uuid, code=form.cleaned_data["code"])
        except AccountsError as error:
            form.add_error("code", error.message)
        else:
            request.session.pop(SIGNUP_SESSION_KEY, None)
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Đã tạo tài khoản. Hãy bổ sung thông tin cá nhân để nộp hồ sơ nhanh hơn.")
            return redirect("accounts:profile")
    return render(request, "accounts/signup_confirm.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.user.is_official:
        return redirect("accounts:security")
    current, _ = ApplicantProfile.objects.get_or_create(user=request.user)
    initial = {
        "full_name": request.user.full_name,
        "applicant_type": current.applicant_type,
        "id_number": current.id_number,
        "birth_date": current.birth_date,
        "tax_code": current.tax_code,
        "address_unit": current.address_unit_id,
        "address_line": current.address_line,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.applicant_profile_update(
                actor=request.user,
                full_name=data["full_name"],
                applicant_type=data["applicant_type"],
                id_number=data["id_number"],
                birth_date=data["birth_date"],
                tax_code=data["tax_code"],
                address_unit_id=data["address_unit"].pk if data["address_unit"] else None,
                address_line=data["address_line"],
            )
        except AccountsError as error:
            field = {"invalid_id_number": "id_number", "invalid_tax_code": "tax_code"}.get(error.code)
            form.add_error(field, error.message)
        else:
            messages.success(request, "Đã lưu thông tin cá nhân.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


# --- password reset ---------------------------------------------------------------------------
@two_factor_exempt
@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _codes_throttled(request):
            form.add_error("contact", CODES_THROTTLED)
            return render(request, "accounts/password_reset.html", {"form": form}, status=429)
        try:
            otc = actions.password_reset_start(contact=form.cleaned_data["contact"])
        except AccountsError as error:
            form.add_error("contact", error.message)
        else:
            # The same answer whether or not an account has this contact.
            request.session[RESET_SESSION_KEY] = str(otc.uuid if otc else uuid.uuid4())
            return redirect("accounts:password-reset-confirm")
    return render(request, "accounts/password_reset.html", {"form": form})


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request):
    code_uuid = request.session.get(RESET_SESSION_KEY)
    if not code_uuid:
        return redirect("accounts:password-reset")
    form = PasswordResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.password_reset_confirm(
                code_uuid=code_uuid, code=form.cleaned_data["code"], new_password=form.cleaned_data["new_password1"]
            )
        except AccountsError as error:
            form.add_error(None, error.message)
        else:
            request.session.pop(RESET_SESSION_KEY, None)
            messages.success(request, "Đã đặt mật khẩu mới. Hãy đăng nhập.")
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


# --- two-factor authentication ---------------------------------------------------------------
def _is_demo_account(user) -> bool:
    return not settings.PRODUCTION and user.email.endswith("@demo.egov.localhost")


@login_required
@two_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    if not request.user.is_official:
        return redirect("core:home")
    if request.user.is_verified():
        return redirect("accounts:security")
    device = TOTPDevice.objects.filter(
        user=request.user, confirmed=False, pk=request.session.get(TOTP_SESSION_KEY) or 0
    ).first()
    if device is None:
        device = actions.totp_setup_start(user=request.user)
        request.session[TOTP_SESSION_KEY] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = actions.totp_setup_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
        except AccountsError as error:
            form.add_error("token", error.message)
        else:
            request.session.pop(TOTP_SESSION_KEY, None)
            otp_login(request, device)
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _safe_next(request, reverse("accounts:workspace"))},
            )
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/two_factor_setup.html", {"form": form, "qr": qr, "secret": secret})


@login_required
@two_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    if not request.user.is_official or request.user.is_verified():
        return redirect(_safe_next(request, reverse("accounts:after-login")))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            audit_security_event(request=request, action="security.two_factor_ok", details={"device": device.name})
            return redirect(_safe_next(request, reverse("accounts:workspace")))
        audit_security_event(request=request, action="security.two_factor_failed")
        form.add_error("token", "Mã không đúng hoặc đã dùng. Hãy nhập mã mới trên ứng dụng xác thực.")
    hint = None
    if _is_demo_account(request.user):
        device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
        if device is not None:
            hint = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
            hint = f"{hint:0{device.digits}d}"
    return render(request, "accounts/two_factor_verify.html", {"form": form, "demo_code": hint})


def _security_page(request, *, form=None, secret: str = "", status: int = 200):
    context = {}
    if request.user.is_official:
        context = {"tokens": api_tokens_of(request.user), "token_form": form or ApiTokenForm(), "secret": secret}
    response = render(request, "accounts/security.html", context, status=status)
    add_never_cache_headers(response)  # a new token's secret is on this page once
    return response


@login_required
@require_http_methods(["GET"])
def security(request):
    return _security_page(request)


@login_required
@require_POST
def api_token_create(request):
    if not request.user.is_official:
        raise PermissionDenied("Chỉ cán bộ mới có mã truy cập API.")
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _security_page(request, form=form, status=400)
    try:
        _token, secret = api_token_issue(
            actor=request.user, user=request.user, name=form.cleaned_data["ten"], days=form.cleaned_data["thoi_han"]
        )
    except AccountsError as error:
        form.add_error(None, error.message)
        return _security_page(request, form=form, status=400)
    return _security_page(request, secret=secret)


@login_required
@require_POST
def api_token_revoke_view(request, token_uuid):
    token = api_tokens_of(request.user).filter(uuid=token_uuid).first()
    if token is None:
        raise Http404
    try:
        api_token_revoke(actor=request.user, token=token)
    except AccountsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thu hồi mã truy cập {token.prefix}….")
    return redirect("accounts:security")


@login_required
@require_POST
def backup_codes_regenerate(request):
    codes = actions.backup_codes_regenerate(user=request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("accounts:security")})
