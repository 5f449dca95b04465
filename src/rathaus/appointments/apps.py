from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "rathaus.appointments"
    label = "appointments"

    def ready(self):
        # Imported here: models are loaded only once the app registry is ready.
        from rathaus.cases.plugin import journey_services
        from rathaus.catalogue.selectors import appointment_finder_set

        from .case_bookings import CaseBookings
        from .selectors import service_offered_at_an_office

        # The engine reaches a case's appointment through this journey service.
        journey_services.provide(CaseBookings.name, CaseBookings())
        # The catalogue sits below: tell it which services the town's offices take bookings for.
        appointment_finder_set(service_offered_at_an_office)
