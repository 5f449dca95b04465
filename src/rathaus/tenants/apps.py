from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "rathaus.tenants"
    label = "tenants"
    verbose_name = _("Municipalities")

    def ready(self):
        # Registers the signal handlers; models exist only once the app registry is ready.
        from . import signals  # noqa: F401
