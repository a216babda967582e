from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("sau-dang-nhap/", views.after_login, name="after-login"),
    path("dang-ky/", views.signup, name="signup"),
    path("dang-ky/xac-nhan/", views.signup_confirm, name="signup-confirm"),
    path("quen-mat-khau/", views.password_reset, name="password-reset"),
    path("quen-mat-khau/dat-lai/", views.password_reset_confirm, name="password-reset-confirm"),
    path("xac-thuc-hai-lop/cai-dat/", views.two_factor_setup, name="two-factor-setup"),
    path("xac-thuc-hai-lop/", views.two_factor_verify, name="two-factor-verify"),
    path("bao-mat/", views.security, name="security"),
    path("bao-mat/ma-du-phong/", views.backup_codes_regenerate, name="backup-codes"),
    path("bao-mat/ma-truy-cap-api/", views.api_token_create, name="api-token-create"),
    path("bao-mat/ma-truy-cap-api/<uuid:token_uuid>/thu-hoi/", views.api_token_revoke_view, name="api-token-revoke"),
    path("ho-so-ca-nhan/", views.profile, name="profile"),
    path("lam-viec/", views.workspace, name="workspace"),
    path("lam-viec/can-bo/", views.official_list, name="official-list"),
    path("lam-viec/can-bo/<uuid:official_uuid>/", views.official_detail, name="official-detail"),
    path("lam-viec/can-bo/<uuid:official_uuid>/vai-tro/", views.official_roles, name="official-roles"),
]
