"""Settings shared by every environment. Everything that differs comes from the environment."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/rathaus
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("RATHAUS_VAR_DIR", PROJECT_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

# "demo" turns on the demo-only pages (outbox, TOTP codes, demo BundID, demo payment platform).
RATHAUS_DEMO = env_bool("RATHAUS_DEMO", False)
# The port in links that leave a request (e-mails, PDFs, QR codes); empty behind a proxy on 443.
RATHAUS_PUBLIC_PORT = os.environ.get("RATHAUS_PUBLIC_PORT", "").strip()

# The online procedures this installation offers (a town offers one where its catalogue enables
# the procedure's service). A neighbouring town's own procedure package is added here.
RATHAUS_PROCEDURES = [
    "rathaus.procedures.general_request.procedure.GeneralRequest",
]

INSTALLED_APPS = [
    "rathaus.accounts.admin_site.RathausAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    "ninja",
    "rathaus.core",
    "rathaus.tenants",
    "rathaus.accounts",
    "rathaus.catalogue",
    "rathaus.notifications",
    "rathaus.cases",
    "rathaus.procedures",
    "rathaus.documents",
    "rathaus.appointments",
    "rathaus.payments",
    "rathaus.backoffice",
    "rathaus.api",
    "rathaus.web",
]

MIDDLEWARE = [
    "rathaus.core.middleware.TrustedProxyMiddleware",
    "rathaus.core.middleware.SecurityHeadersMiddleware",
    "rathaus.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before MunicipalityMiddleware, so the unknown-host page is in the visitor's language too.
    "django.middleware.locale.LocaleMiddleware",
    "rathaus.tenants.middleware.MunicipalityMiddleware",
    "rathaus.core.page_cache.PublicPageCacheMiddleware",
    # Django's session, CSRF, auth, messages and django-otp's middleware, each skipped by an
    # API call that carries no cookie at all (rathaus.accounts.browser_middleware).
    "rathaus.accounts.browser_middleware.BrowserSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "rathaus.accounts.browser_middleware.BrowserCsrfViewMiddleware",
    "rathaus.accounts.browser_middleware.BrowserAuthenticationMiddleware",
    "rathaus.accounts.browser_middleware.BrowserOTPMiddleware",
    "rathaus.accounts.browser_middleware.BrowserSessionIdleTimeoutMiddleware",
    "rathaus.accounts.browser_middleware.BrowserMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Reverse proxies whose X-Forwarded-For is believed (core.middleware.TrustedProxyMiddleware), as
# comma-separated addresses or networks, e.g. "127.0.0.1,10.0.0.0/8". Empty: the TCP peer counts.
RATHAUS_TRUSTED_PROXIES = [
    ipaddress.ip_network(entry.strip(), strict=False)
    for entry in os.environ.get("RATHAUS_TRUSTED_PROXIES", "").split(",")
    if entry.strip()
]

ROOT_URLCONF = "rathaus.urls"
WSGI_APPLICATION = "rathaus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rathaus.tenants.context_processors.municipality",
                "rathaus.cases.context_processors.my_requests",
                "rathaus.appointments.context_processors.opening_hours",
                "rathaus.backoffice.context_processors.staff_navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rathaus.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip (rathaus.core.db).
    DATABASES["default"]["ENGINE"] = "rathaus.core.db.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["rathaus.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static", PROJECT_DIR / "frontend" / "dist"]
# Uploaded files (logos, later attachments) live outside the static root and are served by views.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("RATHAUS_PRIVATE_STORAGE", VAR_DIR / "private"))
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
# Virus scan of uploads through clamd's Unix socket (off when empty).
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
MEDIA_URL = "/media/"

# Sessions end after 30 minutes without a request (see SessionIdleTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", "1800"))
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Encryption of personal data at rest: "keyid:base64-32-bytes", comma separated, first one encrypts.
RATHAUS_ENCRYPTION_KEYS = os.environ.get("RATHAUS_ENCRYPTION_KEYS", "")
RATHAUS_HASH_KEY = os.environ.get("RATHAUS_HASH_KEY", "")
# Proof-of-work difficulty of the appointment challenge; a benchmark may lower it and says so.
RATHAUS_POW_MAX_NUMBER = int(os.environ.get("RATHAUS_POW_MAX_NUMBER", "50000"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "rathaus", "url": REDIS_URL, "immediate": False}
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "rathaus",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole public pages for anonymous visitors (rathaus.core.page_cache): kept in each process, so a
# change in the admin shows on every process within this many seconds.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "30"))
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "rathaus-pages",
    "TIMEOUT": PUBLIC_PAGE_CACHE_SECONDS,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rathaus@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Login throttling: failures allowed per window, per account and per client address.
LOGIN_THROTTLE_MAX_PER_ACCOUNT = 5
LOGIN_THROTTLE_MAX_PER_IP = 20
LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "rathaus.core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
