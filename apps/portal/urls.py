"""Public service portal pages, under /dich-vu-cong/."""

from django.urls import include, path

app_name = "portal"

urlpatterns = [
    path("", include("apps.portal.catalogue.urls")),
    path("", include("apps.portal.submission.urls")),
]
