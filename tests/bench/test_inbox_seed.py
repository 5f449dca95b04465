"""The inbox benchmark's seeder: the planned distribution, reference numbers, and real rows."""

import datetime
import re
from collections import Counter

from bench.lib.inbox_seed import OPEN_STATUSES, assign_references, plan_cases, seed
from django.db import connection
from django.utils import timezone

from rathaus.cases.models import Case, ReferenceCounter
from rathaus.cases.selectors import STATUS_ORDER, case_list_for_staff
from rathaus.core.crypto import decrypt_text
from tests.accounts.factories import staff_create

NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)


def _plan(total=4000, seed_value=7):
    return plan_cases(
        total=total,
        town_weights=[0.65, 0.35],
        procedure_keys=["a", "b"],
        staff_counts=[5, 3],
        now=NOW,
        seed=seed_value,
    )


def test_plan_is_deterministic_and_realistic():
    planned = _plan()
    assert [(c.name, c.status, c.created_at) for c in planned] == [
        (c.name, c.status, c.created_at) for c in _plan()
    ]
    towns = Counter(c.town_index for c in planned)
    assert 0.6 < towns[0] / len(planned) < 0.7
    statuses = Counter(c.status for c in planned)
    assert set(statuses) == {
        "draft", "awaiting_payment", "submitted", "in_review", "info_requested",
        "approved", "completed", "rejected", "withdrawn",
    }  # fmt: skip
    assert statuses["completed"] > statuses["submitted"] > statuses["draft"]
    assert (
        Counter(c.procedure_key for c in planned)["a"]
        > Counter(c.procedure_key for c in planned)["b"]
    )
    assert 0.1 < sum(c.channel == "counter" for c in planned) / len(planned) < 0.2
    assert len({c.name for c in planned}) > 1000
    assert [c.created_at for c in planned] == sorted(c.created_at for c in planned)


def test_plan_dates_and_assignees_fit_each_status():
    for case in _plan():
        assert case.created_at < NOW
        if case.status == "draft":
            assert case.submitted_at is None and case.assignee_index is None
            continue
        assert case.created_at < case.submitted_at <= NOW
        if case.status in ("approved", "completed", "rejected"):
            assert case.submitted_at <= case.decided_at <= NOW
        if case.status in ("completed", "rejected", "withdrawn"):
            assert case.closed_at is not None and case.closed_at <= NOW
        else:
            assert case.closed_at is None
        if case.status in OPEN_STATUSES:
            assert NOW - case.submitted_at < datetime.timedelta(days=366)
        if case.assignee_index is not None:
            assert 0 <= case.assignee_index < (5 if case.town_index == 0 else 3)
        if case.status in ("in_review", "completed"):
            assert case.assignee_index is not None


def test_references_are_gap_free_per_town_and_year_and_continue_the_counter():
    planned = _plan(total=500)
    counters = {(0, 2026): 7}
    references = assign_references(planned, prefixes=["NOR", "REI"], start=counters)
    submitted = [i for i, c in enumerate(planned) if c.submitted_at is not None]
    assert sorted(references) == submitted
    per_series: dict[tuple[str, str], list[int]] = {}
    for reference in references.values():
        prefix, year, number = re.fullmatch(r"(NOR|REI)-(\d{4})-(\d{6})", reference).groups()
        per_series.setdefault((prefix, year), []).append(int(number))
    for (prefix, year), numbers in per_series.items():
        first = 8 if (prefix, year) == ("NOR", "2026") else 1
        assert sorted(numbers) == list(range(first, first + len(numbers)))
        town = 0 if prefix == "NOR" else 1
        assert counters[(town, int(year))] == first + len(numbers) - 1


def test_seed_writes_encrypted_rows_the_inbox_and_search_find(norderstedt, reinbek):
    clerk = staff_create(municipality=norderstedt)
    staff_create(municipality=reinbek)
    summary = seed(total=300, extra_clerks=2, analyze=False, stdout=None)

    assert summary["cases"] == 300
    assert Case.objects.count() == 300
    inbox = case_list_for_staff(actor=clerk, municipality=norderstedt)
    visible = Case.objects.filter(municipality=norderstedt, status__in=STATUS_ORDER).count()
    assert (
        inbox.count()
        == visible
        == summary["per_town"]["norderstedt"]
        - Case.objects.filter(municipality=norderstedt).exclude(status__in=STATUS_ORDER).count()
    )

    case = inbox.filter(status="completed").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT applicant_name, answers FROM cases_case WHERE id = %s", [case.pk])
        raw_name, raw_answers = cursor.fetchone()
    assert case.applicant_name not in raw_name and case.applicant_name not in raw_answers
    place = Case._meta.get_field("applicant_name").place_of(case.encryption_row_id)
    assert decrypt_text(raw_name, associated_data=place) == case.applicant_name
    assert case.answers["applicant_name"] == case.applicant_name
    assert case in case_list_for_staff(
        actor=clerk, municipality=norderstedt, search=case.applicant_name.upper()
    )
    assert list(
        case_list_for_staff(actor=clerk, municipality=norderstedt, search=case.reference)
    ) == [case]

    year = timezone.localtime(case.submitted_at).year
    counter = ReferenceCounter.objects.get(municipality=norderstedt, year=year)
    last = (
        Case.objects.filter(municipality=norderstedt, reference__startswith=f"NOR-{year}-")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    assert int(last.rsplit("-", 1)[1]) == counter.last_value
