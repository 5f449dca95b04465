from django.urls import path, re_path

from . import views
from .main import api

urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
