from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("<uuid:uuid>/", views.dossier_detail, name="detail"),
    path("<uuid:uuid>/tep/<uuid:document_uuid>/", views.document_download, name="document"),
    path("<uuid:uuid>/buoc/<uuid:step_uuid>/<slug:act>/", views.dossier_act, name="step-act"),
    path("<uuid:uuid>/<slug:act>/", views.dossier_act, name="act"),
]
