"""Public pages under /gop-y/ and officials' pages under /lam-viec/phan-anh/, in the ``feedback`` namespace."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    # Public: published answers, sending feedback, rating one's own finished dossier.
    path("gop-y/", views.public_list, name="public-list"),
    path("gop-y/gui/", views.submit, name="submit"),
    path("gop-y/da-gui/<uuid:uuid>/", views.submitted, name="submitted"),
    path("gop-y/tra-loi/<uuid:uuid>/", views.public_detail, name="public-detail"),
    path("gop-y/danh-gia/<uuid:uuid>/", views.rate, name="rate"),
    # Officials: the agency's inbox, one item, its actions, and the figures.
    path("lam-viec/phan-anh/", views.inbox, name="inbox"),
    path("lam-viec/phan-anh/so-lieu/", views.figures, name="figures"),
    path("lam-viec/phan-anh/<uuid:uuid>/", views.detail, name="detail"),
    path("lam-viec/phan-anh/<uuid:uuid>/giao/", views.assign, name="assign"),
    path("lam-viec/phan-anh/<uuid:uuid>/tra-loi/", views.answer, name="answer"),
    path("lam-viec/phan-anh/<uuid:uuid>/cong-khai/", views.publish, name="publish"),
]
