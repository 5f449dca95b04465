"""Test settings: fast hashing, tasks run immediately, mail to the outbox table."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, PROJECT_DIR
from .published_keys import TEST_ENCRYPTION_KEY, TEST_HASH_KEY

RATHAUS_DEMO = True
# The demo register with a few households: the tests load the demo data often.
RATHAUS_DEMO_RESIDENTS = 40
RATHAUS_PUBLIC_PORT = ""  # links name the bare host, whatever the environment says
SECRET_KEY = "test-secret-key"
ALLOWED_HOSTS = [".localhost", "127.0.0.1", "localhost", "testserver"]
RATHAUS_ENCRYPTION_KEYS = TEST_ENCRYPTION_KEY
RATHAUS_HASH_KEY = TEST_HASH_KEY
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "rathaus.notifications.backends.OutboxBackend"
# Case update mails leave at once; tests of the bundling set a window.
RATHAUS_CASE_MAIL_BUNDLE_SECONDS = 0
WHITENOISE_USE_FINDERS = True
HUEY = {"huey_class": "rathaus.core.huey.MemoryHuey", "name": "rathaus-test", "immediate": True}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # No page cache across tests; tests/core/test_page_cache.py turns it on where it is tested.
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    # Kept as in production: a fragment's key names all it shows, so no test sees another's.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rathaus-test-fragments",
    },
}
if not os.environ.get("DATABASE_URL"):
    DATABASES["default"] = {"ENGINE": "rathaus.core.db.sqlite3", "NAME": ":memory:"}
    # A file (not :memory:) so live-server threads share it; one per test run so that runs
    # side by side do not collide. The test runner deletes it at the end.
    DATABASES["default"]["TEST"] = {
        "NAME": str(PROJECT_DIR / "var" / f"test-{os.getpid()}.sqlite3")
    }
(PROJECT_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
