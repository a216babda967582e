"""URLs of the statistics page, mounted at /lam-viec/ho-so/thong-ke/.

The menu entry is registered here, where the page is declared, because the dossiers app's
``AppConfig.ready`` belongs to another change; move it there when convenient.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from apps.core import menu

from . import views
from .selectors import STATISTICS_PERMISSION

app_name = "dossier_reports"

urlpatterns = [
    path("", views.statistics_page, name="statistics"),
    path("xuat-xlsx/", views.statistics_export, name="statistics-export"),
]

menu.register(
    menu.MenuEntry(
        key="dossiers.statistics",
        label=_("Dossier statistics"),
        url_name="dossier_reports:statistics",
        order=300,
        permissions=(STATISTICS_PERMISSION,),
    )
)
