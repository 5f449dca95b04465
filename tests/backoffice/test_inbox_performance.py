"""The inbox's cheaper paths behave like the plain ones: capped count, case URLs."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rathaus.backoffice import selectors as backoffice_selectors
from rathaus.backoffice.selectors import CappedCountPaginator, inbox_page
from rathaus.backoffice.views import worklist
from rathaus.cases.selectors import case_list_for_staff

from .conftest import case_make

pytestmark = pytest.mark.django_db
INBOX = "/verwaltung/"


@pytest.fixture
def seven_cases(norderstedt):
    return [case_make(municipality=norderstedt, name=f"Person {index}") for index in range(7)]


def _pages_alike(capped, plain):
    assert [case.pk for case in capped.object_list] == [case.pk for case in plain.object_list]
    assert capped.number == plain.number
    assert capped.has_previous() == plain.has_previous()
    assert capped.has_next() == plain.has_next()


def test_capped_pages_hold_the_same_rows_as_plain_pages(clerk, norderstedt, seven_cases):
    cases = case_list_for_staff(actor=clerk, municipality=norderstedt)
    for cap in (0, 3, 6, 7, 100):
        for number in ["1", "2", "3", "4", "5", "99", "0", "-1", "x", None]:
            capped = inbox_page(cases, per_page=2, page_number=number, cap=cap)
            _pages_alike(capped, Paginator(cases, 2).get_page(number))
            if capped.paginator.count_is_lower_bound:
                assert capped.paginator.count > cap
                assert capped.has_next()
            else:
                assert capped.paginator.count == 7
                assert capped.paginator.num_pages == 4


def test_the_count_reads_at_most_cap_plus_one_rows(clerk, norderstedt, seven_cases):
    cases = case_list_for_staff(actor=clerk, municipality=norderstedt)
    paginator = CappedCountPaginator(cases, 2, cap=3, page_number="1")
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 4
    assert paginator.count_is_lower_bound
    (query,) = captured.captured_queries
    assert "LIMIT 4" in query["sql"]
    # Small results are counted exactly.
    exact = CappedCountPaginator(cases, 2, cap=10, page_number="1")
    assert exact.count == 7 and not exact.count_is_lower_bound


def test_inbox_says_more_than_and_pages_on(as_staff, clerk, norderstedt, seven_cases, monkeypatch):
    monkeypatch.setattr(backoffice_selectors, "INBOX_COUNT_CAP", 3)
    monkeypatch.setattr(worklist, "INBOX_PAGE_SIZE", 2)
    client = as_staff(clerk)
    newest_first = [case.reference for case in reversed(seven_cases)]

    html = client.get(INBOX).content.decode()
    assert "More than 3 cases found" in html
    assert "Page 1</p>" in html and "Page 1 of" not in html
    assert "seite=2" in html and 'rel="prev"' not in html

    response = client.get(INBOX, {"seite": "3"})
    assert [row["case"].reference for row in response.context["rows"]] == newest_first[4:6]
    html = response.content.decode()
    assert "More than 3 cases found" in html
    assert 'rel="prev"' in html and "seite=2" in html
    assert 'rel="next"' in html and "seite=4" in html

    # At the end the count is exact again, with the number of pages.
    response = client.get(INBOX, {"seite": "4"})
    html = response.content.decode()
    assert [row["case"].reference for row in response.context["rows"]] == newest_first[6:]
    assert "7 cases found" in html and "Page 4 of 4" in html and 'rel="next"' not in html

    german = as_staff(clerk, language="de").get(INBOX).content.decode()
    assert "Mehr als 3 Vorgänge gefunden" in german and "Seite 1</p>" in german


def test_small_inbox_keeps_its_exact_count(as_staff, clerk, norderstedt, seven_cases):
    html = as_staff(clerk).get(INBOX).content.decode()
    assert "7 cases found" in html
    assert "More than" not in html


def test_case_urls_are_built_like_reverse():
    for name in ("backoffice:case_detail", "backoffice:case_assign"):
        build = worklist._reference_url_builder(name)
        for reference in ("NOR-2026-000001", "REI-2025-123456", "odd ref%ä"):
            assert build(reference) == reverse(name, args=[reference])


@pytest.mark.postgres_only
def test_postgresql_keeps_a_fine_histogram_of_the_reference_numbers():
    # A prefix search's rows are then estimated well enough for the planner to take the
    # reference index (migration cases 0013).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute"
            " WHERE attrelid = 'cases_case'::regclass AND attname = 'reference'"
        )
        assert cursor.fetchone()[0] == 1000
