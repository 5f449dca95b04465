from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "rathaus.register"
    label = "register"
    verbose_name = _("Resident register")

    def ready(self):
        # Imported here: models are loaded only once the app registry is ready.
        from rathaus.cases.plugin import journey_services, prefill_sources

        from .interface import RegisterSource, resident_register

        # Procedures reach the register, and pre-fill from it, through the case engine.
        journey_services.provide("register", resident_register())
        prefill_sources.register(RegisterSource.key)(RegisterSource())
