"""Two Anmeldungen for the same person, decided at the same moment on PostgreSQL: never two open
main residences (the register locks the person and the database holds the invariant), and a
landlord's code raced by two registrations serves one of them only."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.register import demo as register_demo
from rathaus.register.constants import AssignmentCodeKind, ResidenceKind
from rathaus.register.models import AssignmentCode, Person, Residence
from rathaus.register.services import Address, assignment_code_issue

from .anmeldung_helpers import anmeldung_pages, draft, fill, person, submit

ERIKAS = [("Erika", "Mustermann")]


@pytest.fixture
def register(towns, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.RATHAUS_DEMO_RESIDENTS = 10
    register_demo.load()
    return towns[0]


def _code(town, street, number, postal_code):
    return assignment_code_issue(
        municipality=town,
        kind=AssignmentCodeKind.LANDLORD,
        address=Address(street, number, postal_code, town.name),
        moved_in=timezone.localdate(),
        persons=ERIKAS,
    ).code


def _race(cases, user):
    barrier = threading.Barrier(len(cases))
    results, errors = [], []

    def go(case):
        try:
            barrier.wait(timeout=30)
            results.append(submit(case, user))
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=go, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results, errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_anmeldungen_racing_for_one_person_leave_one_main_residence(register):
    erika = person(
        "erika.mustermann@example.org", "Erika", "Mustermann", datetime.date(1964, 8, 12)
    )
    homes = [("Ohechaussee", "17", "22848"), ("Buchenweg", "8", "22844")]
    cases = []
    for street, number, postal_code in homes:
        case = draft(register, erika, "ummeldung")
        pages = anmeldung_pages(
            street=street,
            number=number,
            postal_code=postal_code,
            code=_code(register, street, number, postal_code),
        )
        assert fill(case, erika, pages) is None
        cases.append(case)
    results, errors = _race(cases, erika)
    assert errors == []
    assert sorted(case.status for case in results) == [CaseStatus.APPROVED] * 2
    subject = next(
        p for p in Person.objects.filter(municipality=register) if p.given_names == "Erika"
    )
    open_main = Residence.objects.filter(
        person=subject, kind=ResidenceKind.MAIN, moved_out__isnull=True
    )
    assert open_main.count() == 1
    assert open_main.get().street in ("Ohechaussee", "Buchenweg")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_code_raced_by_two_registrations_serves_one(register):
    erika = person(
        "erika.mustermann@example.org", "Erika", "Mustermann", datetime.date(1964, 8, 12)
    )
    code = _code(register, "Ohechaussee", "17", "22848")
    cases = []
    for _ in range(2):
        case = draft(register, erika, "ummeldung")
        assert fill(case, erika, anmeldung_pages(code=code)) is None
        cases.append(case)
    results, errors = _race(cases, erika)
    # The loser either finds the code taken when its answers are checked again on submit
    # (refused), or reaches the clerk without the system's decision: never approved twice.
    approved = [case for case in results if case.status == CaseStatus.APPROVED]
    assert len(approved) == 1
    assert len(results) + len(errors) == 2
    assert all(case.status in (CaseStatus.APPROVED, CaseStatus.SUBMITTED) for case in results)
    assert AssignmentCode.objects.get().used_by_id == approved[0].pk
