"""The project's REST API (django-ninja) at /api/v1/, described by OpenAPI at /api/v1/openapi.json
and browsable at /api/v1/docs.

Authentication: ``Authorization: Bearer <token>``, a token of an official account issued on the
official's security page (/tai-khoan/bao-mat/) or with ``manage.py api_token`` by the operator
(``apps/accounts/api_tokens.py``). Only the token's SHA-256 is stored; each token has a purpose,
an expiry (at most 366 days), its last use, and can be revoked on its own. A token stops working
when it expires or is revoked, when the official's password changes, or when the account is
deactivated or is no longer an official.
The actions record every change in the audit trail under the official's name.
"""

import json
from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import escape
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer, SessionAuth

from apps.accounts.api_tokens import api_token_issue, api_token_user
from apps.accounts.models import User
from apps.dossiers.api import dossier_error_status
from apps.dossiers.api import router as dossiers_router
from apps.dossiers.errors import DossierError
from apps.signing.api import router as signing_router
from apps.signing.api import signing_error_status
from apps.signing.errors import SigningError


# --- tokens ---------------------------------------------------------------------------------------
def api_token_for(user: User, days: int = 30, name: str = "Mã truy cập cấp từ mã nguồn") -> str:
    """Issue a token of ``user`` as the platform (tests, the bench, scripts); returns the secret."""
    return api_token_issue(actor=None, user=user, name=name, days=days)[1]


class OfficialToken(HttpBearer):
    """``Authorization: Bearer <token>``: a token an official issued (``apps.accounts.api_tokens``)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


# --- docs with the vendored Swagger UI (no CDN; the CSP forbids inline scripts and styles) ---------
NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
}
DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
</head>
<body data-csrf-token="" data-api-csrf="">
<script type="application/json" id="swagger-settings">{settings}</script>
<div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""


class VendoredSwagger(Swagger):
    """Swagger UI from django-ninja's own files, served by the API itself (``ninja`` is not an
    installed app, so its static files are not collected)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        asset = lambda name: reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": name})  # noqa: E731
        html = DOCS_PAGE.format(
            title=escape(api.title),
            css=asset("swagger-ui.css"),
            bundle=asset("swagger-ui-bundle.js"),
            init=asset("swagger-ui-init.js"),
            settings=json.dumps(config).replace("<", "\\u003c"),
        )
        return HttpResponse(html)


# --- the API --------------------------------------------------------------------------------------
api = NinjaAPI(
    title="egov API",
    version="1",
    urls_namespace="api",
    description="REST API of the Hà Tĩnh e-government platform for partner systems: one-stop dossiers "
    "and their statistics, signatures. Authenticate with `Authorization: Bearer <token>`: a token an "
    "official issues for your system on their security page (/tai-khoan/bao-mat/), or the operator with "
    "`manage.py api_token issue`; it acts with that official's roles until it expires or is revoked. "
    "Errors answer `{code, message}` with the message in Vietnamese.",
    auth=OfficialToken(),
    docs=VendoredSwagger(),
)
api.add_router("/", dossiers_router)
# The token software may call with the official's bearer token, or a workspace page with the
# signed-in session (second factor passed, CSRF token checked by ninja's SessionAuth).
api.add_router("/", signing_router, auth=[OfficialToken(), SessionAuth()])

STATUS_CODES = {400: "invalid_input", 403: "forbidden", 404: "not_found", 409: "concurrent_change"}


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs-asset")
def docs_asset(request: HttpRequest, name: str):
    if name not in DOCS_ASSETS:
        raise Http404
    response = FileResponse((NINJA_STATIC / name).open("rb"), content_type=DOCS_ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _error(request: HttpRequest, code: str, message: str, status: int, **extra) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request, "unauthenticated", "Thiếu mã truy cập, hoặc mã không hợp lệ, đã hết hạn hay đã bị thu hồi.", 401
    )
    response["WWW-Authenticate"] = 'Bearer realm="egov"'
    return response


@api.exception_handler(DossierError)
def _dossier_error(request: HttpRequest, exc: DossierError) -> HttpResponse:
    return _error(request, exc.code, exc.message, dossier_error_status(exc))


@api.exception_handler(SigningError)
def _signing_error(request: HttpRequest, exc: SigningError) -> HttpResponse:
    return _error(request, exc.code, exc.message, signing_error_status(exc))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, STATUS_CODES.get(exc.status_code, "error"), exc.message, exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, "not_found", "Không tìm thấy.", 404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"loc": list(e.get("loc", [])), "msg": str(e.get("msg", ""))} for e in exc.errors]
    return _error(request, "invalid_input", "Dữ liệu gửi lên không hợp lệ.", 400, errors=errors)
