"""The citizen's pages of the postal vote (``/briefwahl/``)."""

from django.urls import path

from . import views

app_name = "elections"

urlpatterns = [
    path("", views.start, name="start"),
    path("<uuid:election_id>/antrag/", views.apply, name="apply"),
    path("antrag/<str:reference>/", views.confirmation, name="confirmation"),
    path("status/", views.status, name="status"),
]
