"""The admin's review of the read log, and the statistics page on a small known data set."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus, Channel
from rathaus.cases.models import Case, CaseReadLog

from .conftest import case_make

pytestmark = pytest.mark.django_db
READ_LOG = "/verwaltung/zugriffsprotokoll/"
STATISTICS = "/verwaltung/statistik/"


def test_read_log_lists_reads_filtered_by_case_and_clerk(
    as_staff, clerk, second_clerk, town_admin, norderstedt, reinbek, rei_clerk
):
    first = case_make(municipality=norderstedt, name="Anna Alt")
    second = case_make(municipality=norderstedt, name="Bert Bau")
    rei_case = case_make(municipality=reinbek, name="Rita Rein")
    as_staff(clerk).get(reverse("backoffice:case_detail", args=[first.reference]))
    as_staff(second_clerk).get(reverse("backoffice:case_detail", args=[first.reference]))
    as_staff(second_clerk).get(reverse("backoffice:case_detail", args=[second.reference]))
    as_staff(rei_clerk, host="reinbek.localhost").get(
        reverse("backoffice:case_detail", args=[rei_case.reference])
    )
    assert reverse("backoffice:read_log") == READ_LOG
    client = as_staff(town_admin)
    everything = client.get(READ_LOG)
    assert everything.status_code == 200
    entries = list(everything.context["page"].object_list)
    assert len(entries) == 3  # Reinbek's read is not in Norderstedt's log
    assert [entry.reference for entry in entries] == [
        second.reference,
        first.reference,
        first.reference,
    ]
    html = everything.content.decode()
    assert "answers, messages, history" in html
    assert "Anna Alt" not in html  # the log names cases, not applicants
    by_case = client.get(READ_LOG, {"reference": first.reference.lower()})
    assert {e.actor for e in by_case.context["page"].object_list} == {clerk, second_clerk}
    by_clerk = client.get(READ_LOG, {"staff_member": str(clerk.pk)})
    assert [e.reference for e in by_clerk.context["page"].object_list] == [first.reference]
    # Reading the log is not a case read.
    assert CaseReadLog.objects.filter(municipality=norderstedt).count() == 3


def test_read_log_is_paginated(as_staff, town_admin, clerk, nor_case):
    CaseReadLog.objects.bulk_create(
        CaseReadLog(
            municipality=nor_case.municipality,
            case=nor_case,
            reference=nor_case.reference,
            actor=clerk,
            data_categories=["answers"],
        )
        for _ in range(30)
    )
    client = as_staff(town_admin)
    assert len(client.get(READ_LOG).context["page"].object_list) == 25
    assert len(client.get(READ_LOG, {"seite": 2}).context["page"].object_list) == 5


def test_read_log_survives_case_deletion(as_staff, clerk, nor_case):
    as_staff(clerk).get(reverse("backoffice:case_detail", args=[nor_case.reference]))
    Case.objects.filter(pk=nor_case.pk).delete()
    entry = CaseReadLog.objects.get()
    assert entry.case is None
    assert entry.reference == nor_case.reference


def test_statistics_on_a_known_data_set(as_staff, team_lead, clerk, norderstedt, reinbek):
    now = timezone.now()
    cases = [case_make(municipality=norderstedt, name=f"P {i}") for i in range(5)]
    case_make(municipality=reinbek, name="Other town")  # not counted
    # Two decisions: after 2 days and after 4 days -> median 3 days.
    services.case_transition(case=cases[0], to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_approve(case=cases[0], actor=clerk)
    services.case_transition(case=cases[1], to_status=CaseStatus.REJECTED, actor=clerk, reason="x")
    Case.objects.filter(pk=cases[0].pk).update(
        submitted_at=now - datetime.timedelta(days=5), decided_at=now - datetime.timedelta(days=3)
    )
    Case.objects.filter(pk=cases[1].pk).update(
        submitted_at=now - datetime.timedelta(days=6), decided_at=now - datetime.timedelta(days=2)
    )
    services.case_transition(case=cases[2], to_status=CaseStatus.IN_REVIEW, actor=clerk)
    Case.objects.filter(pk=cases[4].pk).update(channel=Channel.COUNTER)

    response = as_staff(team_lead).get(STATISTICS)
    assert response.status_code == 200
    context = response.context
    assert context["total"] == 5
    assert context["decided_count"] == 2
    assert context["median_days"] == pytest.approx(3.0)
    (row,) = context["per_procedure"]
    assert row["total"] == 5
    # Columns in workflow order: submitted, in review, info requested, approved, completed,
    # rejected, withdrawn.
    assert row["counts"] == [2, 1, 0, 1, 0, 1, 0]
    channels = {c["label"]: (c["count"], c["percent"]) for c in context["channels"]}
    assert channels == {str(Channel.ONLINE.label): (4, 80), str(Channel.COUNTER.label): (1, 20)}
    html = response.content.decode()
    assert "3.0 days" in html
    assert "80 %" in html


def test_statistics_without_cases(as_staff, town_admin):
    response = as_staff(town_admin).get(STATISTICS)
    assert response.context["total"] == 0
    assert response.context["median_days"] is None


def test_read_log_entries_are_deleted_once_twelve_months_old(as_staff, clerk, nor_case):
    for _ in range(3):
        as_staff(clerk).get(reverse("backoffice:case_detail", args=[nor_case.reference]))
    now = timezone.now()
    old, edge, recent = CaseReadLog.objects.order_by("pk")
    try:
        cutoff = now.replace(year=now.year - 1)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - 1, day=28)
    hour = datetime.timedelta(hours=1)
    CaseReadLog.objects.filter(pk=old.pk).update(created_at=cutoff - hour)
    CaseReadLog.objects.filter(pk=edge.pk).update(created_at=cutoff + hour)
    assert services.read_logs_purge(now=now) == 1
    assert set(CaseReadLog.objects.values_list("pk", flat=True)) == {edge.pk, recent.pk}
    # Kept at least twelve months, gone by the end of the following year.
    later = now + datetime.timedelta(hours=2)
    assert services.read_logs_purge(now=later) == 1
    assert list(CaseReadLog.objects.values_list("pk", flat=True)) == [recent.pk]


def test_read_log_purge_on_29_february():
    leap_day = datetime.datetime(2028, 2, 29, 3, 53, tzinfo=datetime.UTC)
    assert services.read_logs_purge(now=leap_day) == 0
