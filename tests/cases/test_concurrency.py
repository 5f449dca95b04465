"""Reference numbers stay gap-free and unique when many citizens submit at the same moment."""

import threading

import pytest
from django.db import close_old_connections, connection

from rathaus.cases import services
from rathaus.cases.models import Case, ReferenceCounter

from .conftest import draft_make

SUBMITTERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_get_gap_free_unique_numbers(norderstedt, citizen):
    # One earlier submit creates this year's counter row, so the race is on the row lock itself.
    services.case_submit(
        case=(first := draft_make(municipality=norderstedt, actor=citizen)),
        actor=citizen,
        idempotency_key=first.idempotency_key,
    )
    drafts = [draft_make(municipality=norderstedt, actor=citizen) for _ in range(SUBMITTERS)]
    barrier = threading.Barrier(SUBMITTERS)
    errors: list[BaseException] = []

    def submit(case):
        try:
            barrier.wait(timeout=30)
            services.case_submit(case=case, actor=citizen, idempotency_key=case.idempotency_key)
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=submit, args=(case,)) for case in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()

    assert errors == []
    sequences = sorted(
        int(reference.rsplit("-", 1)[1])
        for reference in Case.objects.filter(municipality=norderstedt).values_list(
            "reference", flat=True
        )
    )
    assert sequences == list(range(1, SUBMITTERS + 2))
    assert ReferenceCounter.objects.get(municipality=norderstedt).last_value == SUBMITTERS + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_of_one_draft_creates_one_case(norderstedt, citizen):
    case = draft_make(municipality=norderstedt, actor=citizen)
    barrier = threading.Barrier(5)
    results: list = []

    def submit():
        try:
            barrier.wait(timeout=30)
            results.append(
                services.case_submit(case=case, actor=citizen, idempotency_key=case.idempotency_key)
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()

    assert len(results) == 5
    assert sorted(created for _case, created in results) == [False, False, False, False, True]
    assert len({submitted.reference for submitted, _created in results}) == 1
    assert ReferenceCounter.objects.get(municipality=norderstedt).last_value == 1
