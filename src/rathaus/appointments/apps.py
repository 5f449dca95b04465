from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "rathaus.appointments"
    label = "appointments"

    def ready(self):
        # Imported here: models are loaded only once the app registry is ready.
        from rathaus.cases.plugin import journey_services

        from .case_bookings import CaseBookings

        journey_services.provide(CaseBookings.name, CaseBookings())
