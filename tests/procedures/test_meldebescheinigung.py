"""Meldebescheinigung (§18 BMG): an exact register match with the eID gets the electronic
certificate at once and free; a family member in the applicant's custody too; a printed one waits
for its fee; a person under an Auskunftssperre, or one the register does not know, goes to a clerk;
the certificate shows only what the law allows and verifies on /pruefen/."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pypdf
import pytest
from django.utils import timezone

from rathaus.cases import services
from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.plugin import procedure_get
from rathaus.core.storage import encrypted_file_read
from rathaus.documents.models import IssuedDocument
from rathaus.notifications.models import OutboxMessage, QueuedEmail
from rathaus.register import services as register_services
from rathaus.register.constants import BlockKind
from rathaus.register.models import Person
from tests.cases.conftest import WorkerKilled, user_make

from .meldewesen import eid_session, eid_user

KEY = "meldebescheinigung"


def _apply(town, user, *, subject="self", kind="simple", delivery="electronic"):
    procedure = procedure_get(KEY)
    case = services.case_draft_start(
        municipality=town, procedure=procedure, actor=user, owner_token="t", trust_level="high"
    )
    page = procedure.page("angaben")
    data = {
        "applicant_name": user.full_name,
        "subject": subject,
        "kind": kind,
        "delivery": delivery,
    }
    form = page(data=data, context=services.case_context(case=case, actor=user))
    assert form.is_valid(), form.errors
    services.case_draft_answers_save(
        case=case, page=page, cleaned_data=form.cleaned_data, actor=user
    )
    case, _created = services.case_submit(
        case=case, actor=user, idempotency_key=case.idempotency_key, trust_level="high"
    )
    return case


def _pdf_text(case) -> str:
    document = IssuedDocument.objects.get(case=case)
    pdf = encrypted_file_read(document.storage_name)
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_electronic_certificate_at_once_for_an_exact_match(register, erika, client):
    case = _apply(register, erika)
    assert case.status == CaseStatus.APPROVED
    decision = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert decision.actor_role == ActorRole.SYSTEM and decision.rule == "exact-register-match"
    assert not hasattr(case, "payment") or case.payment is None
    text = _pdf_text(case)
    assert "Mustermann" in text and "12.08.1964" in text and "Rathausallee 12" in text
    # Simple: nothing beyond §18(1) — no nationality, no sex, no religion.
    assert "Staatsangehörigkeit" not in text and "weiblich" not in text
    document = IssuedDocument.objects.get(case=case)
    page = client.get(f"/pruefen/{document.verification_code}/", HTTP_HOST="norderstedt.localhost")
    assert "Meldebescheinigung" in page.content.decode()


def test_the_confirmation_offers_the_certificate_at_once_to_its_applicant_only(
    register, erika, nor_client, rei_client
):
    case = _apply(register, erika)
    document = IssuedDocument.objects.get(case=case)
    confirmation = f"/anliegen/eingereicht/{case.public_id}/"
    download = f"/anliegen/meine/{case.reference}/dokumente/{document.public_id}/"
    nor_client.force_login(erika)
    assert f'href="{download}"' in nor_client.get(confirmation).content.decode()
    assert nor_client.get(download).content.startswith(b"%PDF-")
    # The wrong citizen, a clerk of the town and the right citizen in another town: no page.
    for user in (
        eid_user("max@example.org", "Max", "Meier", (1970, 1, 1)),
        user_make("clerk@norderstedt.example", staff_of=register),
    ):
        nor_client.force_login(user)
        assert nor_client.get(confirmation).status_code == 404
        assert nor_client.get(download).status_code == 404
    rei_client.force_login(erika)
    assert rei_client.get(confirmation).status_code == 404


def test_a_request_left_to_a_clerk_has_no_documents_on_its_confirmation(
    register, erika, nor_client
):
    stranger = eid_user("nobody@example.org", "Nora", "Niemand", (1990, 1, 1))
    case = _apply(register, stranger)
    assert case.status == CaseStatus.SUBMITTED
    nor_client.force_login(stranger)
    page = nor_client.get(f"/anliegen/eingereicht/{case.public_id}/").content.decode()
    assert case.reference in page and "/dokumente/" not in page


def test_extended_certificate_for_a_child_in_custody(register, erika):
    paula = next(
        p for p in Person.objects.filter(municipality=register) if p.given_names == "Paula"
    )
    choices = dict(
        procedure_get(KEY)
        .page("angaben")(
            context=services.case_context(case=_draft_for(register, erika), actor=erika)
        )
        .fields["subject"]
        .choices
    )
    assert str(paula.public_id) in choices and "Paula Mustermann" in choices[str(paula.public_id)]
    case = _apply(register, erika, subject=str(paula.public_id), kind="extended")
    assert case.status == CaseStatus.APPROVED
    text = _pdf_text(case)
    assert "Paula" in text and "21.09.2014" in text and "DE" in text


def test_the_profile_cannot_pose_as_someone_else(register):
    """The register matches the names and date of birth the eID vouched for, never the profile
    the citizen edits: a citizen who renames themself in the profile after an eID login gets no
    certificate of the person they pose as, and sees nothing of them in a pre-fill."""
    hans = next(p for p in Person.objects.filter(municipality=register) if p.given_names == "Hans")
    nora = eid_user("nora@example.org", "Nora", "Niemand", (1990, 1, 1))
    nora.given_name, nora.family_name, nora.birth_date = "Hans", "Mustermann", hans.birth_date
    nora.save()
    case = _apply(register, nora)
    assert case.status == CaseStatus.SUBMITTED  # unknown to the register: a clerk looks at it
    assert not IssuedDocument.objects.filter(case=case).exists()
    context = services.case_context(case=_draft_for(register, nora), actor=nora, trust_level="high")
    assert context.prefill_values("register") == {}
    # Without any eID login, even the true profile matches nobody.
    plain = user_make("plain@example.org", given="Erika", family="Mustermann")
    plain.birth_date = datetime.date(1964, 8, 12)
    plain.save()
    assert _apply(register, plain).status == CaseStatus.SUBMITTED


def _draft_for(town, user):
    return services.case_draft_start(
        municipality=town,
        procedure=procedure_get(KEY),
        actor=user,
        owner_token="t",
        trust_level="high",
    )


def test_a_printed_certificate_waits_for_its_fee(register, erika):
    case = _apply(register, erika, delivery="post")
    assert case.status == CaseStatus.AWAITING_PAYMENT
    assert case.payment.amount == Decimal("7.50")


def test_a_blocked_person_or_an_unknown_one_goes_to_a_clerk(register, erika):
    person = next(
        p for p in Person.objects.filter(municipality=register) if p.given_names == "Erika"
    )
    register_services.block_set(
        person=person, kind=BlockKind.AUSKUNFTSSPERRE, valid_from=datetime.date(2026, 1, 1)
    )
    case = _apply(register, erika)
    assert case.status == CaseStatus.SUBMITTED
    assert not IssuedDocument.objects.filter(case=case).exists()
    stranger = eid_user("nobody@example.org", "Nora", "Niemand", (1990, 1, 1))
    assert _apply(register, stranger).status == CaseStatus.SUBMITTED


def test_without_the_eid_there_is_no_application(register, erika, nor_client):
    nor_client.force_login(erika)  # a password login: trust level "basic"
    response = nor_client.post(f"/anliegen/{KEY}/start/")
    assert response.status_code == 200
    assert "stärkeren Identitätsnachweis" in response.content.decode() or "BundID" in (
        response.content.decode()
    )


# --- the e-mail: one receipt, which tells a decision taken at once ----------------------------
def _submitted_with_mails(capture, register, user):
    with capture(execute=True):
        case = _apply(register, user)
    assert not QueuedEmail.objects.exists()  # nothing left waiting to be bundled or sent
    return case, list(OutboxMessage.objects.order_by("pk"))


@pytest.mark.parametrize(
    ("language", "subject", "decided", "documents"),
    [
        (
            "de",
            "Ihr Anliegen {reference} ist eingegangen – Stadt Norderstedt",
            "Ihr Anliegen wurde bereits bewilligt.",
            "Ihre Dokumente liegen unter „Meine Anliegen“ für Sie bereit:",
        ),
        (
            "en",
            "We have received your request {reference} – Stadt Norderstedt",
            "Your request has already been approved.",
            "Your documents are ready under “My requests”:",
        ),
    ],
    ids=["de", "en"],
)
def test_the_certificate_at_once_is_told_by_the_receipt_alone(
    register, erika, django_capture_on_commit_callbacks, language, subject, decided, documents
):
    erika.preferred_language = language
    erika.save()
    case, mails = _submitted_with_mails(django_capture_on_commit_callbacks, register, erika)
    assert case.status == CaseStatus.APPROVED
    [mail] = mails  # the receipt; no update notice about the approval beside it
    assert mail.recipients == erika.email
    assert mail.subject == subject.format(reference=case.reference)
    assert decided in mail.body
    assert f"{documents}\n" in mail.body
    assert mail.body.count(f"/anliegen/meine/{case.reference}/") == 1
    for private in ("Mustermann", "12.08.1964", "Rathausallee"):
        assert private not in mail.subject + mail.body


def test_a_request_left_to_a_clerk_gets_the_receipt_alone_and_the_clerks_decision_later(
    register, stranger, django_capture_on_commit_callbacks
):
    clerk = user_make("clerk@norderstedt.example", staff_of=register)
    case, mails = _submitted_with_mails(django_capture_on_commit_callbacks, register, stranger)
    assert case.status == CaseStatus.SUBMITTED
    [receipt] = mails
    assert receipt.subject == f"Ihr Anliegen {case.reference} ist eingegangen – Stadt Norderstedt"
    assert "Wie es weitergeht" in receipt.body
    assert "Verfolgen Sie Ihr Anliegen unter „Meine Anliegen“:" in receipt.body
    assert "bereits" not in receipt.body and "Dokumente" not in receipt.body

    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(
            case=case, to_status=CaseStatus.REJECTED, actor=clerk, reason="Nicht gemeldet"
        )
    [_receipt, notice] = OutboxMessage.objects.order_by("pk")
    assert notice.subject == "Neuigkeiten bei Stadt Norderstedt"
    assert "Neuer Status: abgelehnt" in notice.body and "Nicht gemeldet" not in notice.body


def test_a_decision_rule_that_fails_leaves_the_case_submitted_and_sends_the_receipt(
    register, erika, procedure_variant, django_capture_on_commit_callbacks, caplog
):
    def unreachable(self, context):
        raise RuntimeError("register unreachable")

    procedure_variant(KEY, decide=unreachable)
    case, mails = _submitted_with_mails(django_capture_on_commit_callbacks, register, erika)
    assert case.status == CaseStatus.SUBMITTED and case.reference
    assert f"decision on case {case.pk} failed" in caplog.text
    [receipt] = mails
    assert case.reference in receipt.subject
    assert "Wie es weitergeht" in receipt.body and "bereits" not in receipt.body


def test_a_certificate_whose_worker_was_killed_is_issued_by_the_periodic_task(
    register, erika, monkeypatch, django_capture_on_commit_callbacks
):
    def killed(*args, **kwargs):
        raise WorkerKilled

    with monkeypatch.context() as patch:
        patch.setattr("rathaus.documents.services.pdf_render", killed)
        with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
            _apply(register, erika)
    case = Case.objects.get(procedure_key=KEY)
    assert case.status == CaseStatus.SUBMITTED and case.receipt_queued_at is None
    assert not IssuedDocument.objects.exists() and not OutboxMessage.objects.exists()

    # The register match needs no session: the system decides as the submit would have.
    later = timezone.now() + services.FOLLOW_UP_LOST_AFTER + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.case_follow_ups_resume(now=later) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.receipt_queued_at is not None
    decision = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert decision.actor_role == ActorRole.SYSTEM and decision.rule == "exact-register-match"
    assert "Mustermann" in _pdf_text(case)
    [receipt] = OutboxMessage.objects.all()
    assert case.reference in receipt.subject and "bereits bewilligt" in receipt.body


def test_the_question_page_shows_the_family_to_its_applicant_only(
    register, erika, nor_client, rei_client
):
    page = f"/anliegen/{KEY}/{_draft_for(register, erika).public_id}/angaben/"
    eid_session(nor_client, erika)
    answer = nor_client.get(page)
    assert answer.status_code == 200 and "Paula Mustermann" in answer.content.decode()
    # The wrong citizen, a clerk of the town and the right citizen in another town: no page.
    for user in (
        eid_user("max@example.org", "Max", "Meier", (1970, 1, 1)),
        user_make("clerk@norderstedt.example", staff_of=register),
    ):
        eid_session(nor_client, user)
        answer = nor_client.get(page)
        assert answer.status_code == 404 and "Paula" not in answer.content.decode()
    eid_session(rei_client, erika)
    answer = rei_client.get(page)
    assert answer.status_code == 404 and "Paula" not in answer.content.decode()
