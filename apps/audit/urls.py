from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("xuat-csv/", views.event_export, name="event-export"),
    path("<uuid:event_uuid>/", views.event_detail, name="event-detail"),
]
