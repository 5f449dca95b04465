from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "rathaus.web"
    label = "web"
