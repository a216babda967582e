from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("kiem-tra/", views.verify, name="verify"),
    path("chung-thu/", views.certificates, name="certificates"),
    path("chung-thu/<uuid:certificate_uuid>/thu-hoi/", views.certificate_revoke_view, name="certificate-revoke"),
]
