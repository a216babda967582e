"""Payment pages and gateway callbacks, under /thanh-toan/."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("ho-so/<uuid:uuid>/", views.pay, name="pay"),
    path("ho-so/<uuid:uuid>/ket-qua/", views.payment_return, name="return"),
    path("bien-nhan/<uuid:uuid>/", views.receipt, name="receipt"),
    path("lap-hoa-don/<uuid:uuid>/", views.desk_bill, name="desk-bill"),
    path("xac-nhan-chuyen-khoan/<uuid:uuid>/", views.confirm_transfer, name="confirm-transfer"),
    path("thong-bao/", views.callback, name="callback"),
    path("cong-thu-nghiem/<str:reference>/", views.sandbox, name="sandbox"),
]
