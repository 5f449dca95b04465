from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "rathaus.cases"
    label = "cases"
