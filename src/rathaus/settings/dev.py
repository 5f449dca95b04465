"""Local demo: SQLite, demo pages on, mail to the demo outbox. Never use in production."""

import os

os.environ.setdefault("RATHAUS_DEMO", "1")

from .base import *  # noqa: F403
from .base import VAR_DIR, env_list
from .published_keys import DEMO_ENCRYPTION_KEY, DEMO_HASH_KEY

DEBUG = os.environ.get("DEBUG", "0") == "1"
RATHAUS_DEMO = True
# `make demo` serves on port 8000 (PORT=… to change it, which sets this too).
RATHAUS_PUBLIC_PORT = os.environ.get("RATHAUS_PUBLIC_PORT", "8000").strip()
SECRET_KEY = os.environ.get("SECRET_KEY") or "demo-only-secret-key-not-for-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [".localhost", "127.0.0.1", "localhost", "[::1]"]
# Fixed demo keys so the demo database stays readable across restarts; production supplies its own.
RATHAUS_ENCRYPTION_KEYS = os.environ.get("RATHAUS_ENCRYPTION_KEYS") or DEMO_ENCRYPTION_KEY
RATHAUS_HASH_KEY = os.environ.get("RATHAUS_HASH_KEY") or DEMO_HASH_KEY
EMAIL_BACKEND = "rathaus.notifications.backends.OutboxBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
