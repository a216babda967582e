from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("sau-dang-nhap/", views.after_login, name="after-login"),
    path("lam-viec/", views.workspace, name="workspace"),
]
