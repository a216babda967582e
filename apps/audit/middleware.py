"""Remember the client's IP address for the audit trail, and record permission denials."""

import ipaddress

from django.conf import settings

from .context import client_ip_var


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind our reverse proxy the address it appended to X-Forwarded-For."""
    candidate = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The right-most entry is the one our proxy added; the ones before it are the client's say.
            candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip_var.set(client_ip(request))
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                from .actions import audit_security_event

                audit_security_event(request=request, action="security.permission_denied")
            return response
        finally:
            client_ip_var.reset(token)
