from django.urls import path

from . import views

app_name = "kiosk"

urlpatterns = [
    path("", views.start, name="start"),
    path("einrichten/", views.enrol, name="enrol"),
    path("fertig/", views.done, name="done"),
    path("aktiv/", views.alive, name="alive"),
    path("anzeige/", views.display, name="display"),
    path("wartenummer/", views.walk_in, name="walk_in"),
    path("einchecken/", views.check_in, name="check_in"),
    path("nummer/", views.ticket, name="ticket"),
]
