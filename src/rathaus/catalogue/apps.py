from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "rathaus.catalogue"
    label = "catalogue"
    verbose_name = _("Service catalogue")

    def ready(self):
        # Registers the signal handlers; models exist only once the app registry is ready.
        from . import signals  # noqa: F401
