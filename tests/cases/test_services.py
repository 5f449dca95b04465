import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from rathaus.cases import services
from rathaus.cases.constants import CaseErrorCode, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import Case, CaseEvent, ReferenceCounter
from rathaus.cases.selectors import applicant_name_digest
from rathaus.core.models import AuditEvent
from rathaus.notifications.models import OutboxMessage

from .conftest import COMPLETE_ANSWERS, POSTAL_ANSWERS, draft_make, submitted_make

pytestmark = pytest.mark.django_db


def test_sequential_references_are_gap_free_per_town_and_year(norderstedt, reinbek, citizen):
    refs = [submitted_make(municipality=norderstedt, actor=citizen).reference for _ in range(3)]
    rei = submitted_make(municipality=reinbek, actor=citizen).reference
    year = timezone.localtime().year
    assert refs == [f"NOR-{year}-000001", f"NOR-{year}-000002", f"NOR-{year}-000003"]
    assert rei == f"REI-{year}-000001"


def test_a_new_year_starts_a_new_sequence(norderstedt):
    with transaction.atomic():
        first = services.reference_allocate(
            municipality=norderstedt,
            at=datetime.datetime(2026, 12, 31, 22, 59, tzinfo=datetime.UTC),
        )
        # 23:30 UTC on 31 December is already New Year in Berlin.
        second = services.reference_allocate(
            municipality=norderstedt,
            at=datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC),
        )
    assert (first, second) == ("NOR-2026-000001", "NOR-2027-000001")


def test_a_rolled_back_submit_gives_its_number_back(norderstedt, citizen):
    at = timezone.now()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.reference_allocate(municipality=norderstedt, at=at)
        raise RuntimeError("submit failed after allocating")
    with transaction.atomic():
        ref = services.reference_allocate(municipality=norderstedt, at=at)
    assert ref.endswith("-000001")


def test_reference_allocation_outside_a_transaction_is_refused(norderstedt):
    counter_before = ReferenceCounter.objects.count()
    # pytest-django wraps the test in a transaction, so simulate "no atomic block" explicitly.
    connection = transaction.get_connection()
    in_block = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError):
            services.reference_allocate(municipality=norderstedt, at=timezone.now())
    finally:
        connection.in_atomic_block = in_block
    assert ReferenceCounter.objects.count() == counter_before


def test_submit_sets_reference_name_timestamps_history_and_audit(norderstedt, citizen):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.submitted_at is not None and case.closed_at is None
    assert case.applicant_name == "Erika Mustermann"
    assert case.applicant_name_digest == applicant_name_digest(" erika  MUSTERMANN ")
    event = CaseEvent.objects.get(case=case)
    assert (event.from_status, event.to_status, event.actor, event.actor_role) == (
        "draft",
        "submitted",
        citizen,
        "citizen",
    )
    assert AuditEvent.objects.filter(action="case.transition", target_id=str(case.pk)).exists()


def test_double_submit_creates_one_case_and_one_number(norderstedt, citizen):
    case = draft_make(municipality=norderstedt, actor=citizen)
    first, created_first = services.case_submit(
        case=case, actor=citizen, idempotency_key=case.idempotency_key
    )
    again, created_again = services.case_submit(
        case=case, actor=citizen, idempotency_key=case.idempotency_key
    )
    assert (created_first, created_again) == (True, False)
    assert first.pk == again.pk and first.reference == again.reference
    assert Case.objects.filter(municipality=norderstedt).count() == 1
    assert CaseEvent.objects.filter(case=first).count() == 1
    assert ReferenceCounter.objects.get(municipality=norderstedt).last_value == 1


def test_submit_with_a_stale_idempotency_key_is_refused(norderstedt, citizen):
    case = draft_make(municipality=norderstedt, actor=citizen)
    with pytest.raises(CaseError) as excinfo:
        services.case_submit(case=case, actor=citizen, idempotency_key="0" * 32)
    assert excinfo.value.code == CaseErrorCode.IDEMPOTENCY_MISMATCH
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT and case.reference == ""


def test_the_idempotency_key_is_unique_per_town_in_the_database(norderstedt, reinbek, citizen):
    from django.db import IntegrityError

    case = draft_make(municipality=norderstedt, actor=citizen)
    Case.objects.create(
        municipality=reinbek, procedure_key="x", idempotency_key=case.idempotency_key
    )  # another town may hold the same key
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            municipality=norderstedt, procedure_key="x", idempotency_key=case.idempotency_key
        )


def test_incomplete_answers_cannot_be_submitted(norderstedt, citizen):
    answers = {**COMPLETE_ANSWERS, "contact_preference": "phone"}  # the phone page is unanswered
    case = draft_make(municipality=norderstedt, actor=citizen, answers=answers)
    with pytest.raises(CaseError) as excinfo:
        services.case_submit(case=case, actor=citizen, idempotency_key=case.idempotency_key)
    assert excinfo.value.code == CaseErrorCode.INCOMPLETE_ANSWERS
    assert excinfo.value.details == {"page": "telefon"}


def test_branch_change_drops_answers_of_pages_no_longer_asked(norderstedt, citizen, general):
    case = draft_make(
        municipality=norderstedt,
        actor=citizen,
        answers={**COMPLETE_ANSWERS, "contact_preference": "phone", "phone": "040 123"},
    )
    assert case.answers["phone"] == "040 123"
    page = general.page("kontakt")
    form = page(data={"contact_preference": "post"})
    assert form.is_valid()
    services.case_draft_answers_save(
        case=case, page=page, cleaned_data=form.cleaned_data, actor=citizen
    )
    case.refresh_from_db()
    assert "phone" not in case.answers and case.answers["contact_preference"] == "post"


def test_transition_by_staff_writes_history_and_mails_after_commit(
    norderstedt, citizen, clerk, django_capture_on_commit_callbacks
):
    # Not answered by e-mail: the notices carry no details (see the general request's tests
    # for the answer e-mailed to an applicant who asked for it).
    answers = {**COMPLETE_ANSWERS, **POSTAL_ANSWERS}
    case = submitted_make(municipality=norderstedt, actor=citizen, answers=answers)
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
        services.case_transition(
            case=case, to_status=CaseStatus.REJECTED, actor=clerk, reason="Nicht zuständig"
        )
    assert len(callbacks) >= 2
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    assert case.decided_at is not None and case.closed_at is not None
    events = [(event.to_status, event.reason) for event in CaseEvent.objects.filter(case=case)]
    assert events == [("submitted", ""), ("in_review", ""), ("rejected", "Nicht zuständig")]
    mails = list(OutboxMessage.objects.all())
    assert len(mails) == 2
    for mail in mails:
        text = mail.subject + mail.body
        for private in ("Erika", "Mustermann", "Laterne", "Nicht zuständig", case.reference):
            assert private not in text
        assert "/anliegen/meine/" in mail.body


def test_nothing_is_mailed_when_the_transaction_rolls_back(norderstedt, citizen, clerk):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    OutboxMessage.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
        raise RuntimeError("later step failed")
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert CaseEvent.objects.filter(case=case).count() == 1
    assert not OutboxMessage.objects.exists()


def test_refused_transition_changes_nothing(norderstedt, citizen, clerk):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    with pytest.raises(CaseError) as excinfo:
        services.case_transition(case=case, to_status=CaseStatus.COMPLETED, actor=clerk)
    assert excinfo.value.code == CaseErrorCode.TRANSITION_NOT_ALLOWED
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_clerk_of_another_town_and_other_citizen_may_not_move_a_case(
    norderstedt, citizen, other_citizen, rei_clerk
):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    for actor in (rei_clerk, other_citizen):
        with pytest.raises(CaseError) as excinfo:
            services.case_transition(case=case, to_status=CaseStatus.WITHDRAWN, actor=actor)
        assert excinfo.value.code == CaseErrorCode.ACTOR_NOT_PERMITTED
    with pytest.raises(CaseError):
        services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=rei_clerk)


def test_citizen_may_withdraw_until_a_decision(norderstedt, citizen, clerk):
    open_case = submitted_make(municipality=norderstedt, actor=citizen)
    services.case_transition(case=open_case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_withdraw(case=open_case, actor=citizen, reason="Hat sich erledigt")
    open_case.refresh_from_db()
    assert open_case.status == CaseStatus.WITHDRAWN and open_case.closed_at is not None

    decided = submitted_make(municipality=norderstedt, actor=citizen)
    services.case_transition(case=decided, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_transition(case=decided, to_status=CaseStatus.APPROVED, actor=clerk)
    with pytest.raises(CaseError) as excinfo:
        services.case_withdraw(case=decided, actor=citizen)
    assert excinfo.value.code == CaseErrorCode.TRANSITION_NOT_ALLOWED


def test_system_may_complete_an_approved_case(norderstedt, citizen, clerk):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_transition(case=case, to_status=CaseStatus.APPROVED, actor=clerk)
    services.case_transition(case=case, to_status=CaseStatus.COMPLETED, actor=None)
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.actor, event.actor_role, event.to_status) == (None, "system", "completed")


def test_case_events_are_append_only(norderstedt, citizen):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    event = CaseEvent.objects.get(case=case)
    event.reason = "rewritten"
    with pytest.raises(ValueError):
        event.save()


def test_account_required_procedure_refuses_anonymous(norderstedt, general):
    from django.contrib.auth.models import AnonymousUser

    class Strict(type(general)):
        key = "strict-test"
        account_required = True

    with pytest.raises(CaseError) as excinfo:
        services.case_access_check(
            procedure=Strict(), municipality=norderstedt, actor=AnonymousUser(), trust_level=None
        )
    assert excinfo.value.code == CaseErrorCode.ACCOUNT_REQUIRED


def test_the_catalogues_trust_level_is_enforced_without_account_required(
    norderstedt, citizen, general
):
    """The catalogue asks for "high" for the Meldebescheinigung: a procedure serving it needs
    that proof even though it does not declare ``account_required`` itself."""
    from django.contrib.auth.models import AnonymousUser

    class Certificate(type(general)):
        key = "certificate-test"
        service_slug = "meldebescheinigung"

    procedure = Certificate()
    for actor, trust_level, code in [
        (AnonymousUser(), None, CaseErrorCode.TRUST_LEVEL_TOO_LOW),
        (AnonymousUser(), "high", CaseErrorCode.TRUST_LEVEL_TOO_LOW),  # no login, no proof
        (citizen, None, CaseErrorCode.TRUST_LEVEL_TOO_LOW),
        (citizen, "substantial", CaseErrorCode.TRUST_LEVEL_TOO_LOW),
    ]:
        with pytest.raises(CaseError) as excinfo:
            services.case_draft_start(
                municipality=norderstedt,
                procedure=procedure,
                actor=actor,
                owner_token="t",
                trust_level=trust_level,
            )
        assert excinfo.value.code == code
    assert not Case.objects.exists()
    case = services.case_draft_start(
        municipality=norderstedt,
        procedure=procedure,
        actor=citizen,
        owner_token="t",
        trust_level="high",
    )
    assert case.is_draft


def test_a_service_the_town_switched_off_starts_no_draft_and_submits_nothing(
    norderstedt, citizen, general
):
    from rathaus.catalogue.models import MunicipalityService

    draft = draft_make(municipality=norderstedt, actor=citizen)
    # As the admin switches it off: saved, so this process forgets the offering at once.
    offering = MunicipalityService.objects.get(
        municipality=norderstedt, service__slug=general.service_slug
    )
    offering.is_enabled = False
    offering.save(update_fields=["is_enabled"])
    with pytest.raises(CaseError) as excinfo:
        services.case_draft_start(
            municipality=norderstedt, procedure=general, actor=citizen, owner_token="t"
        )
    assert excinfo.value.code == CaseErrorCode.SERVICE_NOT_OFFERED
    with pytest.raises(CaseError) as excinfo:
        services.case_submit(case=draft, actor=citizen, idempotency_key=draft.idempotency_key)
    assert excinfo.value.code == CaseErrorCode.SERVICE_NOT_OFFERED
    assert Case.objects.get().status == CaseStatus.DRAFT


def test_expired_drafts_are_deleted_and_nothing_else(norderstedt, citizen):
    old = draft_make(municipality=norderstedt, actor=citizen)
    fresh = draft_make(municipality=norderstedt, actor=citizen)
    submitted = submitted_make(municipality=norderstedt, actor=citizen)
    Case.objects.filter(pk__in=[old.pk, submitted.pk]).update(
        updated_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert services.case_drafts_expired_delete() == 1
    remaining = set(Case.objects.values_list("pk", flat=True))
    assert remaining == {fresh.pk, submitted.pk}


def test_a_reply_by_letter_asks_the_address_and_the_letter_carries_it(
    norderstedt, citizen, clerk, general
):
    from rathaus.procedures.general_request.procedure import reply_letter_data  # the letter

    assert "anschrift" in [page.slug for page in general.active_pages(POSTAL_ANSWERS)]
    assert "anschrift" not in [
        page.slug for page in general.active_pages({"contact_preference": "email"})
    ]
    without_address = {**COMPLETE_ANSWERS, "contact_preference": "post"}
    case = draft_make(municipality=norderstedt, actor=citizen, answers=without_address)
    with pytest.raises(CaseError) as excinfo:
        services.case_submit(case=case, actor=citizen, idempotency_key=case.idempotency_key)
    assert excinfo.value.details == {"page": "anschrift"}

    case = submitted_make(
        municipality=norderstedt, actor=citizen, answers={**COMPLETE_ANSWERS, **POSTAL_ANSWERS}
    )
    assert reply_letter_data(case)["postal_address"] == [
        "Erika Mustermann",
        "Rathausallee 12",
        "22846 Norderstedt",
    ]
    by_mail = submitted_make(municipality=norderstedt, actor=citizen, answers=COMPLETE_ANSWERS)
    assert reply_letter_data(by_mail)["postal_address"] == []
