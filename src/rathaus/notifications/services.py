from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string

from .tasks import deliver_email


def email_send(*, to: str, template: str, context: dict) -> None:
    """Queue an e-mail after the current transaction commits.

    ``template`` names ``<template>_subject.txt`` and ``<template>_body.txt``. E-mails say only
    what the recipient needs: a link, never case contents or another person's data.
    """
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    transaction.on_commit(lambda: deliver_email(to=[to], subject=subject, body=body))
