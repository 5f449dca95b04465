"""Names and limits of the Bürgerterminal (kiosk) mode."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# The long-lived device cookie that makes a browser a terminal (signed; the DB keeps a keyed hash).
DEVICE_COOKIE = "rathaus_terminal"
DEVICE_COOKIE_SALT = "rathaus.kiosk.device"
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365 * 5
DEVICE_TOKEN_PURPOSE = "kiosk-device-token"
ENROLMENT_CODE_PURPOSE = "kiosk-enrolment-code"
ENROLMENT_CODE_LIFETIME = datetime.timedelta(hours=24)
# Tries at /terminal/einrichten/ per address and hour: enough for typing errors, not for guessing.
ENROLMENT_ATTEMPTS_PER_ADDRESS = 10
ENROLMENT_ATTEMPT_WINDOW = 60 * 60
ENROLMENT_CODE_LENGTH = 12
# No 0/O, 1/I/L: the code is read off one screen and typed on another.
ENROLMENT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

# The terminal's last activity is written at most this often (seconds).
LAST_SEEN_WRITE_INTERVAL = 60

# Session keys of one visitor at a terminal; all of them go with the session on "Fertig".
SESSION_LAST_INPUT = "rathaus_kiosk_last_input"
SESSION_CONTRAST = "rathaus_kiosk_contrast"
SESSION_LARGE_TEXT = "rathaus_kiosk_large_text"
SESSION_TICKET = "rathaus_kiosk_ticket"

# Paths of the staff's side: refused on a terminal whoever is logged in there.
STAFF_PATH_PREFIXES = (
    "/verwaltung/",
    "/konto/mitarbeitende/",
    "/termine/schalter/",
    "/termine/statistik/",
    "/termine/verwaltung/",
)
# Responses of these types are files to keep: a terminal never hands them to its browser.
DOWNLOAD_CONTENT_TYPES = ("application/pdf", "text/calendar", "text/csv", "application/zip")
# Query parameter that asks for a document to be shown for printing instead of saved.
PRINT_PARAMETER = "terminal-drucken"


class WipeReason(models.TextChoices):
    DONE = "done", _("finished")
    IDLE = "idle", _("inactivity")
    ENROLMENT = "enrolment", _("enrolment")


class KioskErrorCode(models.TextChoices):
    CODE_INVALID = "code_invalid", _("This code is not valid. Ask the town hall for a new one.")
    TOO_MANY_ATTEMPTS = "too_many_attempts", _("Too many tries. Please try again in an hour.")
