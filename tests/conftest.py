import os
import socket
import uuid

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client

from rathaus.accounts.selectors import staff_choices_cache_clear
from rathaus.appointments.selectors import short_cache
from rathaus.cases.plugin import ProcedureRegistry, registry_override
from rathaus.catalogue import demo as catalogue_demo
from rathaus.catalogue.selectors import offering_cache_clear
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


def pytest_collection_modifyitems(items):
    """Every test that drives Chromium is a browser test (``make test-fast`` leaves them out),
    whether or not its module says so."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def pytest_runtest_setup(item):
    """Tests marked ``postgres_only`` run against PostgreSQL only (``DATABASE_URL``)."""
    if item.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL): what it tests exists only there — row locks "
            "between connections, the planner's statistics, the server's connection handling"
        )


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only after the test database exists. Started first
    (a test run alone), it would see SQLite's ``:memory:`` name, share the test's connection with
    its thread and close it under the test ("Cannot operate on a closed database")."""
    return live_server


@pytest.fixture(autouse=True)
def _empty_cache():
    """Host lookups are cached by primary key; on PostgreSQL a rolled-back test leaves the cache
    pointing at ids that no longer exist (sequences are not rolled back)."""
    cache.clear()
    short_cache().clear()
    municipality_cache_clear()
    offering_cache_clear()
    staff_choices_cache_clear()
    yield
    cache.clear()
    short_cache().clear()
    municipality_cache_clear()
    offering_cache_clear()
    staff_choices_cache_clear()


# Redis for the tests that count in the cache (proof-of-work difficulty, throttles); .ci/run sets
# it. Keys get a prefix of their own per test, so nothing is flushed and runs side by side do not
# see each other's counters.
TEST_REDIS_URL = os.environ.get("RATHAUS_TEST_REDIS_URL", "")


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    """The default cache as local memory (one process) and as Redis (shared by all processes, as
    in production with ``REDIS_URL``): counters and limits must hold with both."""
    if request.param == "redis":
        if not TEST_REDIS_URL:
            pytest.skip("set RATHAUS_TEST_REDIS_URL (as .ci/run does) to test against Redis")
        prefix = f"rathaus-test-{uuid.uuid4().hex}"
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": TEST_REDIS_URL,
                "KEY_PREFIX": prefix,
            },
        }
        assert type(caches["default"]).__name__ == "RedisCache"
        # Taken now: a test may put another cache in its place (``unreachable_cache``).
        client = caches["default"]._cache.get_client(write=True)
        yield request.param
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()
        yield request.param


class Clock:
    """A monotonic clock the test moves by hand (``clock.now += 2``)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache switched on (the test settings use a dummy one)."""
    settings.CACHES = {
        **settings.CACHES,
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


@pytest.fixture
def procedure_variant(procedure_registry):
    """``procedure_variant(key, four_eyes=True)``: this test's own variant of an installed
    procedure, with some declarations changed; every other test sees the installed one."""

    def swap(key: str, **declarations):
        base = type(procedure_registry.get(key))
        variant = type(f"{base.__name__}Variant", (base,), declarations)
        procedure_registry.swap(variant)
        return procedure_registry.get(key)

    return swap


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


@pytest.fixture
def cache_unreachable_make(settings):
    """A function that makes the default cache Redis on a loopback port where nothing listens —
    what the web tier meets while Redis restarts — from the moment it is called."""

    def make():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]  # free now, and nothing is started on it
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.5},
            },
        }
        return caches["default"]

    return make


@pytest.fixture
def unreachable_cache(cache_unreachable_make):
    """The default cache out of reach for the whole test (``cache_unreachable_make``)."""
    return cache_unreachable_make()
