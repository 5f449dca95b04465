"""Answers, the applicant's name and reasons are ciphertext in the raw database columns."""

import pytest
from django.db import connection

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.cases.selectors import applicant_name_digest
from rathaus.cases.services import case_transition

from .conftest import submitted_make

pytestmark = pytest.mark.django_db


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_answers_name_and_reason_are_encrypted_at_rest(norderstedt, citizen, clerk):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    case_transition(
        case=case, to_status=CaseStatus.INFO_REQUESTED, actor=clerk, reason="Bitte Foto Laterne"
    )
    answers, name, digest = _raw(
        "SELECT answers, applicant_name, applicant_name_digest FROM cases_case WHERE id = %s",
        [case.pk],
    )
    reasons = " ".join(
        row[0]
        for row in connection.cursor()
        .execute("SELECT reason FROM cases_caseevent WHERE case_id = %s", [case.pk])
        .fetchall()
    )
    for raw in (answers, name, reasons):
        for clear in ("Erika", "Mustermann", "Laterne", "Foto"):
            assert clear not in raw
    assert answers.startswith("t1$") and name.startswith("t1$")
    assert "Erika" not in digest and len(digest) == 64
    # Python still sees the clear values.
    case.refresh_from_db()
    assert case.answers["subject"] == "Laterne defekt"
    assert case.applicant_name == "Erika Mustermann"


def test_exact_name_search_works_through_the_keyed_hash(norderstedt, citizen, other_citizen):
    erika = submitted_make(municipality=norderstedt, actor=citizen)
    submitted_make(
        municipality=norderstedt,
        actor=other_citizen,
        answers={
            "subject": "Frage",
            "message": "Text",
            "contact_preference": "",
            "applicant_name": "Max Meier",
            "email": "",
        },
    )
    found = Case.objects.filter(
        municipality=norderstedt, applicant_name_digest=applicant_name_digest("erika mustermann")
    )
    assert list(found) == [erika]
