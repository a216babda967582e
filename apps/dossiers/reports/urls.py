"""URLs of the statistics page, mounted at /lam-viec/ho-so/thong-ke/."""

from django.urls import path

from . import views

app_name = "dossier_reports"

urlpatterns = [
    path("", views.statistics_page, name="statistics"),
    path("xuat-xlsx/", views.statistics_export, name="statistics-export"),
]
