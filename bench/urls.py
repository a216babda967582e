"""The project's URLs plus ``/__bench__/bare``, the baseline every ratio is measured against."""

from django.http import HttpResponse
from django.urls import path

from egov.urls import urlpatterns as project_urlpatterns

BARE_PATH = "/__bench__/bare"


def bare_view(request):
    """Answer "ok": what the middleware stack and the server cost with no work of the view."""
    return HttpResponse("ok")


urlpatterns = [path(BARE_PATH.lstrip("/"), bare_view), *project_urlpatterns]
