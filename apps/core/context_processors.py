from django.conf import settings

from . import menu


def platform(request):
    """Name of the deployment and, for signed-in officials, their workspace menu."""
    user = getattr(request, "user", None)
    return {
        "EGOV_PRODUCTION": settings.PRODUCTION,
        "workspace_menu": (lambda: menu.entries_for(user)) if user is not None else list,
    }
