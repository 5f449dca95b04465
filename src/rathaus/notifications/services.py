from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.template.loader import render_to_string

from .models import QueuedEmail
from .tasks import deliver_email


def email_send(
    *,
    to: str,
    template: str,
    context: dict,
    attachments: Sequence[tuple[str, str, str]] | None = None,
) -> None:
    """Queue an e-mail after the current transaction commits.

    ``template`` names ``<template>_subject.txt`` and ``<template>_body.txt``. E-mails say only
    what the recipient needs: a link, never case contents or another person's data.
    ``attachments`` are ``(filename, text, media type)`` triples, e.g.
    ``("termin.ics", "...", "text/calendar; method=PUBLISH")``.
    """
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    files = [[str(name), str(content), str(kind)] for name, content, kind in attachments or ()]
    # The mail waits encrypted in the database; the task queue sees its id only.
    queued = QueuedEmail.objects.create(
        recipients=[to], subject=subject, body=body, attachments=files or None
    )
    transaction.on_commit(lambda: deliver_email(email_id=queued.pk))
