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
# The resident register Rathaus speaks to (a town's own register product plugs in here).
RATHAUS_RESIDENT_REGISTER = os.environ.get(
    "RATHAUS_RESIDENT_REGISTER", "rathaus.register.interface.BuiltinRegister"
)

# A queued e-mail the mail server never took is deleted after this many days (it is encrypted
# meanwhile; the operator sees the count in the log).
RATHAUS_QUEUED_EMAIL_DAYS = int(os.environ.get("RATHAUS_QUEUED_EMAIL_DAYS", "7"))
# A queued e-mail still waiting this many seconds after it was due is handed to the worker again
# (every minute): its task was lost with a killed worker or a restarted Redis.
RATHAUS_QUEUED_EMAIL_RESEND_SECONDS = int(
    os.environ.get("RATHAUS_QUEUED_EMAIL_RESEND_SECONDS", "300")
)
# Updates to one case within this many seconds of the first reach its applicant as one e-mail.
RATHAUS_CASE_MAIL_BUNDLE_SECONDS = int(os.environ.get("RATHAUS_CASE_MAIL_BUNDLE_SECONDS", "120"))

# Invented residents per demo town in the demo register (the tests load fewer).
RATHAUS_DEMO_RESIDENTS = int(os.environ.get("RATHAUS_DEMO_RESIDENTS", "2000"))
# Anmeldung: how many days ahead of moving in one may register online (the town's policy; §17(1)
# BMG sets only the two weeks after), and how long an assignment code (§19(4) BMG) stays valid.
RATHAUS_ANMELDUNG_DAYS_AHEAD = int(os.environ.get("RATHAUS_ANMELDUNG_DAYS_AHEAD", "7"))
RATHAUS_ASSIGNMENT_CODE_DAYS = int(os.environ.get("RATHAUS_ASSIGNMENT_CODE_DAYS", "90"))
# How long the other parent's consent code of an Anmeldung with a child stays valid (the
# registration waits that long for the consent online, then the clerk looks at it).
RATHAUS_CUSTODY_CONSENT_DAYS = int(os.environ.get("RATHAUS_CUSTODY_CONSENT_DAYS", "14"))
# The demo's stand-in for the eWA connection: a folder per town with incoming XMeld-1704 files.
RATHAUS_EWA_DROP_DIR = os.environ.get("RATHAUS_EWA_DROP_DIR", str(VAR_DIR / "ewa"))

RATHAUS_PROCEDURES = [
    "rathaus.procedures.general_request.procedure.GeneralRequest",
    "rathaus.procedures.meldebescheinigung.procedure.Meldebescheinigung",
    "rathaus.procedures.uebermittlungssperren.procedure.Uebermittlungssperren",
    "rathaus.procedures.auskunftssperre.procedure.Auskunftssperre",
    "rathaus.procedures.meldedatensatz.procedure.Meldedatensatz",
    "rathaus.procedures.abmeldung.procedure.Abmeldung",
    "rathaus.procedures.personalausweis.procedure.Personalausweis",
    "rathaus.procedures.wohnungsgeber.procedure.Wohnungsgeberbestaetigung",
    "rathaus.procedures.anmeldung.procedure.Anmeldung",
    "rathaus.procedures.anmeldung.procedure.Ummeldung",
    "rathaus.procedures.fuehrungszeugnis.procedure.Fuehrungszeugnis",
    "rathaus.procedures.accessibility_feedback.procedure.AccessibilityFeedback",
]

# How applications for a Führungszeugnis reach the federal register (a state's gateway plugs in
# here); the demo connector reaches nothing and confirms receipt after the delay below.
RATHAUS_BZR_CONNECTOR = os.environ.get(
    "RATHAUS_BZR_CONNECTOR", "rathaus.procedures.fuehrungszeugnis.connector.DemoBzrConnector"
)
RATHAUS_BZR_DEMO_CONFIRM_SECONDS = int(os.environ.get("RATHAUS_BZR_DEMO_CONFIRM_SECONDS", "30"))

INSTALLED_APPS = [
    "rathaus.accounts.admin_site.RathausAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "huey.contrib.djhuey",
    "ninja",
    "rathaus.core",
    "rathaus.tenants",
    "rathaus.accounts",
    "rathaus.catalogue",
    "rathaus.notifications",
    "rathaus.cases",
    "rathaus.procedures",
    "rathaus.procedures.fuehrungszeugnis",
    "rathaus.documents",
    "rathaus.appointments",
    "rathaus.payments",
    "rathaus.register",
    "rathaus.elections",
    "rathaus.backoffice",
    "rathaus.api",
    "rathaus.web",
    "rathaus.kiosk",
]

MIDDLEWARE = [
    # Outermost: the request id is set for every log line, and the metrics time the whole stack.
    "rathaus.core.request_id.RequestIdMiddleware",
    "rathaus.core.metrics.MetricsMiddleware",
    "rathaus.core.middleware.TrustedProxyMiddleware",
    "rathaus.core.middleware.SecurityHeadersMiddleware",
    "rathaus.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before MunicipalityMiddleware, so the unknown-host page is in the visitor's language too.
    "django.middleware.locale.LocaleMiddleware",
    "rathaus.tenants.middleware.MunicipalityMiddleware",
    "rathaus.core.uploads.RequestSizeLimitMiddleware",
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
    # After sessions and authentication: marks and limits a Bürgerterminal's requests.
    "rathaus.kiosk.middleware.KioskMiddleware",
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
                "rathaus.kiosk.context_processors.kiosk",
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
    # A kept connection is checked with a round trip before a request's first query
    # (CONN_HEALTH_CHECKS). TCP keepalives and a user timeout end a half-open connection (a
    # failover that sent no reset) within about half a minute rather than the kernel's hours.
    # Values given in DATABASE_URL's query string win.
    for option, value in {
        "connect_timeout": 10,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "tcp_user_timeout": 30_000,
    }.items():
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(option, value)
    # Values travel apart from the statement (server-side binding), so a statement's text is the
    # same whatever its values, and one a connection has run five times is prepared: PostgreSQL
    # parses and plans it once per connection, not on every request (docs/adr/0007). Behind a
    # PgBouncer older than 1.21 or without max_prepared_statements: DB_PREPARED_STATEMENTS=0.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    if env_bool("DB_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
    # Behind PgBouncer in transaction pooling mode (docs/operations.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
        "DB_DISABLE_SERVER_SIDE_CURSORS", False
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, a busy timeout, IMMEDIATE transactions and a private file (rathaus.core.db.sqlite3).
    DATABASES["default"]["ENGINE"] = "rathaus.core.db.sqlite3"
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
# A password-reset link works once (the token depends on the password hash) and for one hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# British English dates on English pages (rathaus/formats/en/formats.py).
FORMAT_MODULE_PATH = ["rathaus.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static", PROJECT_DIR / "frontend" / "dist"]
# Uploaded files (logos, later attachments) live outside the static root and are served by views.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("RATHAUS_PRIVATE_STORAGE", VAR_DIR / "private"))
# Where the encrypted files live (core.storage): "filesystem" (PRIVATE_STORAGE_ROOT) or "database"
# (every web process on every machine reaches them without a shared folder).
RATHAUS_FILE_STORE = os.environ.get("RATHAUS_FILE_STORE", "filesystem").strip() or "filesystem"
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
# Largest request body accepted (uploads included): a bigger one is refused from its
# Content-Length before a byte is read, and an upload is cut off once it grows past this.
RATHAUS_MAX_REQUEST_BYTES = int(os.environ.get("RATHAUS_MAX_REQUEST_BYTES", str(12 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "rathaus.core.uploads.SizeCapUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Virus scan of uploads through clamd's Unix socket (off when empty).
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
MEDIA_URL = "/media/"

# Sessions end after 30 minutes without a request (see SessionIdleTimeoutMiddleware).
# Bürgerterminal: a visitor's session is wiped after this many seconds without input; the page
# counts the last RATHAUS_KIOSK_COUNTDOWN_SECONDS down visibly (docs/kiosk.md).
RATHAUS_KIOSK_IDLE_SECONDS = int(os.environ.get("RATHAUS_KIOSK_IDLE_SECONDS", "120"))
RATHAUS_KIOSK_COUNTDOWN_SECONDS = int(os.environ.get("RATHAUS_KIOSK_COUNTDOWN_SECONDS", "30"))
# Other hosts a terminal may open (comma-separated host[:port]): the identity provider's login.
RATHAUS_KIOSK_ALLOWED_HOSTS = [
    name.strip()
    for name in os.environ.get("RATHAUS_KIOSK_ALLOWED_HOSTS", "").split(",")
    if name.strip()
]
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
# The bearer token that opens /metrics (core.metrics); empty: the page does not exist.
RATHAUS_METRICS_TOKEN = os.environ.get("RATHAUS_METRICS_TOKEN", "")
if REDIS_URL:
    HUEY = {
        "huey_class": "rathaus.core.huey.RedisHuey",
        "name": "rathaus",
        "url": REDIS_URL,
        "immediate": False,
    }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    HUEY = {
        "huey_class": "rathaus.core.huey.PrivateSqliteHuey",
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
# Rendered template fragments that look the same for everyone who is shown them (``{% cache ...
# using="fragments" %}``, e.g. the inbox's filter selects): kept in each process, under a key made
# of everything the fragment shows, so that a change is another key and nothing shown is stale.
# The lifetime only bounds the memory of fragments no longer asked for.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "rathaus-fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rathaus@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Login throttling (rathaus.accounts.throttle): no lockout; after this many free failures in a
# scope each further attempt waits a doubling delay of at most LOGIN_THROTTLE_MAX_DELAY seconds.
LOGIN_THROTTLE_FREE_PER_PAIR = 5  # one account from one address, or from one known browser
LOGIN_THROTTLE_FREE_PER_ACCOUNT = 20  # one account from anywhere
LOGIN_THROTTLE_FREE_PER_ADDRESS = 50  # one address for any account
LOGIN_THROTTLE_MAX_DELAY = 15 * 60
LOGIN_THROTTLE_WINDOW_SECONDS = 60 * 60
# Password-reset mails per hour.
PASSWORD_RESET_MAX_PER_ACCOUNT = 3
PASSWORD_RESET_MAX_PER_ADDRESS = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "rathaus.core.logging.JsonFormatter"},
    },
    # Query-string values and e-mail addresses never reach a log line (core.logging.RedactFilter).
    # Each line names its request (or task) by a random id (core.request_id).
    "filters": {
        "redact": {"()": "rathaus.core.logging.RedactFilter"},
        "request_id": {"()": "rathaus.core.request_id.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint's seven "Step n" lines per PDF (and fontTools' subsetting lines, where
        # HarfBuzz-Subset is missing) say nothing an operator needs; their warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The development server's request lines ("GET /verwaltung/?search=… HTTP/1.1" 200).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
