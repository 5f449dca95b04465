from django.apps import AppConfig


def _procedure_for_service(service_slug: str) -> str | None:
    from .plugin import procedures  # the registry reads settings: import after Django is set up

    return next(
        (procedure.key for procedure in procedures() if procedure.service_slug == service_slug),
        None,
    )


class CasesConfig(AppConfig):
    name = "rathaus.cases"
    label = "cases"

    def ready(self):
        # Imported here: models are loaded only once the app registry is ready.
        from rathaus.catalogue.selectors import online_procedure_finder_set

        # The catalogue sits below the engine: tell it which services have an online procedure.
        online_procedure_finder_set(_procedure_for_service)
