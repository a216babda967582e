from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("nhap-xuat/", views.catalogue_transfer, name="transfer"),
    path("xuat.json", views.catalogue_export, {"fmt": "json"}, name="export-json"),
    path("xuat.xlsx", views.catalogue_export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("<uuid:uuid>/", views.procedure_detail, name="detail"),
    path("<uuid:uuid>/ap-dung/", views.procedure_toggle, name="toggle"),
]
