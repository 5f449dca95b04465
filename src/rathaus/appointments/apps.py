from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "rathaus.appointments"
    label = "appointments"
