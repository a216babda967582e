"""Request id and the one-line-per-request log."""

import logging
import re
import time
import uuid

from django.utils.cache import patch_vary_headers

from .logs import request_id_var

logger = logging.getLogger("egov.request")
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    """Take the proxy's X-Request-ID when it is well formed, else make one; echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        # fullmatch, not match with "$": "$" also matches before a final newline, which would end
        # up in the response header.
        request_id = incoming if _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestLogMiddleware:
    """Log each request once, without query string, IP or personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": str(user.uuid) if user is not None and user.is_authenticated else None,
                "htmx": bool(request.headers.get("HX-Request")),
            },
        )
        return response


class LanguageMiddleware:
    """Vietnamese unless the visitor chose another language with the language form (cookie).

    Django's LocaleMiddleware also follows the browser's Accept-Language; many phones in Vietnam
    run an English system language, and their owners expect the portal in Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
