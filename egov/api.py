"""The project's REST API (django-ninja) at /api/v1/, described by OpenAPI at /api/v1/openapi.json
and browsable at /api/v1/docs.

Authentication: ``Authorization: Bearer <token>``, a token per official account. A token is signed
with Django's ``TimestampSigner`` (salt ``egov.api.token``) over the official's UUID, an expiry and
a fingerprint of their password hash; nothing is stored. ``api_token_for(user, days=30)`` issues
one (e.g. from ``manage.py shell`` by the system administrator). A token stops working when:

* it expires (at most ``MAX_TOKEN_DAYS`` after issue, whatever was asked);
* the official's password changes, the account is deactivated or is no longer an official;
* ``SECRET_KEY`` changes — rotation: put the old key in ``SECRET_KEY_FALLBACKS`` to keep existing
  tokens valid until they are reissued, then drop it, which revokes them all.

A token cannot be revoked on its own and its use is not recorded per token; a token table (hashed
secret, owner, expiry, last use, revocation) is the better design once a model can be added.
The actions record every change in the audit trail under the official's name.
"""

import json
import time
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import ninja
from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import escape
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer, SessionAuth

from apps.accounts.models import User
from apps.dossiers.api import dossier_error_status
from apps.dossiers.api import router as dossiers_router
from apps.dossiers.errors import DossierError
from apps.signing.api import router as signing_router
from apps.signing.api import signing_error_status
from apps.signing.errors import SigningError

TOKEN_SALT = "egov.api.token"  # noqa: S105  (a namespace for the signature, not a secret)
MAX_TOKEN_DAYS = 366
MAX_TOKEN_LENGTH = 1000


# --- tokens ---------------------------------------------------------------------------------------
def _fingerprint(user: User, secret: str) -> str:
    return salted_hmac(TOKEN_SALT, f"{user.pk}:{user.password}", secret=secret, algorithm="sha256").hexdigest()[:32]


def api_token_for(user: User, days: int = 30) -> str:
    """A bearer token for ``user`` (an active official) valid ``days`` days (1 to MAX_TOKEN_DAYS)."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"Thời hạn mã truy cập phải từ 1 đến {MAX_TOKEN_DAYS} ngày.")
    if not user.is_active or not user.is_official:
        raise ValueError("Chỉ cấp mã truy cập cho tài khoản cán bộ đang hoạt động.")
    payload = {"u": str(user.uuid), "e": int(time.time()) + days * 86400, "f": _fingerprint(user, settings.SECRET_KEY)}
    return signing.TimestampSigner(salt=TOKEN_SALT).sign_object(payload)


def api_token_user(token: str) -> User | None:
    """The official a token stands for, or None if it is forged, expired or revoked."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = signing.TimestampSigner(salt=TOKEN_SALT).unsign_object(token, max_age=timedelta(days=MAX_TOKEN_DAYS))
    except (signing.BadSignature, ValueError, UnicodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), int) or payload["e"] <= time.time():
        return None
    try:
        uuid = UUID(str(payload.get("u")))
    except ValueError:
        return None
    user = User.objects.filter(uuid=uuid, is_active=True, kind=User.Kind.OFFICIAL).first()
    if user is None:
        return None
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(str(payload.get("f", "")), _fingerprint(user, s)) for s in secrets):
        return None
    return user


class OfficialToken(HttpBearer):
    """``Authorization: Bearer <token>`` issued by ``api_token_for``."""

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
    "and their statistics. Authenticate with `Authorization: Bearer <token>` (a token per official "
    "account). Errors answer `{code, message}` with the message in Vietnamese.",
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
