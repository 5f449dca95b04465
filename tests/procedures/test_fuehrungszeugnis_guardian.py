"""Führungszeugnis prepared by a legal guardian for their child of 14 to 17 (§30(1) sentence 2
BZRG): the children offered come from the register (eID session, the parent matched, custody,
never anyone under an Auskunftssperre); a child under 14, a person who is not the applicant's
child in their custody and a child of 18 or over are refused with a clear message; the case
records the guardian as the applicant and the child as the person concerned; the message to the
federal register names both (valid against its schema); the clerk's page and the "what to bring"
text say that both come; nobody else sees or acts on the case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from lxml import etree

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.plugin import procedure_get
from rathaus.payments.selectors import payment_for_case
from rathaus.procedures.fuehrungszeugnis.messages import NAMESPACE, bzr_schema
from rathaus.procedures.fuehrungszeugnis.models import BzrOutboxMessage
from rathaus.procedures.fuehrungszeugnis.pages import ChildPage, SubjectPage
from rathaus.procedures.fuehrungszeugnis.rules import GuardianRefusal, guardian_refusal
from rathaus.procedures.fuehrungszeugnis.services import application_data, person_concerned
from rathaus.procedures.fuehrungszeugnis.subject import ChildRegisterSource
from rathaus.register.constants import BlockKind, FamilyRelation, ResidenceKind, Sex
from rathaus.register.selectors import residence_current
from rathaus.register.services import (
    Address,
    PersonData,
    block_set,
    family_link,
    person_create,
    residence_move_in,
)
from tests.accounts.factories import login_verified, staff_create

from .meldewesen import eid_session, eid_user, register_person
from .test_fuehrungszeugnis import PDF, _counter_approve, _pay

KEY = "fuehrungszeugnis"
TODAY = timezone.localdate()
NS = {"b": NAMESPACE}


@pytest.fixture(autouse=True)
def empty_schedule():
    yield
    HUEY.storage.flush_schedule()


def years_ago(years: int, *, days: int = 0) -> dt.date:
    day = TODAY + dt.timedelta(days=days)
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- the rule (no database) --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("in_custody", "born", "refusal"),
    [
        (True, years_ago(14), None),
        (True, years_ago(15), None),
        (True, years_ago(18, days=1), None),
        (True, years_ago(14, days=1), GuardianRefusal.TOO_YOUNG),
        (True, years_ago(10), GuardianRefusal.TOO_YOUNG),
        (True, years_ago(18), GuardianRefusal.ADULT),
        (True, years_ago(30), GuardianRefusal.ADULT),
        (False, years_ago(15), GuardianRefusal.NOT_IN_CUSTODY),
    ],
)
def test_a_guardian_applies_only_for_their_child_of_14_to_17(in_custody, born, refusal):
    assert guardian_refusal(in_custody=in_custody, birth_date=born, on=TODAY) == refusal


# --- the register's family --------------------------------------------------------------------
@pytest.fixture
def leyla(register):
    return eid_user("leyla.yilmaz@example.org", "Leyla", "Yılmaz", (1991, 11, 23))


@pytest.fixture
def aylin(register):
    """Leyla's daughter in the demo register, 15, in her custody and living with her."""
    child = register_person(register, "Aylin")
    assert child.birth_date == TODAY - dt.timedelta(days=15 * 365 + 120)
    return child


def relative_add(town, parent_given: str, given: str, born: dt.date, *, custody=True, home=True):
    """A child of the register's ``parent_given``, living with them (``home``) or elsewhere."""
    parent = register_person(town, parent_given)
    child = person_create(
        municipality=town, data=PersonData(parent.family_name, given, born, Sex.MALE)
    )
    address = residence_current(person=parent)
    where = (
        Address(address.street, address.house_number, address.postal_code, address.city)
        if home
        else Address("Ohechaussee", "7", "22848", "Norderstedt")
    )
    residence_move_in(
        person=child, address=where, kind=ResidenceKind.MAIN, moved_in=TODAY, actor=None, case=None
    )
    family_link(person=parent, relative=child, relation=FamilyRelation.CHILD, custody=custody)
    return child


def _context(town, user, *, answers=None, trust_level="high"):
    case = services.case_draft_start(
        municipality=town, procedure=procedure_get(KEY), actor=user, owner_token="t"
    )
    context = services.case_context(case=case, actor=user, trust_level=trust_level)
    return context.with_answers(answers or {})


def _subject_page(town, user, subject=None, *, trust_level="high"):
    data = None if subject is None else {"subject": subject}
    return SubjectPage(data=data, context=_context(town, user, trust_level=trust_level))


def test_the_children_offered_come_from_the_register(register, leyla, aylin, erika):
    choices = dict(_subject_page(register, leyla).fields["subject"].choices)
    assert next(iter(choices)) == "self"
    assert "Aylin Yılmaz" in choices[str(aylin.public_id)]
    # Erika's daughter Paula is 12: not offered, and the page says why.
    erika_page = _subject_page(register, erika)
    assert list(dict(erika_page.fields["subject"].choices)) == ["self"]
    assert "Paula Mustermann" in str(erika_page.fields["subject"].help_text)
    assert "unter 14" in str(erika_page.fields["subject"].help_text)
    # With a password alone (trust level below "high"), no register data is shown.
    low = _subject_page(register, leyla, trust_level="substantial")
    assert list(dict(low.fields["subject"].choices)) == ["self"]


def test_a_child_under_an_auskunftssperre_is_never_offered(register, leyla, aylin):
    block_set(person=aylin, kind=BlockKind.AUSKUNFTSSPERRE, valid_from=TODAY)
    assert str(aylin.public_id) not in dict(
        _subject_page(register, leyla).fields["subject"].choices
    )
    form = _subject_page(register, leyla, str(aylin.public_id))
    assert not form.is_valid()
    assert "nicht als Ihr Kind" in " ".join(form.errors["subject"])


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("paula", "ab 14 Jahren"),  # Erika's daughter, 12
        ("adult", "18 Jahre oder älter"),
        ("no_custody", "nicht als Ihr Kind"),
        ("elsewhere", "nicht als Ihr Kind"),
        ("stranger", "nicht als Ihr Kind"),
    ],
)
def test_the_wrong_person_is_refused_with_a_clear_message(register, erika, who, message):
    people = {
        "paula": lambda: register_person(register, "Paula"),
        "adult": lambda: relative_add(register, "Erika", "Jonas", years_ago(19)),
        "no_custody": lambda: relative_add(register, "Erika", "Tim", years_ago(15), custody=False),
        "elsewhere": lambda: relative_add(register, "Erika", "Ben", years_ago(16), home=False),
        "stranger": lambda: register_person(register, "Aylin"),  # Leyla's daughter
    }
    person = people[who]()
    form = _subject_page(register, erika, str(person.public_id))
    assert not form.is_valid()
    assert message in " ".join(form.errors["subject"])


def test_without_the_eid_a_child_cannot_be_chosen(register, leyla, aylin):
    form = _subject_page(register, leyla, str(aylin.public_id), trust_level="substantial")
    assert not form.is_valid()
    assert "Online-Ausweisfunktion" in " ".join(form.errors["subject"])
    assert _subject_page(register, leyla, "self", trust_level="substantial").is_valid()


def test_the_childs_page_is_offered_from_the_register_and_must_match_it(register, leyla, aylin):
    answers = {"subject": str(aylin.public_id)}
    context = _context(register, leyla, answers=answers)
    values = ChildRegisterSource().values(context)
    assert values["given_names"] == "Aylin" and values["street"] == "Ulzburger Straße"
    data = {f"child_{name}": value for name, value in values.items()}
    data["child_birth_place"] = "Norderstedt"
    assert ChildPage(data=data, context=context).is_valid()
    wrong = ChildPage(data={**data, "child_given_names": "Elif"}, context=context)
    assert not wrong.is_valid() and "Aylin" in " ".join(wrong.errors["child_given_names"])
    # Another citizen gets nothing of the child's data.
    other = eid_user("erika.mustermann@example.org", "Erika", "Mustermann", (1964, 8, 12))
    assert ChildRegisterSource().values(_context(register, other, answers=answers)) == {}
    assert not ChildPage(data=data, context=_context(register, other, answers=answers)).is_valid()


# --- the whole way ----------------------------------------------------------------------------
def _save(case, user, slug, data):
    procedure = procedure_get(KEY)
    page = procedure.page(slug)
    context = services.case_context(case=case, actor=user, trust_level="high")
    form = page(data=data, context=context)
    assert form.is_valid(), form.errors
    services.case_draft_answers_save(
        case=case, page=page, cleaned_data=form.cleaned_data, actor=user
    )
    case.refresh_from_db()


def guardian_draft(town, leyla, child, client, *, kind="N", basis="pay"):
    eid_session(client, leyla)
    case = services.case_draft_start(
        municipality=town,
        procedure=procedure_get(KEY),
        actor=leyla,
        owner_token="t",
        trust_level="high",
    )
    _save(case, leyla, "fuer-wen", {"subject": str(child.public_id)})
    context = services.case_context(case=case, actor=leyla, trust_level="high")
    values = ChildRegisterSource().values(context)
    data = {f"child_{name}": value for name, value in values.items()}
    _save(case, leyla, "kind", {**data, "child_birth_place": "Norderstedt"})
    _save(case, leyla, "art", {"kind": kind, "purpose": "Ferienjob im Schwimmbad"})
    if kind in {"O", "OE"}:
        authority = {
            "authority_name": "Stadt Norderstedt, Personalamt",
            "authority_address": "Rathausallee 50, 22846 Norderstedt",
            "authority_reference": "PA-2026-3",
            "court": "",
        }
        _save(case, leyla, "behoerde", authority)
    if kind in {"NE", "OE"}:
        response = client.post(
            f"/anliegen/{KEY}/{case.public_id}/anhang-aufforderung/",
            {"request_letter": SimpleUploadedFile("aufforderung.pdf", PDF)},
            HTTP_HOST="norderstedt.localhost",
        )
        assert response.status_code == 302
    _save(case, leyla, "gebuehr", {"fee_basis": basis})
    case.refresh_from_db()
    return case


def _submit(case, user):
    case, _created = services.case_submit(
        case=case, actor=user, idempotency_key=case.idempotency_key, trust_level="high"
    )
    return case


def test_the_case_records_the_guardian_and_the_child(register, leyla, aylin, client):
    case = guardian_draft(register, leyla, aylin, client)
    answers = case.answers
    assert answers["subject"] == str(aylin.public_id)
    assert answers["guardian"]["given_names"] == "Leyla"
    assert person_concerned(answers)["given_names"] == "Aylin"
    assert "given_names" not in answers  # the "About you" page is not asked
    case = _submit(case, leyla)
    assert case.applicant_id == leyla.pk and case.applicant_name == "Leyla Yılmaz"
    # The adult's fee.
    assert case.status == CaseStatus.AWAITING_PAYMENT
    assert payment_for_case(case=case).amount == Decimal("13.00")


def test_the_check_page_says_both_come_and_what_to_bring(register, leyla, aylin, client):
    case = guardian_draft(register, leyla, aylin, client, kind="NE")
    page = client.get(
        f"/anliegen/{KEY}/{case.public_id}/pruefen/", HTTP_HOST="norderstedt.localhost"
    ).content.decode()
    assert "Aylin Yılmaz" in page and "Leyla Yılmaz" in page
    assert "Personalausweis, Reisepass oder Kinderreisepass Ihres Kindes" in page
    assert "gemeinsam mit Ihrem Kind" in page
    assert "an Sie als antragstellende Person" in page  # § 30 (4) BZRG: NE goes to the applicant
    assert "Aufforderung" in page  # the extended certificate's letter, as for an adult
    english = client.get(
        f"/anliegen/{KEY}/{case.public_id}/pruefen/",
        HTTP_HOST="norderstedt.localhost",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "your child&#x27;s ID card, passport or children&#x27;s passport" in english


def test_an_application_for_a_child_who_turned_18_is_refused_on_submit(
    register, leyla, aylin, client
):
    case = guardian_draft(register, leyla, aylin, client)
    aylin.birth_date = years_ago(18)
    aylin.save()
    with pytest.raises(CaseError) as refused:
        _submit(case, leyla)
    assert refused.value.code == "incomplete_answers"


@pytest.mark.parametrize(("kind", "basis"), [("N", "pay"), ("OE", "pay"), ("O", "reduction")])
def test_the_message_names_the_child_and_the_guardian_and_validates(
    register, leyla, aylin, client, django_capture_on_commit_callbacks, kind, basis
):
    case = _submit(guardian_draft(register, leyla, aylin, client, kind=kind, basis=basis), leyla)
    if case.status == CaseStatus.AWAITING_PAYMENT:
        _pay(case)
    client.logout()
    clerk = staff_create(municipality=register)
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    login_verified(client, clerk)
    page = client.get(f"/verwaltung/faelle/{case.reference}/").content.decode()
    assert "Identitätsprüfung am Schalter" in page
    assert "Antragstellend (gesetzliche Vertretung): Leyla Yılmaz" in page
    assert "Betroffene Person (Kind): Aylin Yılmaz" in page
    with django_capture_on_commit_callbacks(execute=True):
        case = _counter_approve(case, clerk, client)
    assert case.status == CaseStatus.APPROVED
    message = BzrOutboxMessage.objects.get(case=case)
    document = etree.fromstring(message.content.encode())
    assert bzr_schema().validate(document), bzr_schema().error_log
    assert document.findtext("b:betroffener/b:vornamen", namespaces=NS) == "Aylin"
    assert document.findtext("b:betroffener/b:geburtsort", namespaces=NS) == "Norderstedt"
    guardian = "b:antragsteller/b:gesetzlicherVertreter/"
    assert document.findtext(guardian + "b:vornamen", namespaces=NS) == "Leyla"
    assert document.findtext(guardian + "b:geburtsdatum", namespaces=NS) == "1991-11-23"
    assert document.findtext(guardian + "b:grundlage", namespaces=NS) == "elterliche-sorge"
    assert document.findtext("b:identitaetspruefung/b:umfang", namespaces=NS) == (
        "betroffener-und-gesetzlicher-vertreter"
    )
    assert document.findtext("b:antrag/b:belegart", namespaces=NS) == kind


def test_a_message_for_oneself_names_the_person_as_the_applicant(register, erika):
    """The applicant applies themself: ``betroffenerSelbst``, one identity checked."""
    case = services.case_draft_start(
        municipality=register, procedure=procedure_get(KEY), actor=erika, owner_token="t"
    )
    case.answers = {
        "subject": "self",
        "guardian": None,
        "given_names": "Erika",
        "family_name": "Mustermann",
        "birth_date": "1964-08-12",
        "birth_place": "Kiel",
        "street": "Rathausallee",
        "house_number": "12",
        "postal_code": "22846",
        "city": "Norderstedt",
        "kind": "N",
        "fee_basis": "reduction",
    }
    data = application_data(case=case, checked_at=timezone.now())
    assert data.representative is None and data.given_names == "Erika"


# --- nobody else ------------------------------------------------------------------------------
def test_another_citizen_cannot_see_or_act_on_the_guardians_case(
    register, leyla, aylin, erika, client
):
    draft = guardian_draft(register, leyla, aylin, client)
    case = _submit(guardian_draft(register, leyla, aylin, client), leyla)
    client.logout()
    eid_session(client, erika)
    host = {"HTTP_HOST": "norderstedt.localhost"}
    for url in [
        f"/anliegen/meine/{case.reference}/",
        f"/termine/anliegen/{case.reference}/",
        f"/anliegen/{KEY}/{draft.public_id}/fuer-wen/",
        f"/anliegen/{KEY}/{draft.public_id}/kind/",
        f"/anliegen/{KEY}/{draft.public_id}/pruefen/",
    ]:
        assert client.get(url, **host).status_code == 404, url
    response = client.post(
        f"/anliegen/{KEY}/{draft.public_id}/fuer-wen/", {"subject": "self"}, **host
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.answers["subject"] == str(aylin.public_id)
    # Erika choosing Leyla's daughter in her own draft is refused.
    own = services.case_draft_start(
        municipality=register,
        procedure=procedure_get(KEY),
        actor=erika,
        owner_token="t",
        trust_level="high",
    )
    page = client.post(
        f"/anliegen/{KEY}/{own.public_id}/fuer-wen/", {"subject": str(aylin.public_id)}, **host
    ).content.decode()
    assert "Fehler:" in page and "nicht als Ihr Kind" in page
    own.refresh_from_db()
    assert "subject" not in own.answers
