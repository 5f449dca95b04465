"""Writes of the API: staff API tokens, and the API's calls into the case engine.

Case operations go through the case engine's own services; these wrappers only add what the API
needs on top (an audit event naming the token, the read log for API reads).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases import selectors as case_selectors
from rathaus.cases import services as case_services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case, Message
from rathaus.core.audit import audit_event_record

from .constants import (
    LAST_USED_RESOLUTION_SECONDS,
    TOKEN_PREFIX_BYTES,
    TOKEN_SCHEME,
    TOKEN_SECRET_BYTES,
)
from .models import ApiToken


def secret_digest(secret: str) -> str:
    # The secret is 32 random bytes, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def token_parse(raw: str) -> tuple[str, str] | None:
    """``rth_<prefix>_<secret>`` → ``(prefix, secret)``; None when it is not shaped like a token."""
    scheme, _sep, rest = (raw or "").strip().partition("_")
    prefix, _sep, secret = rest.partition("_")
    if scheme != TOKEN_SCHEME or not prefix or not secret:
        return None
    return prefix, secret


def acting_user_valid(*, user, municipality) -> bool:
    return (
        user is not None
        and user.is_active
        and case_selectors.is_staff_of(actor=user, municipality=municipality)
    )


@transaction.atomic
def api_token_create(*, municipality, name: str, acting_user, created_by) -> tuple[ApiToken, str]:
    """A new token of ``municipality`` acting as ``acting_user``. Returns the token and its clear
    value, which is never stored and cannot be shown again."""
    if not acting_user_valid(user=acting_user, municipality=municipality):
        raise ValidationError(
            {"acting_user": _("Choose an active staff member of this municipality.")}
        )
    prefix = secrets.token_hex(TOKEN_PREFIX_BYTES)
    secret = secrets.token_urlsafe(TOKEN_SECRET_BYTES)
    token = ApiToken(
        municipality=municipality,
        name=name,
        acting_user=acting_user,
        created_by=created_by if created_by is not None and created_by.is_authenticated else None,
        prefix=prefix,
        secret_hash=secret_digest(secret),
    )
    token.full_clean()
    token.save()
    audit_event_record(
        action="api.token_created",
        actor=created_by,
        municipality=municipality,
        target=token,
        data={"prefix": prefix, "acting_user": acting_user.pk},
    )
    return token, f"{TOKEN_SCHEME}_{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke ``token`` for good (a revoked token cannot be restored; create a new one)."""
    locked = ApiToken.objects.select_for_update().get(
        pk=token.pk, municipality=token.municipality_id
    )
    if not locked.revoked:
        locked.revoked = True
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked", "revoked_at"])
        audit_event_record(
            action="api.token_revoked",
            actor=actor,
            municipality=locked.municipality,
            target=locked,
            data={"prefix": locked.prefix},
        )
    token.revoked, token.revoked_at = locked.revoked, locked.revoked_at
    return locked


def api_token_authenticate(*, municipality, raw: str) -> ApiToken | None:
    """The live token of ``municipality`` for the clear value ``raw``; None for anything else
    (unknown, wrong secret, revoked, another town's token, acting user no longer staff)."""
    parsed = token_parse(raw)
    if parsed is None or municipality is None:
        return None
    prefix, secret = parsed
    token = (
        ApiToken.objects.filter(municipality=municipality, prefix=prefix, revoked=False)
        .select_related("acting_user", "municipality")
        .first()
    )
    if token is None or not secrets.compare_digest(token.secret_hash, secret_digest(secret)):
        return None
    if not acting_user_valid(user=token.acting_user, municipality=municipality):
        return None
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale:
        ApiToken.objects.filter(pk=token.pk, municipality=municipality).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- case operations -----------------------------------------------------------------------------
@transaction.atomic
def api_case_transition(*, token: ApiToken, case: Case, to_status: str, reason: str = "") -> Case:
    """Change a case's status through the case engine's one transition function, as the
    token's acting staff member. Approval takes the same path as in the back office: four-eyes
    where the procedure asks for it, and the procedure's document issued on approval."""
    if to_status == CaseStatus.APPROVED:
        case, _approved = case_services.case_approve(case=case, actor=token.acting_user)
    else:
        case = case_services.case_transition(
            case=case, to_status=to_status, actor=token.acting_user, reason=reason
        )
    audit_event_record(
        action="api.case_transition",
        actor=token.acting_user,
        municipality=case.municipality,
        target=case,
        data={"token": token.prefix, "to": str(to_status)},
    )
    return case


@transaction.atomic
def api_message_send(*, token: ApiToken, case: Case, body: str) -> Message:
    """A Postfach message from the town to the applicant, sent as the token's acting user."""
    message = case_services.message_send(case=case, sender=token.acting_user, body=body)
    audit_event_record(
        action="api.message_sent",
        actor=token.acting_user,
        municipality=case.municipality,
        target=case,
        data={"token": token.prefix, "message": message.pk},
    )
    return message


@transaction.atomic
def api_case_record(
    *, token: ApiToken, procedure, answers: dict, trust_level: str | None, channel: str
) -> Case:
    """Record a complete application as the token's acting staff member (``case_record``)."""
    case = case_services.case_record(
        municipality=token.municipality,
        procedure=procedure,
        answers=answers,
        actor=token.acting_user,
        trust_level=trust_level,
        channel=channel,
    )
    audit_event_record(
        action="api.case_recorded",
        actor=token.acting_user,
        municipality=case.municipality,
        target=case,
        data={"token": token.prefix, "procedure": procedure.key},
    )
    return case


@transaction.atomic
def api_case_stage_set(*, token: ApiToken, case: Case, to_stage: str, reason: str = "") -> Case:
    case = case_services.case_stage_set(
        case=case, to_stage=to_stage, actor=token.acting_user, reason=reason
    )
    audit_event_record(
        action="api.case_stage",
        actor=token.acting_user,
        municipality=case.municipality,
        target=case,
        data={"token": token.prefix, "to": to_stage},
    )
    return case
