"""The e-mails a case sends its applicant after commit: the receipt, a decision with its text,
and the bundled notice that something new is waiting."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.notifications.services import email_queue
from rathaus.tenants.selectors import municipality_absolute_url

from ..constants import DECIDED_STATUSES, CaseStatus
from ..models import Case
from ..plugin import procedure_get
from ..selectors import case_decision_text, case_language


def _case_for_mail(case_id: int) -> Case | None:
    return Case.objects.select_related("applicant", "municipality").filter(pk=case_id).first()


@transaction.atomic
def case_receipt_send(*, case_id: int, decision: bool = False) -> None:
    """E-mail the receipt of a submitted case: which service, the reference number and what
    happens next (``Procedure.next_steps``), in the recipient's language. It goes to the
    applicant's account, or else to the address the procedure found in the answers
    (``Procedure.contact_email``): an applicant without an account gets it too.

    Sent after the procedure's decision rule has run: a case it decided at once says so (its
    documents waiting in the account), with no update notice of its own; never a reason. With
    ``decision``, the decision with its text follows it (``case_decision_send``).

    Once per case: the mails are queued in the transaction that marks the follow-up of the
    submit done (``Case.receipt_queued_at``), and only by the run that marked it. A process that
    dies before this commits leaves neither, and the periodic task that takes up lost follow-ups
    finds the case (``submission.case_follow_ups_resume``); a case without an address to send the
    receipt to is marked all the same."""
    marked = Case.objects.filter(pk=case_id, receipt_queued_at__isnull=True).update(
        receipt_queued_at=timezone.now()
    )
    if not marked:  # done by an earlier run, or the case is gone
        return
    _receipt_queue(case_id=case_id)
    if decision:
        case_decision_send(case_id=case_id)


def _receipt_queue(*, case_id: int) -> None:
    case = _case_for_mail(case_id)
    if case is None or not case.reference:
        return
    procedure = procedure_get(case.procedure_key)
    if case.applicant is not None:
        to = case.applicant.email
        url = municipality_absolute_url(
            case.municipality, reverse("cases:case_detail", args=[case.reference])
        )
    else:
        to = procedure.contact_email(case.answers or {})
        url = ""
    if not to:
        return
    language = case_language(case=case)
    with translation.override(language):
        context = {
            "municipality_name": case.municipality.name,
            "service": str(procedure.title),
            "reference": case.reference,
            "next_steps": str(procedure.next_steps),
            "payment_due": case.status == CaseStatus.AWAITING_PAYMENT,
            # Decided by the system at once, in the submit's request ("approved", "rejected").
            "decision": procedure.status_label(case.status)
            if case.status in DECIDED_STATUSES
            else "",
            "documents": case.status == CaseStatus.APPROVED and bool(procedure.approval_documents),
            # A stage the case reached while it was submitted (the other parent's consent
            # awaited): the receipt says it, no separate update is sent.
            "stage": procedure.stage_label(case.stage) if case.stage else "",
            "url": url,
        }
    email_queue(to=to, template="cases/email/receipt", context=context, language=language)


def case_decision_send(*, case_id: int) -> None:
    """E-mail a decision to the address the applicant asked to be answered at: the procedure's
    word for it and the text the decision carried (an answer, a reason), in the applicant's
    language. Runs after commit; the mail waits encrypted for the worker, which gets its id."""
    case = _case_for_mail(case_id)
    if case is None:
        return
    procedure = procedure_get(case.procedure_key)
    to = procedure.reply_email(case.answers or {})
    if not to:
        return
    url = (
        municipality_absolute_url(
            case.municipality, reverse("cases:case_detail", args=[case.reference])
        )
        if case.applicant is not None
        else ""
    )
    language = case_language(case=case)
    with translation.override(language):
        context = {
            "municipality_name": case.municipality.name,
            "service": str(procedure.title),
            "reference": case.reference,
            "status": str(procedure.status_label(case.status)),
            "text": case_decision_text(case=case, status=case.status),
            "url": url,
        }
    email_queue(to=to, template="cases/email/case_decision", context=context, language=language)


def case_notify_applicant(*, case_id: int, update: str, value: str = "") -> None:
    """E-mail the applicant that something new is waiting: which service, what kind of update
    (a message, the new status or step) and a link; never a reference, a reason or a message's
    text. Updates within ``RATHAUS_CASE_MAIL_BUNDLE_SECONDS`` of the first one are collected
    into one mail (``notifications.services.email_queue``)."""
    case = _case_for_mail(case_id)
    if case is None or case.applicant is None or not case.applicant.email:
        return
    procedure = procedure_get(case.procedure_key)
    language = case_language(case=case)
    with translation.override(language):
        notice = ""
        if update == "status":
            text = _("New status: %(status)s") % {"status": procedure.status_label(value)}
        elif update == "stage":
            text = _("Next step: %(stage)s") % {"stage": procedure.stage_label(value)}
            # A fixed sentence the procedure adds for this stage (``Procedure.stage_notice``).
            notice = str(procedure.stage_notice(value))
        else:
            text = _("A new message from the town")
        context = {
            "municipality_name": case.municipality.name,
            "service": str(procedure.title),
            "url": municipality_absolute_url(case.municipality, reverse("cases:my_cases")),
        }
        at = timezone.localtime().strftime("%H:%M")
    email_queue(
        to=case.applicant.email,
        template="cases/email/case_update",
        context=context,
        language=language,
        bundle=f"case-update:{case.pk}",
        item={"at": at, "text": text, "notice": notice},
        window=datetime.timedelta(seconds=settings.RATHAUS_CASE_MAIL_BUNDLE_SECONDS),
    )
