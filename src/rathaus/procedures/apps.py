from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    """Registered as an app so that the procedures' own translation catalogue is found."""

    name = "rathaus.procedures"
    label = "procedures"
    verbose_name = _("Procedures")
