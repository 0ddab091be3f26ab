from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from parindex.accounts import views

app_name = "accounts"

urlpatterns = [
    path(
        "dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("mat-khau/doi/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mat-khau/doi/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "mat-khau/quen/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "mat-khau/quen/da-gui/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mat-khau/dat-lai/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "mat-khau/dat-lai/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tai-khoan/", views.user_list, name="user_list"),
    path("tai-khoan/them/", views.user_create, name="user_create"),
    path("tai-khoan/<int:pk>/", views.user_detail, name="user_detail"),
    path("tai-khoan/<int:pk>/vai-tro/", views.grant_create, name="grant_create"),
    path(
        "tai-khoan/<int:pk>/vai-tro/<int:grant_pk>/thu-hoi/",
        views.grant_revoke,
        name="grant_revoke",
    ),
    path("tai-khoan/<int:pk>/kich-hoat/", views.user_set_active, name="user_set_active"),
    path("tai-khoan/<int:pk>/sua/", views.user_edit, name="user_edit"),
    path("tai-khoan/<int:pk>/mat-khau/", views.user_set_password, name="user_set_password"),
    path("bao-mat/", views.two_factor_page, name="two_factor"),
    path("bao-mat/tat/", views.two_factor_disable, name="two_factor_disable"),
    path("dang-nhap/ma-xac-thuc/", views.two_factor_verify, name="two_factor_verify"),
]
