from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.log, name="log"),
    path("nhan/", views.inbound, name="inbound"),
    path("cach-ly/<uuid:package_uuid>/", views.quarantined_download, name="quarantined-download"),
    path("<str:direction>/<uuid:package_uuid>/", views.detail, name="detail"),
    path("<str:direction>/<uuid:package_uuid>/goi-tin/", views.package_download, name="package-download"),
    path("<str:direction>/<uuid:package_uuid>/bien-nhan/", views.receipt_download, name="receipt-download"),
    path("<str:direction>/<uuid:package_uuid>/tra-loi/", views.answer, name="answer"),
    path("<str:direction>/<uuid:package_uuid>/lay-lai/", views.recall, name="recall"),
]
