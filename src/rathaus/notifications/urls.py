from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("demo/postausgang/", views.demo_outbox, name="demo_outbox"),
    path(
        "demo/postausgang/anhang/<int:pk>/",
        views.demo_outbox_attachment,
        name="demo_outbox_attachment",
    ),
]
