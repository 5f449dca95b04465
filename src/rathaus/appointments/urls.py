from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("bestaetigen/<str:token>/", views.booking_finalise_view, name="finalise"),
    path("absagen/<str:code>/<str:token>/", views.booking_cancel_view, name="cancel"),
    path("kalender/<str:code>/<str:token>/", views.booking_calendar_view, name="calendar"),
]
