"""Production: all from the environment; refuses to start when a required value is missing."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, env_bool

REQUIRED = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "RATHAUS_ENCRYPTION_KEYS",
    "RATHAUS_HASH_KEY",
)
_missing = [name for name in REQUIRED if not os.environ.get(name, "").strip()]
# Uploads are scanned by clamd; running without a scanner is an explicit, documented choice.
if not os.environ.get("CLAMD_SOCKET", "").strip() and not env_bool("RATHAUS_NO_VIRUS_SCANNER"):
    _missing.append("CLAMD_SOCKET (or RATHAUS_NO_VIRUS_SCANNER=1 to run without a virus scanner)")
if _missing:
    raise ImproperlyConfigured(
        "Rathaus production settings refuse to start. Missing environment variable(s): "
        + ", ".join(_missing)
        + ". See docs/operations.md."
    )

DEBUG = False
RATHAUS_DEMO = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING["handlers"]["console"]["formatter"] = "json"
# Django warns of every 4xx answer ("Conflict: /api/v1/holds"): in a release storm that is a line
# for every citizen who lost the race, and the lines are a twentieth of a refusal's CPU. The
# proxy's access log and the metrics (rathaus_http_requests_total by status) count 4xx answers;
# 5xx answers are still logged as errors.
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}
