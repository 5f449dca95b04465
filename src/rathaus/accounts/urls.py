from django.urls import path

from . import views
from .identity.demo_bundid import views as demo_bundid_views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("anmelden/", views.login_view, name="login"),
    path("anmelden/code/", views.login_code, name="login_code"),
    path("mitarbeitende/anmelden/", views.login_view, {"staff": True}, name="staff_login"),
    path("abmelden/", views.logout_view, name="logout"),
    path("registrieren/", views.register, name="register"),
    path("registrieren/gesendet/", views.register_done, name="register_done"),
    path("bestaetigen/<str:token>/", views.verify_email, name="verify_email"),
    path("bestaetigen-erneut/", views.resend_verification, name="resend_verification"),
    path("passwort-vergessen/", views.password_reset, name="password_reset"),
    path("passwort-vergessen/gesendet/", views.password_reset_done, name="password_reset_done"),
    path(
        "passwort-neu/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("passwort-neu/fertig/", views.password_reset_complete, name="password_reset_complete"),
    path("daten/", views.profile_edit, name="profile_edit"),
    path("zwei-faktor/", views.totp_setup, name="totp_setup"),
    path("zwei-faktor/ausschalten/", views.totp_remove, name="totp_remove"),
    path("loeschen/", views.account_delete, name="delete"),
    path("geloescht/", views.delete_done, name="delete_done"),
    path("identifizieren/", views.identify, name="identify"),
    path("demo/totp/", views.demo_totp, name="demo_totp"),
    path("demo/bundid/", demo_bundid_views.demo_bundid_login, name="demo_bundid"),
]
