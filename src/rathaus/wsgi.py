"""The WSGI application that production web servers load (`rathaus.wsgi:application`)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
application = get_wsgi_application()


def _warm_up() -> None:
    """Load what the first requests would load (URL patterns, and with them every view module),
    then move all objects alive at start-up out of the garbage collector's sight: they live as
    long as the process, and otherwise every full collection walks them again, which shows as
    pauses of a few milliseconds on busy pages."""
    # Django is set up only once the application object exists (above).
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URL modules and views
    gc.collect()
    gc.freeze()


_warm_up()
