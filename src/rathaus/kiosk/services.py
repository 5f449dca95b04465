"""Writes of the Bürgerterminal: enrolment codes, enrolment, revocation, activity, the wipe."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rathaus.cases.constants import SESSION_DRAFT_OWNER
from rathaus.cases.services import case_drafts_of_owner_delete
from rathaus.core.audit import audit_event_record
from rathaus.core.crypto import blind_index

from .constants import (
    ENROLMENT_CODE_ALPHABET,
    ENROLMENT_CODE_LENGTH,
    ENROLMENT_CODE_LIFETIME,
    ENROLMENT_CODE_PURPOSE,
    LAST_SEEN_WRITE_INTERVAL,
    KioskErrorCode,
    WipeReason,
)
from .errors import KioskError
from .models import Terminal
from .selectors import device_token_digest


def enrolment_code_digest(code: str) -> str:
    cleaned = "".join(code.split()).replace("-", "")
    return blind_index(cleaned, purpose=ENROLMENT_CODE_PURPOSE) if cleaned else ""


@transaction.atomic
def terminal_enrolment_code_issue(
    *, terminal: Terminal, actor, now: dt.datetime | None = None
) -> str:
    """A new one-time code for ``terminal``, valid for a day; returned once, stored hashed.

    A new code replaces an unused older one; the browser enrolled so far stays a terminal until
    another browser uses the code."""
    now = now or timezone.now()
    code = "".join(secrets.choice(ENROLMENT_CODE_ALPHABET) for _ in range(ENROLMENT_CODE_LENGTH))
    terminal.enrolment_code_digest = enrolment_code_digest(code)
    terminal.enrolment_code_expires_at = now + ENROLMENT_CODE_LIFETIME
    terminal.revoked_at = None
    terminal.save(
        update_fields=["enrolment_code_digest", "enrolment_code_expires_at", "revoked_at"]
    )
    audit_event_record(
        action="kiosk.terminal.code_issued",
        actor=actor,
        municipality=terminal.municipality,
        target=terminal,
    )
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


@transaction.atomic
def terminal_enrol(
    *, municipality, code: str, now: dt.datetime | None = None
) -> tuple[Terminal, str]:
    """Turn the calling browser into the terminal whose one-time ``code`` it gives.

    Returns the terminal and the new device token for the browser's cookie. The code is used up;
    a browser enrolled before with an older token is a normal visitor from now on."""
    now = now or timezone.now()
    digest = enrolment_code_digest(code)
    terminal = (
        Terminal.objects.select_for_update()
        .filter(
            municipality=municipality,
            enrolment_code_digest=digest,
            enrolment_code_expires_at__gt=now,
        )
        .first()
        if digest
        else None
    )
    if terminal is None:
        raise KioskError(KioskErrorCode.CODE_INVALID)
    token = secrets.token_hex(32)
    terminal.device_token_digest = device_token_digest(token)
    terminal.enrolment_code_digest = ""
    terminal.enrolment_code_expires_at = None
    terminal.enrolled_at = now
    terminal.last_seen_at = now
    terminal.revoked_at = None
    terminal.save()
    audit_event_record(action="kiosk.terminal.enrolled", municipality=municipality, target=terminal)
    return terminal, token


@transaction.atomic
def terminal_revoke(*, terminal: Terminal, actor, now: dt.datetime | None = None) -> Terminal:
    """The terminal's browser becomes a normal visitor at its next request; codes are void."""
    terminal.revoked_at = now or timezone.now()
    terminal.device_token_digest = ""
    terminal.enrolment_code_digest = ""
    terminal.enrolment_code_expires_at = None
    terminal.save(
        update_fields=[
            "revoked_at",
            "device_token_digest",
            "enrolment_code_digest",
            "enrolment_code_expires_at",
        ]
    )
    audit_event_record(
        action="kiosk.terminal.revoked",
        actor=actor,
        municipality=terminal.municipality,
        target=terminal,
    )
    return terminal


def terminal_touch(*, terminal: Terminal, now: dt.datetime | None = None) -> None:
    """Note the terminal's last activity, at most once a minute (one UPDATE, no audit)."""
    now = now or timezone.now()
    last = terminal.last_seen_at
    if last is not None and (now - last).total_seconds() < LAST_SEEN_WRITE_INTERVAL:
        return
    Terminal.objects.filter(pk=terminal.pk).update(last_seen_at=now)
    terminal.last_seen_at = now


def kiosk_session_wipe(*, request: HttpRequest, reason: WipeReason) -> None:
    """End the visitor's use of the terminal: their drafts, their login and their session go.

    The cookies that outlive a session (language, pending messages) are deleted by the caller's
    response (``middleware.forget_visitor``)."""
    terminal = request.kiosk
    owner_token = request.session.get(SESSION_DRAFT_OWNER, "")
    if owner_token:
        case_drafts_of_owner_delete(municipality=terminal.municipality, owner_token=owner_token)
    # logout() flushes the session (a new key, no data) and rotates the CSRF token.
    logout(request)
    audit_event_record(
        action="kiosk.session.wiped",
        municipality=terminal.municipality,
        target=terminal,
        data={"reason": str(reason)},
    )
