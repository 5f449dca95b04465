"""The number of unread messages in a citizen's header: kept in the shared cache, forgotten by
whatever changes it."""

import pytest
from django.core.cache import cache

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.selectors import unread_cache_key, unread_message_count

from .conftest import submitted_make
from .test_retention import closed_case

pytestmark = pytest.mark.django_db


def count(citizen, town) -> int:
    return unread_message_count(actor=citizen, municipality=town)


def test_the_count_is_kept_and_a_message_from_the_town_shows_at_once(
    norderstedt, citizen, clerk, cache_backend, django_assert_num_queries
):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    with django_assert_num_queries(1):
        assert count(citizen, norderstedt) == 0
    with django_assert_num_queries(0):
        assert count(citizen, norderstedt) == 0
    services.message_send(case=case, sender=clerk, body="Bitte Foto")
    assert count(citizen, norderstedt) == 1
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_request_information(case=case, actor=clerk, message="Und die Hausnummer?")
    assert count(citizen, norderstedt) == 2
    # The applicant's own answer is never unread, and changes nothing.
    services.message_send(case=case, sender=citizen, body="Foto folgt")
    with django_assert_num_queries(0):
        assert count(citizen, norderstedt) == 2
    services.messages_mark_read(case=case, reader=citizen)
    assert count(citizen, norderstedt) == 0


def test_a_count_kept_while_a_message_was_being_written_is_forgotten_at_commit(
    norderstedt, citizen, clerk, django_capture_on_commit_callbacks
):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    key = unread_cache_key(municipality_id=norderstedt.pk, applicant_id=citizen.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(case=case, sender=clerk, body="Bitte Foto")
        # Another request counted before this one committed, and kept what it saw.
        cache.set(key, 0)
    assert cache.get(key) is None
    assert count(citizen, norderstedt) == 1


def test_each_applicant_and_town_has_a_count_of_its_own(
    norderstedt, reinbek, citizen, other_citizen, clerk
):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    assert count(citizen, norderstedt) == 0
    assert count(other_citizen, norderstedt) == 0
    assert count(citizen, reinbek) == 0
    services.message_send(case=case, sender=clerk, body="Bitte Foto")
    assert count(citizen, norderstedt) == 1
    assert count(other_citizen, norderstedt) == 0
    assert count(citizen, reinbek) == 0


def test_a_purged_case_takes_its_unread_messages_with_it(
    norderstedt, citizen, clerk, django_capture_on_commit_callbacks
):
    case = closed_case(
        town=norderstedt, applicant=citizen, clerk=clerk, status="rejected", days_ago=4000
    )
    services.message_send(case=case, sender=clerk, body="Zur Ablehnung")
    assert count(citizen, norderstedt) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.case_retention_purge()["cases"] == 1
    assert count(citizen, norderstedt) == 0


def test_without_the_shared_cache_the_count_is_read_every_time(
    norderstedt, citizen, clerk, unreachable_cache, django_assert_num_queries
):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    with django_assert_num_queries(1):
        assert count(citizen, norderstedt) == 0
    services.message_send(case=case, sender=clerk, body="Bitte Foto")
    with django_assert_num_queries(1):
        assert count(citizen, norderstedt) == 1
    services.messages_mark_read(case=case, reader=citizen)
    assert count(citizen, norderstedt) == 0
