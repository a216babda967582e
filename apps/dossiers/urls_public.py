from django.urls import path

from . import views

app_name = "dossier-tracking"

urlpatterns = [
    path("", views.track, name="track"),
]
