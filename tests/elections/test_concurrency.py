"""One Wahlschein per voter and election, decided by the database when applications and clerks
act at the same moment (PostgreSQL: SQLite serialises all writes and cannot show the race)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from rathaus.elections import services
from rathaus.elections.constants import ApplicationStatus, ElectionErrorCode
from rathaus.elections.errors import ElectionError
from rathaus.elections.models import Application, Voter, Wahlschein

from .conftest import IN_TIME, anna

THREADS = 12


def _race(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(index):
        try:
            barrier.wait(timeout=30)
            results.append(work(index))
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results, errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_applications_for_one_voter_give_one_accepted(election):
    deliveries = ["registered", "pickup"]
    results, errors = _race(
        THREADS,
        lambda i: services.application_submit(
            election=election, data=anna(delivery=deliveries[i % 2]), now=IN_TIME
        ),
    )
    assert errors == []
    accepted = [r for r in results if r.application is not None]
    told = [r for r in results if r.refusal == ElectionErrorCode.ALREADY_APPLIED]
    assert len(accepted) == 1 and len(told) == THREADS - 1
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_one_wahlschein(election):
    application = services.application_submit(election=election, data=anna(), now=IN_TIME)
    services.election_lists_approve(election=election, actor=None)

    def issue(_index):
        try:
            return services.wahlschein_issue(application=application.application, actor=None)
        except ElectionError as error:
            return error.code

    results, errors = _race(THREADS, issue)
    assert errors == []
    assert sum(isinstance(r, Wahlschein) for r in results) == 1
    assert Wahlschein.objects.count() == 1
    assert Voter.objects.get(number=1).wahlschein_marked
