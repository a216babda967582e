"""Top-level URL map: public side, officials' workspace, accounts, operations."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from apps.core.exemptions import two_factor_exempt
from egov.api import api

urlpatterns = [
    path("", include("apps.core.urls")),
    path("tai-khoan/", include("apps.accounts.urls")),
    path("lam-viec/nhat-ky/", include("apps.audit.urls")),
    path("lam-viec/co-quan/", include("apps.organizations.urls")),
    path("lam-viec/thu-tuc/", include("apps.procedures.urls")),
    path("lam-viec/ho-so/thong-ke/", include("apps.dossiers.reports.urls")),
    path("lam-viec/ho-so/in/", include("apps.dossiers.printing.urls")),
    path("lam-viec/ho-so/", include("apps.dossiers.urls")),
    path("lam-viec/ky-so/", include("apps.signing.urls")),
    path("lam-viec/lien-thong/", include("apps.exchange.urls")),
    path("tra-cuu/", include("apps.dossiers.urls_public")),
    path("dich-vu-cong/", include("apps.portal.urls")),
    path("thanh-toan/", include("apps.payments.urls")),
    path("", include("apps.feedback.urls")),  # gop-y/ (public) and lam-viec/phan-anh/ (officials)
    path("api/v1/", api.urls),
    path("i18n/setlang/", two_factor_exempt(set_language), name="set_language"),
    path("quan-tri/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
