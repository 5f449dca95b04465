"""The election office's screens (``/verwaltung/briefwahl/``), for the town's staff."""

from django.urls import path

from . import views

app_name = "elections_office"

urlpatterns = [
    path("", views.office_elections, name="elections"),
    path("<uuid:election_id>/", views.office_election, name="election"),
    path("<uuid:election_id>/pruefen/", views.office_queue, name="queue"),
    path(
        "<uuid:election_id>/antraege/<str:reference>/",
        views.office_application,
        name="application",
    ),
    path(
        "<uuid:election_id>/antraege/<str:reference>/vollmacht/",
        views.office_authority,
        name="authority",
    ),
    path("<uuid:election_id>/ausstellen/", views.office_issue_all, name="issue_all"),
    path("<uuid:election_id>/wahlscheine/", views.office_wahlscheine, name="wahlscheine"),
    path(
        "<uuid:election_id>/wahlscheine/<int:number>/ungueltig/",
        views.office_invalidate,
        name="invalidate",
    ),
    path("<uuid:election_id>/listen/<slug:kind>.pdf", views.office_pdf, name="pdf"),
]
