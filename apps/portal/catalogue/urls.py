"""Procedure catalogue for citizens: browse by sector, agency, level and life event; search."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.catalogue_home_page, name="catalogue"),
    path("thu-tuc/", views.catalogue_search_page, name="catalogue-search"),
    path("thu-tuc/<uuid:uuid>/", views.procedure_page, name="procedure"),
]
