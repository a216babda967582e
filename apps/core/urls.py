from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dev/hop-thu/", views.dev_outbox, name="dev-outbox"),
    path("lam-viec/he-thong/du-lieu-mau/", views.demo_rebuild, name="demo-rebuild"),
    path("lam-viec/he-thong/lich-lam-viec/", views.calendar_year, name="calendar"),
    path(
        "lam-viec/he-thong/lich-lam-viec/<uuid:override_uuid>/xoa/",
        views.calendar_override_delete,
        name="calendar-delete",
    ),
    path("lam-viec/cong-viec-nen/<uuid:progress_uuid>/", views.task_progress, name="task-progress"),
]
