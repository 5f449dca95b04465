from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("", views.book_services, name="book"),
    path("leistung/<slug:slug>/", views.book_services, name="book_service"),
    path("anzahl/", views.book_counts, name="book_counts"),
    path("anliegen/<str:reference>/", views.book_for_case, name="book_for_case"),
    path("standort/", views.book_office, name="book_office"),
    path("tag/", views.book_day, name="book_day"),
    path("uhrzeit/", views.book_time, name="book_time"),
    path("angaben/", views.book_details, name="book_details"),
    path("gesendet/", views.book_sent, name="book_sent"),
    path("bestaetigen/<str:token>/", views.booking_finalise_view, name="finalise"),
    path("absagen/<str:code>/<str:token>/", views.booking_cancel_view, name="cancel"),
    path("verschieben/<str:code>/<str:token>/", views.booking_move_view, name="move"),
    path("anzeige/<slug:office>/", views.call_display_page, name="call_display"),
    path("anzeige/<slug:office>/daten/", views.call_display_data, name="call_display_data"),
    path("schalter/<slug:office>/", views.counter_screen, name="counter_screen"),
    path("einchecken/<slug:office>/", views.check_in_page, name="check_in"),
    path("wartenummer/<slug:office>/", views.walk_in_page, name="walk_in"),
    path("termin/<str:code>/<str:token>/", views.booking_page, name="booking"),
    path("statistik/<slug:office>/", views.statistics_page, name="statistics"),
    path("verwaltung/<slug:office>/tag/", views.day_view_page, name="day_view"),
    path("kalender/<str:code>/<str:token>/", views.booking_calendar_view, name="calendar"),
]
