from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("impressum/", views.legal_page, {"page": "imprint"}, name="imprint"),
    path("datenschutz/", views.legal_page, {"page": "privacy"}, name="privacy"),
    path("barrierefreiheit/", views.legal_page, {"page": "accessibility"}, name="accessibility"),
    path(
        "barrierefreiheit/rueckmeldung/",
        views.accessibility_feedback,
        name="accessibility_feedback",
    ),
    path(
        "barrierefreiheit/rueckmeldung/gesendet/",
        views.accessibility_feedback_sent,
        name="accessibility_feedback_sent",
    ),
    path("leichte-sprache/", views.easy_language, name="easy_language"),
    path("gebaerdensprache/", views.sign_language, name="sign_language"),
    path("gebaerdensprache/video", views.sign_language_video, name="sign_language_video"),
    path("theme.css", views.theme_css, name="theme"),
    path("logo", views.logo, name="logo"),
    path("demo/", views.demo_tools, name="demo"),
    path("sprache/<str:code>/", views.language_switch, name="language"),
]

urlpatterns += [path("", views.home, name="home")]
