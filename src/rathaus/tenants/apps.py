from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "rathaus.tenants"
    label = "tenants"
    verbose_name = _("Municipalities")

    def ready(self):
        from . import signals  # noqa: F401
