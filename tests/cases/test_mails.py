"""E-mails about cases: the receipt after submitting, bundled updates, the recipient's language."""

import datetime as dt
import pickle

import pytest
from django.db import connection
from django.utils import timezone, translation
from huey.contrib.djhuey import HUEY

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.cases.plugin import Decision, DecisionOutcome, procedure_get
from rathaus.notifications.models import OutboxMessage, QueuedEmail
from rathaus.notifications.tasks import deliver_email

from .conftest import COMPLETE_ANSWERS, GENERAL, POSTAL_ANSWERS, draft_make, submitted_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle_window(settings):
    settings.RATHAUS_CASE_MAIL_BUNDLE_SECONDS = 120
    HUEY.flush()
    yield dt.timedelta(seconds=120)
    HUEY.flush()


def _submit(run_on_commit, *, municipality, actor, answers=None):
    return run_on_commit(submitted_make, municipality=municipality, actor=actor, answers=answers)


# --- receipt ---------------------------------------------------------------------------------
def test_receipt_names_service_reference_and_next_steps(norderstedt, citizen, run_on_commit):
    case = _submit(run_on_commit, municipality=norderstedt, actor=citizen)
    mail = OutboxMessage.objects.get()
    assert mail.recipients == "erika@example.org"
    assert mail.subject == f"Ihr Anliegen {case.reference} ist eingegangen – Stadt Norderstedt"
    assert "wir haben Ihr Anliegen „Allgemeines Anliegen“ erhalten." in mail.body
    assert f"Aktenzeichen: {case.reference}" in mail.body
    with translation.override("de"):
        next_steps = str(procedure_get(GENERAL).next_steps)
    assert next_steps in mail.body and "Wie es weitergeht" in mail.body
    assert f"/anliegen/meine/{case.reference}/" in mail.body
    # What the citizen wrote stays out of the mail.
    for private in ("Laterne", "Mustermann"):
        assert private not in mail.subject + mail.body


def test_receipt_in_english_for_an_english_account(norderstedt, citizen, run_on_commit):
    citizen.preferred_language = "en"
    citizen.save()
    with translation.override("de"):  # the page's language does not matter
        case = _submit(run_on_commit, municipality=norderstedt, actor=citizen)
    mail = OutboxMessage.objects.get()
    assert mail.subject == f"We have received your request {case.reference} – Stadt Norderstedt"
    assert "we have received your request “General request”." in mail.body
    assert f"Reference number: {case.reference}" in mail.body
    assert "What happens next" in mail.body and "Hello," in mail.body


def test_applicant_without_account_gets_the_receipt_at_the_address_given(
    norderstedt, run_on_commit
):
    answers = {**COMPLETE_ANSWERS, "email": "anna@example.org"}
    with translation.override("en"):
        case = draft_make(municipality=norderstedt, owner_token="tok", answers=answers)
    assert case.language == "en"
    case, created = run_on_commit(
        services.case_submit, case=case, actor=None, idempotency_key=case.idempotency_key
    )
    assert created and case.applicant is None
    mail = OutboxMessage.objects.get()
    assert mail.recipients == "anna@example.org"
    assert case.reference in mail.subject and "General request" in mail.body
    # No account to follow it in: the mail asks to keep the reference instead of a link.
    assert "/anliegen/meine/" not in mail.body
    assert "Please quote your reference number" in mail.body


def test_no_receipt_without_account_and_without_address(norderstedt, run_on_commit):
    answers = {**COMPLETE_ANSWERS, **POSTAL_ANSWERS, "email": ""}
    case = draft_make(municipality=norderstedt, owner_token="tok", answers=answers)
    run_on_commit(services.case_submit, case=case, actor=None, idempotency_key=case.idempotency_key)
    assert not OutboxMessage.objects.exists() and not QueuedEmail.objects.exists()


def test_language_of_the_journey_is_kept_on_the_case(nor_client, norderstedt):
    nor_client.cookies["django_language"] = "en"
    response = nor_client.post(f"/anliegen/{GENERAL}/start/")
    assert response.status_code == 302
    assert Case.objects.get().language == "en"


# --- a decision taken at once when submitting ------------------------------------------------
ANSWER = "Die Laterne ist repariert."


@pytest.fixture
def decided_at_once(procedure_variant):
    """The general request, approved by its rule as soon as it is submitted (without a letter to
    render); ``decided_at_once(**declarations)`` changes more of it."""

    def variant(**declarations):
        return procedure_variant(
            GENERAL,
            decide=lambda self, context: Decision(
                DecisionOutcome.APPROVE, rule="at-once", reason=ANSWER
            ),
            approval_documents=[],
            **declarations,
        )

    return variant


def test_a_decision_at_once_is_told_by_the_receipt_alone(
    norderstedt, citizen, run_on_commit, decided_at_once
):
    decided_at_once()
    answers = {**COMPLETE_ANSWERS, **POSTAL_ANSWERS}  # the answer comes by letter, not by e-mail
    case = _submit(run_on_commit, municipality=norderstedt, actor=citizen, answers=answers)
    assert case.status == CaseStatus.APPROVED
    assert not QueuedEmail.objects.exists()
    [mail] = OutboxMessage.objects.all()
    assert mail.subject == f"Ihr Anliegen {case.reference} ist eingegangen – Stadt Norderstedt"
    assert "Ihr Anliegen wurde bereits beantwortet." in mail.body
    # No documents come with it: the usual link, and the answer itself stays in the account.
    assert "Verfolgen Sie Ihr Anliegen unter „Meine Anliegen“:" in mail.body
    assert ANSWER not in mail.body


def test_a_decision_at_once_e_mailed_with_its_text_still_goes_out_beside_the_receipt(
    norderstedt, citizen, run_on_commit, decided_at_once
):
    decided_at_once()
    case = _submit(run_on_commit, municipality=norderstedt, actor=citizen)  # answer by e-mail
    receipt, decision = OutboxMessage.objects.order_by("pk")
    assert receipt.subject == f"Ihr Anliegen {case.reference} ist eingegangen – Stadt Norderstedt"
    assert "bereits beantwortet" in receipt.body and ANSWER not in receipt.body
    assert decision.subject == "Ihr Anliegen an Stadt Norderstedt: beantwortet"
    assert ANSWER in decision.body


def test_a_counter_application_decided_at_once_gets_the_same_one_receipt(
    norderstedt, clerk, run_on_commit, decided_at_once
):
    procedure = decided_at_once(reply_email=lambda self, answers: "")
    case = run_on_commit(
        services.case_record,
        municipality=norderstedt,
        procedure=procedure,
        answers=COMPLETE_ANSWERS,
        actor=clerk,
        trust_level="basic",
    )
    assert case.status == CaseStatus.APPROVED and case.applicant is None
    [mail] = OutboxMessage.objects.all()
    assert mail.recipients == "erika@example.org"  # the address in the answers
    assert case.reference in mail.subject
    assert "Ihr Anliegen wurde bereits beantwortet." in mail.body
    assert "/anliegen/meine/" not in mail.body and ANSWER not in mail.body


def test_a_counter_application_left_to_a_clerk_gets_the_receipt_as_before(
    norderstedt, clerk, run_on_commit
):
    case = run_on_commit(
        services.case_record,
        municipality=norderstedt,
        procedure=procedure_get(GENERAL),
        answers=COMPLETE_ANSWERS,
        actor=clerk,
        trust_level="basic",
    )
    assert case.status == CaseStatus.SUBMITTED
    [mail] = OutboxMessage.objects.all()
    assert mail.recipients == "erika@example.org" and case.reference in mail.subject
    assert "Wie es weitergeht" in mail.body and "bereits" not in mail.body


# --- bundled updates -----------------------------------------------------------------------------
def test_three_updates_within_the_window_become_one_mail(
    norderstedt, citizen, clerk, run_on_commit, bundle_window
):
    case = _submit(run_on_commit, municipality=norderstedt, actor=citizen)
    OutboxMessage.objects.all().delete()
    run_on_commit(services.case_transition, case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    run_on_commit(services.message_send, case=case, sender=clerk, body="Bitte Foto der Laterne")
    run_on_commit(
        services.case_transition,
        case=case,
        to_status=CaseStatus.INFO_REQUESTED,
        actor=clerk,
        reason="Foto fehlt",
    )
    queued = QueuedEmail.objects.get()
    assert len(queued.items) == 3
    assert not OutboxMessage.objects.exists()  # it waits for the window to close
    [task] = HUEY.scheduled()
    assert task.args == () and task.kwargs == {"email_id": queued.pk}
    assert b"erika" not in pickle.dumps(task.kwargs)
    with connection.cursor() as cursor:
        cursor.execute("SELECT context, items FROM notifications_queuedemail")
        columns = cursor.fetchone()
    assert all(column.startswith("t1$") for column in columns)

    deliver_email.call_local(email_id=queued.pk)
    mail = OutboxMessage.objects.get()
    assert mail.subject == "Neuigkeiten bei Stadt Norderstedt"
    assert "zu Ihrem Anliegen „Allgemeines Anliegen“" in mail.body
    lines = [line for line in mail.body.splitlines() if line.startswith("- ")]
    assert [line.split(" ", 2)[2] for line in lines] == [
        "Neuer Status: in Bearbeitung",
        "Eine neue Nachricht der Verwaltung",
        "Neuer Status: Rückfrage",
    ]
    for private in ("Laterne", "Foto fehlt", case.reference, "Mustermann"):
        assert private not in mail.subject + mail.body
    assert not QueuedEmail.objects.exists()


def test_an_update_after_the_window_starts_a_new_mail(
    norderstedt, citizen, clerk, run_on_commit, bundle_window, monkeypatch
):
    case = _submit(run_on_commit, municipality=norderstedt, actor=citizen)
    run_on_commit(services.case_transition, case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    first = QueuedEmail.objects.get()
    later = timezone.now() + bundle_window + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    run_on_commit(services.message_send, case=case, sender=clerk, body="Hallo")
    second = QueuedEmail.objects.exclude(pk=first.pk).get()
    assert (len(first.items), len(second.items)) == (1, 1)
    deliver_email.call_local(email_id=first.pk)
    deliver_email.call_local(email_id=second.pk)
    assert OutboxMessage.objects.count() == 1 + 1 + 1  # receipt, then two update mails


def test_updates_of_another_case_are_not_bundled(
    norderstedt, citizen, clerk, run_on_commit, bundle_window
):
    one = _submit(run_on_commit, municipality=norderstedt, actor=citizen)
    two = _submit(run_on_commit, municipality=norderstedt, actor=citizen)
    for case in (one, two):
        run_on_commit(
            services.case_transition, case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk
        )
    assert QueuedEmail.objects.count() == 2


def test_update_mail_is_in_the_applicants_language_not_the_clerks(
    norderstedt, citizen, clerk, run_on_commit
):
    citizen.preferred_language = "en"
    citizen.save()
    case = _submit(run_on_commit, municipality=norderstedt, actor=citizen)
    OutboxMessage.objects.all().delete()
    with translation.override("de"):
        run_on_commit(
            services.case_transition, case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk
        )
    mail = OutboxMessage.objects.get()
    assert mail.subject == "Something new is waiting for you at Stadt Norderstedt"
    assert "your request “General request”" in mail.body
    assert "New status: in review" in mail.body
