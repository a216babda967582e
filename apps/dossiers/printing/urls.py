from django.urls import path

from . import views

app_name = "dossier_printing"

urlpatterns = [
    path("so-theo-doi/", views.register_download, name="register"),
    path("<uuid:uuid>/mau-<int:number>.pdf", views.form_download, name="form"),
]
