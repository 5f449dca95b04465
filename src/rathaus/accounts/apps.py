from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "rathaus.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Registers the signal handlers; models exist only once the app registry is ready.
        from . import signals  # noqa: F401
