"""The procedure plugin registry and the general request's questions (no database needed)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from rathaus.cases.plugin import (
    Procedure,
    ProcedureRegistry,
    QuestionPage,
    answer_display,
    answer_to_json,
    procedure_get,
    procedure_get_or_404,
    procedure_title,
    procedures,
)

GENERAL = "allgemeines-anliegen"


def test_general_request_is_registered_with_its_declarations():
    procedure = procedure_get(GENERAL)
    assert GENERAL in procedures()
    assert procedure.service_slug == "allgemeines-anliegen"
    assert procedure.account_required is False
    assert not hasattr(procedure, "trust_level")  # the catalogue's service says which
    assert procedure.retention == datetime.timedelta(days=365)
    assert procedure.four_eyes is False
    assert [kind.key for kind in procedure.document_types] == ["reply_letter"]
    assert procedure.approval_documents == ["reply_letter"]
    assert all(issubclass(page, QuestionPage) for page in procedure.pages)
    assert len({page.slug for page in procedure.pages}) == len(procedure.pages)


def test_registering_a_key_twice_is_an_error():
    registry = ProcedureRegistry.from_settings()
    with pytest.raises(ValueError):
        registry.add(type(procedure_get(GENERAL)))
    with pytest.raises(ValueError):
        registry.add(Procedure)  # no key


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
    assert slugs == ["anliegen", "kontakt", "e-mail", "angaben"]


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
                "street": "Weg 1",
                "postal_code": "22846",
                "city": "Norderstedt",
                "applicant_name": "E",
                "email": "",
            }
        )
    values = [value for _page, _name, _label, value in rows]
    # "No": no file added; the postal address is asked for a reply by letter.
    assert values == ["S", "M", "No", "By letter", "Weg 1", "22846", "Norderstedt", "E"]


def test_answer_serialisation_and_display():
    from django import forms

    assert answer_to_json(datetime.date(2026, 5, 1)) == "2026-05-01"
    assert answer_to_json(Decimal("1.50")) == "1.50"
    with translation.override("en"):
        assert answer_display(forms.BooleanField(), True) == "Yes"
    assert answer_display(forms.CharField(), "") == ""


def test_a_test_registry_replaces_the_installed_one_only_for_its_test(procedure_registry):
    class Extra(Procedure):
        key = "extra-test"
        title = "Extra"

    procedure_registry.add(Extra)
    assert procedure_title("extra-test") == "Extra"
    assert procedure_get(GENERAL) is procedure_registry.get(GENERAL)


def test_the_test_procedure_of_another_test_is_gone():
    assert "extra-test" not in procedures()
