"""Officials' sessions: sign out after inactivity, and no workspace without the second factor."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from apps.core.exemptions import two_factor_exempt  # noqa: F401  (re-exported for views)

LAST_ACTIVITY_KEY = "egov_last_activity"


def _redirect(request, url: str):
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class OfficialSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_official:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.OFFICIAL_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, "Phiên làm việc đã kết thúc do không hoạt động; vui lòng đăng nhập lại.")
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return _redirect(request, reverse("accounts:login") + (f"?{query}" if query else ""))
            if last is None or now - last >= 60:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_official:
            return None
        if getattr(view_func, "two_factor_exempt", False) or user.is_verified():
            return None
        target = (
            "accounts:two-factor-verify"
            if user.totpdevice_set.filter(confirmed=True).exists()
            else ("accounts:two-factor-setup")
        )
        return _redirect(request, reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
