"""The procedure plugin registry and the general request's questions (no database needed)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from rathaus.accounts.constants import TrustLevel
from rathaus.procedures import fees
from rathaus.procedures.base import Procedure, QuestionPage, answer_display, answer_to_json
from rathaus.procedures.registry import (
    procedure_get,
    procedure_get_or_404,
    procedure_registry,
    procedure_title,
)

GENERAL = "allgemeines-anliegen"


def test_general_request_is_registered_with_its_declarations():
    procedure = procedure_get(GENERAL)
    assert GENERAL in procedure_registry
    assert procedure.service_slug == "allgemeines-anliegen"
    assert procedure.trust_level == TrustLevel.BASIC and procedure.account_required is False
    assert procedure.retention == datetime.timedelta(days=365)
    assert procedure.four_eyes is False
    assert procedure.issuable_document_types == ["reply_letter"]
    assert all(issubclass(page, QuestionPage) for page in procedure.pages)
    assert len({page.slug for page in procedure.pages}) == len(procedure.pages)


def test_registering_a_key_twice_is_an_error():
    with pytest.raises(ValueError):
        procedure_registry.register(GENERAL)(Procedure())


def test_unknown_procedure():
    from django.http import Http404

    with pytest.raises(KeyError):
        procedure_get("nope")
    with pytest.raises(Http404):
        procedure_get_or_404("nope")
    assert procedure_title("nope") == "nope"


def test_phone_page_is_asked_only_when_phone_is_chosen():
    procedure = procedure_get(GENERAL)
    slugs = [page.slug for page in procedure.active_pages({"contact_preference": "phone"})]
    assert slugs == ["anliegen", "kontakt", "telefon", "angaben"]
    slugs = [page.slug for page in procedure.active_pages({"contact_preference": "email"})]
    assert slugs == ["anliegen", "kontakt", "angaben"]


def test_clean_answers_drops_answers_of_pages_not_asked():
    procedure = procedure_get(GENERAL)
    cleaned = procedure.clean_answers(
        {"subject": "S", "contact_preference": "post", "phone": "040", "stray": "x"}
    )
    assert cleaned == {"subject": "S", "contact_preference": "post"}


def test_first_unanswered_page():
    procedure = procedure_get(GENERAL)
    answers = {"subject": "S", "message": "M", "add_file": False, "contact_preference": ""}
    assert procedure.first_unanswered_page(answers).slug == "angaben"
    answers.update(applicant_name="Erika Mustermann", email="")
    assert procedure.first_unanswered_page(answers) is None
    answers["contact_preference"] = "phone"
    assert procedure.first_unanswered_page(answers).slug == "telefon"


def test_summary_rows_show_choice_labels():
    procedure = procedure_get(GENERAL)
    with translation.override("en"):
        rows = procedure.summary_rows(
            {
                "subject": "S",
                "message": "M",
                "add_file": False,
                "contact_preference": "post",
                "applicant_name": "E",
                "email": "",
            }
        )
    values = [value for _page, _label, value in rows]
    assert values == ["S", "M", "No", "By letter", "E", ""]  # "No": no file added


def test_answer_serialisation_and_display():
    from django import forms

    assert answer_to_json(datetime.date(2026, 5, 1)) == "2026-05-01"
    assert answer_to_json(Decimal("1.50")) == "1.50"
    with translation.override("en"):
        assert answer_display(forms.BooleanField(), True) == "Yes"
    assert answer_display(forms.CharField(), "") == ""


def test_fee_comes_from_the_catalogue_when_it_offers_a_fee_rule(monkeypatch):
    procedure = procedure_get(GENERAL)
    calls = []

    class FakeSelectors:
        @staticmethod
        def service_fee(*, municipality, service_slug):
            calls.append((municipality, service_slug))
            return Decimal("0.00")

    monkeypatch.setattr(fees, "import_module", lambda name: FakeSelectors)
    assert procedure.fee(municipality="town") == Decimal("0.00")
    assert calls == [("town", "allgemeines-anliegen")]

    def missing(name):
        raise ImportError(name)

    monkeypatch.setattr(fees, "import_module", missing)
    assert procedure.fee(municipality="town") is None
