from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FuehrungszeugnisConfig(AppConfig):
    """An app of its own only for the outbox of messages to the federal register (its model and
    migrations); the procedure itself is a plugin like the others."""

    name = "rathaus.procedures.fuehrungszeugnis"
    label = "fuehrungszeugnis"
    verbose_name = _("Führungszeugnis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: models are loaded only once the app registry is ready.
        from rathaus.cases.plugin import prefill_sources

        from .subject import ChildRegisterSource

        prefill_sources.register(ChildRegisterSource.key)(ChildRegisterSource())
