from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from rathaus.core.crypto import blind_index
from rathaus.core.huey import task_after_commit

from .models import QueuedEmail
from .tasks import deliver_email

logger = logging.getLogger(__name__)

BUNDLE_PURPOSE = "email-bundle"


def mail_after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback``, which queues or hands over mail, after the current transaction commits;
    a failure then is logged, not raised (``core.huey.task_after_commit``). A queued mail's row is
    already committed, and ``tasks.waiting_emails_resend`` hands it over again once it is overdue.
    Every mail of Rathaus, a case's notices included, goes this way."""
    task_after_commit(callback, what="mail")


def email_send(
    *,
    to: str,
    template: str,
    context: dict,
    attachments: Sequence[tuple[str, str, str]] | None = None,
    language: str | None = None,
) -> None:
    """Queue an e-mail after the current transaction commits.

    The row is written in the caller's transaction; its task is enqueued after the commit, and
    a failure to enqueue (Redis restarting) is logged, not raised: the caller's work is done and
    ``tasks.waiting_emails_resend`` delivers the mail later.

    ``template`` names ``<template>_subject.txt`` and ``<template>_body.txt``, rendered now in
    ``language`` (the recipient's; None: the active language). E-mails say only what the
    recipient needs: a link, never case contents or another person's data.
    ``attachments`` are ``(filename, text, media type)`` triples, e.g.
    ``("termin.ics", "...", "text/calendar; method=PUBLISH")``.
    """
    with translation.override(language or translation.get_language()):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    files = [[str(name), str(content), str(kind)] for name, content, kind in attachments or ()]
    # The mail waits encrypted in the database; the task queue sees its id only.
    queued = QueuedEmail.objects.create(
        recipients=[to], subject=subject, body=body, attachments=files or None
    )
    mail_after_commit(partial(deliver_email, email_id=queued.pk))


@transaction.atomic
def email_queue(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    bundle: str = "",
    item: dict[str, Any] | None = None,
    window: dt.timedelta = dt.timedelta(0),
) -> QueuedEmail:
    """Queue an e-mail that the worker renders in ``language`` when it sends it.

    ``context`` must be plain JSON (it is stored encrypted); texts in it should already be in
    the recipient's language. With ``bundle`` (e.g. ``"case-update:42"``) an ``item`` queued
    for the same recipient and bundle while an earlier mail still waits (``window`` after that
    mail was started) joins that mail: the template receives all of them as ``items`` and the
    ``context`` of the latest. Without a window the mail leaves after the commit.
    """
    now = timezone.now()
    key = blind_index(f"{bundle}\x00{to}", purpose=BUNDLE_PURPOSE) if bundle else ""
    if key:
        waiting = (
            QueuedEmail.objects.select_for_update()
            .filter(bundle_key=key, send_after__gt=now)
            .order_by("pk")
            .first()
        )
        if waiting is not None:
            waiting.items = [*(waiting.items or []), *([item] if item else [])]
            waiting.context = context
            waiting.language = language
            waiting.save(update_fields=["items", "context", "language"])
            return waiting
    queued = QueuedEmail.objects.create(
        recipients=[to],
        template=template,
        context=context,
        items=[item] if item else [],
        language=language,
        bundle_key=key,
        send_after=now + window,
    )
    if window > dt.timedelta(0):
        send = partial(
            deliver_email.schedule, kwargs={"email_id": queued.pk}, delay=window.total_seconds()
        )
    else:
        send = partial(deliver_email, email_id=queued.pk)
    mail_after_commit(send)
    return queued
