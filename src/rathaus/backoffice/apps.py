from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "rathaus.backoffice"
    label = "backoffice"
