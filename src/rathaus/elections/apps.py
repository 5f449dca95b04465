from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "rathaus.elections"
    label = "elections"
    verbose_name = _("Elections and postal vote")
