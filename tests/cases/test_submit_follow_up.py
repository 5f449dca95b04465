"""The follow-up of a submit — the decision rule, the receipt — is done once, and taken up again
by a periodic task when the process died between the submit's commit and its own."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rathaus.cases import services, tasks
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.plugin import Decision, DecisionOutcome
from rathaus.cases.services.status import case_decision_after_submit
from rathaus.notifications.models import OutboxMessage, QueuedEmail

from .conftest import (
    COMPLETE_ANSWERS,
    GENERAL,
    POSTAL_ANSWERS,
    WorkerKilled,
    draft_make,
    submitted_make,
)

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("rathaus.cases.migrations.0014_case_receipt_queued_at")
LATER = services.FOLLOW_UP_LOST_AFTER + dt.timedelta(minutes=1)


@pytest.fixture
def rule(procedure_variant):
    """The general request approved by its rule when submitted (no letter to render), after
    ``rule.crash`` is cleared: until then the process dies while the rule runs. The contexts
    the rule saw are in ``rule.contexts``."""

    class Rule:
        crash = True
        contexts: list = []

    def decide(self, context):
        Rule.contexts.append(context)
        if Rule.crash:
            raise WorkerKilled
        return Decision(DecisionOutcome.APPROVE, rule="at-once")

    procedure_variant(GENERAL, decide=decide, approval_documents=[])
    return Rule


def _receipts(case):
    return [mail for mail in OutboxMessage.objects.all() if case.reference in mail.subject]


def _submit_and_die(run_on_commit, *, municipality, actor, answers=None):
    """Submit; the process dies while the decision rule runs, after the submit has committed."""
    with pytest.raises(WorkerKilled):
        run_on_commit(submitted_make, municipality=municipality, actor=actor, answers=answers)
    return Case.objects.filter(municipality=municipality, status=CaseStatus.SUBMITTED).latest("pk")


def test_a_submit_marks_its_follow_up_done_and_queues_one_receipt(
    norderstedt, citizen, run_on_commit
):
    case = run_on_commit(submitted_make, municipality=norderstedt, actor=citizen)
    case.refresh_from_db()
    assert case.submitted_at <= case.receipt_queued_at <= timezone.now()
    assert len(_receipts(case)) == 1
    # The follow-up run once more (a second process, a task) sends nothing again.
    run_on_commit(services.case_receipt_send, case_id=case.pk)
    run_on_commit(services.case_follow_ups_resume, now=timezone.now() + LATER)
    assert len(_receipts(case)) == 1 and not QueuedEmail.objects.exists()


def test_a_case_without_an_address_for_its_receipt_is_marked_all_the_same(
    norderstedt, run_on_commit
):
    answers = {**COMPLETE_ANSWERS, **POSTAL_ANSWERS, "email": ""}
    case = draft_make(municipality=norderstedt, owner_token="tok", answers=answers)
    run_on_commit(services.case_submit, case=case, actor=None, idempotency_key=case.idempotency_key)
    case.refresh_from_db()
    assert case.receipt_queued_at is not None
    assert not OutboxMessage.objects.exists() and not QueuedEmail.objects.exists()


def test_a_follow_up_lost_with_its_process_is_taken_up_once(
    norderstedt, citizen, run_on_commit, rule
):
    answers = {**COMPLETE_ANSWERS, **POSTAL_ANSWERS}  # the answer by letter: the receipt alone
    case = _submit_and_die(run_on_commit, municipality=norderstedt, actor=citizen, answers=answers)
    assert case.reference and case.receipt_queued_at is None
    assert not OutboxMessage.objects.exists() and not QueuedEmail.objects.exists()
    assert not CaseEvent.objects.filter(case=case, to_status=CaseStatus.APPROVED).exists()

    rule.crash = False
    now = timezone.now() + LATER
    assert run_on_commit(services.case_follow_ups_resume, now=now) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.receipt_queued_at is not None
    decision = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert decision.rule == "at-once" and decision.actor is None
    # The rule ran as the system: the submitting session and its trust level are gone.
    context = rule.contexts[-1]
    assert context.system and context.actor is None and context.trust_level is None
    [receipt] = _receipts(case)
    assert "Ihr Anliegen wurde bereits beantwortet." in receipt.body

    assert run_on_commit(services.case_follow_ups_resume, now=now) == 0
    assert len(_receipts(case)) == 1 and OutboxMessage.objects.count() == 1


def test_a_decision_mailed_with_its_text_is_taken_up_with_the_receipt_once(
    norderstedt, citizen, run_on_commit, rule
):
    case = _submit_and_die(run_on_commit, municipality=norderstedt, actor=citizen)
    rule.crash = False
    now = timezone.now() + LATER
    run_on_commit(services.case_follow_ups_resume, now=now)
    # A second run racing the first (the lock lets it in after the first committed) finds the
    # case decided and its follow-up done: neither mail goes out twice.
    run_on_commit(case_decision_after_submit, case=case, actor=None, trust_level=None)
    receipt, decision = OutboxMessage.objects.order_by("pk")
    assert case.reference in receipt.subject
    assert decision.subject == "Ihr Anliegen an Stadt Norderstedt: beantwortet"


def test_a_rule_that_needs_the_session_leaves_the_case_to_a_clerk(
    norderstedt, citizen, run_on_commit, procedure_variant
):
    """A rule that asks for the submitting session's identity proof does not get it from the
    periodic task, and decides nothing: a clerk looks at the case; its receipt goes out."""
    crash = [True]

    def decide(self, context):
        if crash:
            raise WorkerKilled
        if context.trust_level == "high":
            return Decision(DecisionOutcome.APPROVE, rule="eid")
        return None

    procedure_variant(GENERAL, decide=decide, approval_documents=[])
    case = _submit_and_die(run_on_commit, municipality=norderstedt, actor=citizen)
    crash.clear()
    assert run_on_commit(services.case_follow_ups_resume, now=timezone.now() + LATER) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.receipt_queued_at is not None
    [receipt] = _receipts(case)
    assert "Wie es weitergeht" in receipt.body and "bereits" not in receipt.body


def test_young_cases_and_drafts_are_left_alone(norderstedt, citizen, run_on_commit, rule):
    case = _submit_and_die(run_on_commit, municipality=norderstedt, actor=citizen)
    draft = draft_make(municipality=norderstedt, actor=citizen)
    Case.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - dt.timedelta(days=1))
    rule.crash = False
    young = case.submitted_at + services.FOLLOW_UP_LOST_AFTER - dt.timedelta(seconds=1)
    assert run_on_commit(services.case_follow_ups_resume, now=young) == 0
    case.refresh_from_db()
    draft.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.receipt_queued_at is None
    assert draft.status == CaseStatus.DRAFT and draft.receipt_queued_at is None
    assert not OutboxMessage.objects.exists()
    assert len(rule.contexts) == 1  # the submit's own run only


def test_one_case_failing_does_not_stop_the_others(
    norderstedt, citizen, run_on_commit, rule, monkeypatch, caplog
):
    first = _submit_and_die(run_on_commit, municipality=norderstedt, actor=citizen)
    second = _submit_and_die(run_on_commit, municipality=norderstedt, actor=citizen)
    rule.crash = False

    def once_broken(*, case, actor, trust_level):
        if case.pk == first.pk:
            raise RuntimeError("database connection lost")
        return case_decision_after_submit(case=case, actor=actor, trust_level=trust_level)

    monkeypatch.setattr("rathaus.cases.services.submission.case_decision_after_submit", once_broken)
    assert run_on_commit(services.case_follow_ups_resume, now=timezone.now() + LATER) == 1
    assert f"case {first.pk}'s submit failed again" in caplog.text
    assert "erika" not in caplog.text.lower() and first.reference not in caplog.text
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.receipt_queued_at is None and second.status == CaseStatus.APPROVED
    assert len(_receipts(second)) == 1 and not _receipts(first)


def test_the_oldest_first_and_at_most_a_batch_per_run(norderstedt, citizen, run_on_commit, rule):
    older = _submit_and_die(run_on_commit, municipality=norderstedt, actor=citizen)
    newer = _submit_and_die(run_on_commit, municipality=norderstedt, actor=citizen)
    Case.objects.filter(pk=older.pk).update(submitted_at=older.submitted_at - dt.timedelta(1))
    rule.crash = False
    now = timezone.now() + LATER
    assert run_on_commit(services.case_follow_ups_resume, now=now, limit=1) == 1
    assert Case.objects.get(pk=older.pk).receipt_queued_at is not None
    assert Case.objects.get(pk=newer.pk).receipt_queued_at is None


def test_the_periodic_task_takes_them_up(norderstedt, citizen, run_on_commit, rule):
    case = _submit_and_die(run_on_commit, municipality=norderstedt, actor=citizen)
    Case.objects.filter(pk=case.pk).update(submitted_at=timezone.now() - LATER)
    rule.crash = False
    assert run_on_commit(tasks.submit_follow_ups_resume.call_local) == 1
    assert Case.objects.get(pk=case.pk).status == CaseStatus.APPROVED
    assert len(_receipts(case)) == 1


def test_the_migration_marks_every_submitted_case_done_and_no_draft(norderstedt, citizen):
    draft = draft_make(municipality=norderstedt, actor=citizen)
    submitted = submitted_make(municipality=norderstedt, actor=citizen)
    never_submitted = submitted_make(municipality=norderstedt, actor=citizen)
    Case.objects.update(receipt_queued_at=None)
    Case.objects.filter(pk=never_submitted.pk).update(submitted_at=None)
    state = MigrationExecutor(connection).loader.project_state(
        ("cases", "0014_case_receipt_queued_at")
    )
    MIGRATION.receipt_queued_fill(state.apps, None)
    rows = dict(Case.objects.values_list("pk", "receipt_queued_at"))
    assert rows[draft.pk] is None
    assert rows[submitted.pk] == Case.objects.get(pk=submitted.pk).submitted_at
    assert rows[never_submitted.pk] == Case.objects.get(pk=never_submitted.pk).updated_at
