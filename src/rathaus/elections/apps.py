from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "rathaus.elections"
    label = "elections"
    verbose_name = _("Elections and postal vote")

    def ready(self):
        # Imported here: the catalogue's selectors import models, loaded once the registry is ready.
        from rathaus.catalogue.selectors import own_start_page_set

        # The catalogue's "briefwahl" service starts on this app's page, not the case engine's.
        own_start_page_set(service_slug="briefwahl", url_name="elections:start")
