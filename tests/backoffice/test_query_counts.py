"""Pinned query counts: the inbox and the case page run the same number of queries however many
cases, messages and history entries there are, and no more than the documented pins (the first
request warms the host cache). Savepoints around the session save are transaction control, not
data queries, and differ between database backends: they are not counted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus

from .conftest import case_make

pytestmark = pytest.mark.django_db
INBOX = "/verwaltung/"
# Both include the session read (no save: the idle-timeout middleware writes the last-seen second at
# most once a minute, and the warm-up request did that), the user, the OTP device and the staff
# membership (read once: the case selectors' staff check reuses it). The inbox counts its cases
# with a LIMIT-ed subquery (one query, as before); its list of clerks for the "assigned to" filter
# comes from a short per-process cache (tests/accounts/test_staff_choices.py).
INBOX_QUERIES = 6
# The case page also asks for the case's files, issued documents and payment (one query each).
CASE_PAGE_QUERIES = 11


def _queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return sum(
        not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
        for query in captured.captured_queries
    )


def test_inbox_query_count_is_pinned_for_few_and_many_cases(
    as_staff, clerk, second_clerk, norderstedt
):
    client = as_staff(clerk)
    first = case_make(municipality=norderstedt, name="Erika Mustermann")
    client.get(INBOX)  # warm the host cache
    few = {
        "first page": _queries(client, INBOX),
        "status": _queries(client, INBOX, {"status": "submitted"}),
        "reference": _queries(client, INBOX, {"search": first.reference}),
        "name": _queries(client, INBOX, {"search": "erika  mustermann"}),
    }
    for index in range(40):
        case = case_make(municipality=norderstedt, name=f"Person {index}")
        services.case_assign(case=case, assignee=clerk if index % 2 else second_clerk, actor=clerk)
    many = {
        "first page": _queries(client, INBOX),
        "status": _queries(client, INBOX, {"status": "submitted"}),
        "reference": _queries(client, INBOX, {"search": first.reference[:-1]}),
        "name": _queries(client, INBOX, {"search": "Person 3"}),
    }
    assert few == many == dict.fromkeys(few, INBOX_QUERIES)


def test_case_page_query_count_is_pinned_for_short_and_long_histories(
    as_staff, clerk, citizen, nor_case
):
    client = as_staff(clerk)
    url = reverse("backoffice:case_detail", args=[nor_case.reference])
    client.get(url)  # warm the host cache
    short = _queries(client, url)
    services.case_transition(case=nor_case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_assign(case=nor_case, assignee=clerk, actor=clerk)
    for index in range(15):
        services.message_send(case=nor_case, sender=citizen, body=f"Nachricht {index}")
        services.message_send(case=nor_case, sender=clerk, body=f"Antwort {index}")
    long = _queries(client, url)
    assert short == long == CASE_PAGE_QUERIES
