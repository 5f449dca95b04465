from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rathaus.core"
    label = "core"

    def ready(self):
        # Registers the deployment checks and the task counters (in the worker too, which loads
        # no middleware); the metrics need the task queue, configured once apps are ready.
        from . import checks, metrics  # noqa: F401
