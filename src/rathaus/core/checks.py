"""Rathaus's own deployment checks: ``manage.py check --deploy`` (or ``--deploy --tag rathaus``
for these alone) says in plain words what in a production configuration is wrong or unsafe.

Django's deployment checks already cover ``SECRET_KEY``, ``DEBUG``, HTTPS redirects, HSTS and
secure cookies; these cover what Rathaus adds: the keys that protect personal data, the demo
switches, and the parts several web processes must share (docs/operations.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

from rathaus.settings import published_keys

from .crypto import keyring_parse

TAG = "rathaus"
DOCS = "See docs/operations.md."

# Values that ship with the demo and test settings: known to everyone who reads the code.
KNOWN_ENCRYPTION_KEYS = {key.partition(":")[2] for key in published_keys.ENCRYPTION_KEYS}
KNOWN_HASH_KEYS = set(published_keys.HASH_KEYS)
HASH_KEY_MIN_LENGTH = 32
MAIL_BACKENDS_THAT_SEND_NOTHING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "rathaus.notifications.backends.OutboxBackend",
}
DEMO_BZR_CONNECTOR = "rathaus.procedures.fuehrungszeugnis.connector.DemoBzrConnector"


@register(TAG, deploy=True)
def keys_check(app_configs=None, **kwargs):
    """The encryption keys and the hash key: present, well-formed, not the published demo ones."""
    problems = []
    spec = settings.RATHAUS_ENCRYPTION_KEYS
    try:
        keyring_parse(spec)
    except (ImproperlyConfigured, ValueError) as exc:
        problems.append(
            Error(
                f"RATHAUS_ENCRYPTION_KEYS cannot be used: {exc}",
                hint="Give 'keyid:base64key' entries of 32 random bytes each. " + DOCS,
                id="rathaus.E001",
            )
        )
    else:
        published = [
            item.partition(":")[0]
            for item in (part.strip() for part in spec.split(","))
            if item.partition(":")[2] in KNOWN_ENCRYPTION_KEYS
        ]
        if published:
            problems.append(
                Error(
                    "RATHAUS_ENCRYPTION_KEYS contains the demo or test key "
                    f"({', '.join(published)}), which is published with the code: "
                    "anyone could read the personal data stored with it.",
                    hint="Create a key of your own and rotate to it "
                    "(manage.py rotate_encryption_keys). " + DOCS,
                    id="rathaus.E002",
                )
            )
    hash_key = settings.RATHAUS_HASH_KEY
    if hash_key in KNOWN_HASH_KEYS or len(hash_key) < HASH_KEY_MIN_LENGTH:
        problems.append(
            Error(
                "RATHAUS_HASH_KEY is the demo or test key, or shorter than "
                f"{HASH_KEY_MIN_LENGTH} characters: the keyed hashes that find e-mail addresses "
                "could be computed by anyone.",
                hint="Set 32 or more random characters before the first citizen registers; "
                "it cannot be changed later. " + DOCS,
                id="rathaus.E003",
            )
        )
    return problems


@register(TAG, deploy=True)
def demo_check(app_configs=None, **kwargs):
    """Nothing of the demo in production: no demo logins, no demo register connector."""
    problems = []
    if settings.RATHAUS_DEMO:
        problems.append(
            Error(
                "RATHAUS_DEMO is on: the demo BundID lets anyone log in as any demo resident "
                "and the demo payment platform accepts every payment.",
                hint="Use the production settings (DJANGO_SETTINGS_MODULE="
                "rathaus.settings.production) and do not set RATHAUS_DEMO. " + DOCS,
                id="rathaus.E010",
            )
        )
    if settings.RATHAUS_BZR_CONNECTOR == DEMO_BZR_CONNECTOR:
        problems.append(
            Warning(
                "The Führungszeugnis applications go to the demo connector "
                "(RATHAUS_BZR_CONNECTOR): it confirms receipt but sends nothing to the "
                "Bundesamt für Justiz.",
                hint="Configure the town's connector to the federal register, or do not offer "
                "the Führungszeugnis service. " + DOCS,
                id="rathaus.W011",
            )
        )
    if settings.EMAIL_BACKEND in MAIL_BACKENDS_THAT_SEND_NOTHING:
        problems.append(
            Warning(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no e-mail leaves the server "
                "(confirmations, password resets and appointment reminders are lost).",
                hint="Use the SMTP backend of the production settings with EMAIL_HOST. " + DOCS,
                id="rathaus.W012",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "ALLOWED_HOSTS contains '*': any host name is answered, and a municipality "
                "is chosen by the host name.",
                hint="List the portal's host names, e.g. rathaus.norderstedt.de. " + DOCS,
                id="rathaus.E013",
            )
        )
    return problems


@register(TAG, deploy=True)
def shared_state_check(app_configs=None, **kwargs):
    """What several web processes share: the database, the cache and the task queue."""
    problems = []
    engine = settings.DATABASES["default"]["ENGINE"]
    if "sqlite3" in engine:
        problems.append(
            Warning(
                "The database is SQLite: it serves the demo on one machine, with one writer "
                "at a time; production runs on PostgreSQL.",
                hint="Set DATABASE_URL=postgres://… " + DOCS,
                id="rathaus.W020",
            )
        )
    if not getattr(settings, "REDIS_URL", ""):
        problems.append(
            Warning(
                "REDIS_URL is not set: login throttles, rate limits and the appointment "
                "challenge's replay protection count in each web process's own memory, so "
                "they hold only while exactly one web process runs.",
                hint="Set REDIS_URL (cache and task queue), or run a single web process. " + DOCS,
                id="rathaus.W021",
            )
        )
    if settings.HUEY.get("immediate"):
        problems.append(
            Error(
                "Background tasks run inside the web request (HUEY 'immediate'): e-mails and "
                "PDFs slow every answer down and a failing task fails the request.",
                hint="Run the worker (manage.py run_huey) with the production settings. " + DOCS,
                id="rathaus.E022",
            )
        )
    storage = Path(settings.PRIVATE_STORAGE_ROOT)
    if settings.RATHAUS_FILE_STORE not in ("filesystem", "database"):
        problems.append(
            Error(
                f"RATHAUS_FILE_STORE is {settings.RATHAUS_FILE_STORE!r}: uploads and issued "
                "PDFs cannot be stored.",
                hint="Set it to 'filesystem' or 'database'. " + DOCS,
                id="rathaus.E024",
            )
        )
    elif settings.RATHAUS_FILE_STORE == "filesystem" and not _writable_folder(storage):
        problems.append(
            Error(
                f"The private file storage {storage} cannot be written or created by this "
                "user: uploads and issued PDFs cannot be stored.",
                hint="Create it, owned by the service user, readable by nobody else "
                "(RATHAUS_PRIVATE_STORAGE). " + DOCS,
                id="rathaus.E023",
            )
        )
    return problems


def _writable_folder(path: Path) -> bool:
    """The folder itself, or the nearest existing parent it can be created in."""
    while not path.exists():
        if path.parent == path:
            return False
        path = path.parent
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


@register(TAG, deploy=True)
def pdf_check(app_configs=None, **kwargs):
    """WeasyPrint subsets the fonts it embeds in each PDF with the HarfBuzz-Subset library when
    the system has it, and otherwise with fontTools in Python: about four times the CPU per
    PDF (measured for the Meldebescheinigung, docs/meldewesen.md)."""
    if harfbuzz_subset_available():
        return []
    return [
        Warning(
            "The HarfBuzz-Subset library is missing: every PDF (certificates, receipts) "
            "takes about four times the CPU to make.",
            hint="Install it (Debian: apt-get install libharfbuzz-subset0). " + DOCS,
            id="rathaus.W030",
        )
    ]


def harfbuzz_subset_available() -> bool:
    from weasyprint.text.ffi import harfbuzz_subset  # heavy import, only for the check

    return harfbuzz_subset is not None
