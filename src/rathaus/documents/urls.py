from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.verify_start, name="verify_start"),
    path("<str:code>/", views.verify, name="verify"),
]
