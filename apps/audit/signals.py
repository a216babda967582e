"""Sign-ins and failed sign-ins become audit events (Django's auth signals are the only hook)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .actions import audit_security_event


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    if request is not None:
        request.user = user
    audit_security_event(request=request, action="security.login")


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if request is not None and user is not None:
        request.user = user
    audit_security_event(request=request, action="security.logout")


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_security_event(request=request, action="security.login_failed", username=credentials.get("username", ""))
