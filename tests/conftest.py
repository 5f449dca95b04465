import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client

from rathaus.accounts.selectors import staff_choices_cache_clear
from rathaus.appointments.selectors import short_cache
from rathaus.cases.plugin import ProcedureRegistry, registry_override
from rathaus.catalogue import demo as catalogue_demo
from rathaus.tenants import demo as tenants_demo
from rathaus.tenants.selectors import municipality_cache_clear

# The browser harness's fixtures are registered once, here: a session fixture defined in several
# conftests would start one Chromium (and one Playwright event loop) per folder, which collide.
from tests.browser.harness import (  # noqa: F401
    browser,
    demo_data,
    new_page,
    server,
    town_url,
)


def pytest_runtest_setup(item):
    """Tests marked ``postgres_only`` run against PostgreSQL only (``DATABASE_URL``)."""
    if item.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises all writes, so it cannot show row-level races, "
            "and the project's PostgreSQL backend is not in use (set DATABASE_URL)"
        )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Host lookups are cached by primary key; on PostgreSQL a rolled-back test leaves the cache
    pointing at ids that no longer exist (sequences are not rolled back)."""
    cache.clear()
    short_cache().clear()
    municipality_cache_clear()
    staff_choices_cache_clear()
    yield
    cache.clear()
    short_cache().clear()
    municipality_cache_clear()
    staff_choices_cache_clear()


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache switched on (the test settings use a dummy one)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    }
    caches["pages"].clear()
    yield caches["pages"]
    caches["pages"].clear()


@pytest.fixture
def procedure_registry():
    """A procedure registry of this test's own: the installed procedures, plus any the test
    adds (``procedure_registry.add(MyProcedure)``); the installed one is back afterwards."""
    with registry_override(ProcedureRegistry.from_settings()) as registry:
        yield registry


@pytest.fixture(autouse=True)
def _mail_to_outbox_table(settings):
    """Django's test runner switches mail to the locmem backend; keep the project's promise that
    mail sent in tests lands in notifications.OutboxMessage (encrypted, like in the demo)."""
    settings.EMAIL_BACKEND = "rathaus.notifications.backends.OutboxBackend"


@pytest.fixture
def towns(db):
    """The two demo municipalities: (Norderstedt, Reinbek), each offering the demo catalogue
    (the case engine starts a procedure only where the town offers its service)."""
    norderstedt, reinbek = tenants_demo.load()
    catalogue_demo.load()
    return norderstedt, reinbek


@pytest.fixture
def norderstedt(towns):
    return towns[0]


@pytest.fixture
def reinbek(towns):
    return towns[1]


@pytest.fixture
def nor_client(client):
    """A test client that talks to Norderstedt's host."""
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    return client


@pytest.fixture
def rei_client(db):
    """A separate test client that talks to Reinbek's host (its own cookies and session), so a
    test may use ``nor_client`` and ``rei_client`` side by side."""
    return Client(HTTP_HOST="reinbek.localhost")
