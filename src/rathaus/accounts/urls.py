from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("anmelden/", auth_views.LoginView.as_view(), name="login"),
    path("mitarbeitende/anmelden/", auth_views.LoginView.as_view(), name="staff_login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.profile, name="profile"),
    path("demo/totp/", views.demo_totp, name="demo_totp"),
    path("demo/bundid/", views.demo_bundid, name="demo_bundid"),
]
