"""Online submission and "my dossiers", mounted under /dich-vu-cong/ in the ``portal`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("nop-ho-so/<str:code>/", views.submit_start, name="submit-start"),
    path("ho-so-nhap/<uuid:uuid>/", views.draft_edit, name="draft-edit"),
    path("ho-so-nhap/<uuid:uuid>/xem-lai/", views.draft_review, name="draft-review"),
    path("ho-so-nhap/<uuid:uuid>/tep/<uuid:file_uuid>/xoa/", views.draft_file_delete, name="draft-file-delete"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/<uuid:uuid>/", views.my_dossier, name="my-dossier"),
    path("ho-so-cua-toi/<uuid:uuid>/da-nop/", views.submit_done, name="submit-done"),
    path("ho-so-cua-toi/<uuid:uuid>/bo-sung/", views.my_dossier_supplement, name="my-dossier-supplement"),
    path("ho-so-cua-toi/<uuid:uuid>/mau-<int:number>.pdf", views.my_dossier_form, name="my-dossier-form"),
    path("ho-so-cua-toi/<uuid:uuid>/tep/<uuid:document_uuid>/", views.my_dossier_file, name="my-dossier-file"),
]
