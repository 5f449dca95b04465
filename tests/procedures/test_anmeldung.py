"""Wohnungsgeberbestätigung (§19 BMG) and Anmeldung / Ummeldung (§17, §23a BMG): the landlord's
code serves one dwelling, one date, the persons named, once and until it expires; the exact case
is decided by the system and updates the register in the approval's transaction; the
Meldebestätigung shows only what §24(2) allows and verifies on /pruefen/."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
from django.utils import timezone, translation

from rathaus.cases import services
from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.models import CaseEvent
from rathaus.cases.plugin import procedure_get
from rathaus.core.storage import encrypted_file_read
from rathaus.documents.models import IssuedDocument
from rathaus.register import services as register_services
from rathaus.register.constants import BlockKind, ResidenceKind
from rathaus.register.models import AssignmentCode, Person, RegisterChange, Residence
from rathaus.register.selectors import assignment_code_for_case, residence_current

from .anmeldung_helpers import (
    anmeldung_pages,
    draft,
    fill,
    landlord_confirm,
    person,
    submit,
    today_de,
)

FAMILY = [
    {
        "given_names": "Sophie",
        "family_name": "Mustermann",
        "birth_date": "02.02.2003",
        "sex": "w",
        "relation": "spouse",
        "nationality": "deutsch",
        "religion": "ev",
    },
    {
        "given_names": "Lena",
        "family_name": "Mustermann",
        "birth_date": "05.06.2024",
        "sex": "w",
        "relation": "child",
        "nationality": "deutsch",
        "religion": "",
    },
]
TENANTS = (("Max", "Mustermann"), ("Sophie", "Mustermann"), ("Lena", "Mustermann"))


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the German ones are in the .po)."""
    with translation.override("en"):
        yield


@pytest.fixture
def leyla(register):
    return person("leyla.yilmaz@example.org", "Leyla", "Yılmaz", datetime.date(1991, 11, 23))


@pytest.fixture
def max_(register):
    return person("max.mustermann@example.org", "Max", "Mustermann", datetime.date(2004, 3, 1))


@pytest.fixture
def erika(register):
    return person("erika.mustermann@example.org", "Erika", "Mustermann", datetime.date(1964, 8, 12))


def _pdf_text(document) -> str:
    pdf = encrypted_file_read(document.storage_name)
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _code(landlord_case) -> str:
    return assignment_code_for_case(case=landlord_case).code


def test_the_landlord_gets_a_code_and_a_verifiable_confirmation(register, leyla, nor_client):
    case = landlord_confirm(register, leyla, tenants=TENANTS)
    assert case.status == CaseStatus.APPROVED
    decision = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert decision.actor_role == ActorRole.SYSTEM and decision.rule == "landlord-identified"
    issued = AssignmentCode.objects.get(issued_for=case)
    # Stored as a keyed hash (and encrypted), never in clear in the database row.
    assert issued.code_digest and len(issued.code_digest) == 64
    assert issued.moved_in == timezone.localdate() and len(issued.person_digests) == 3
    document = IssuedDocument.objects.get(case=case)
    text = _pdf_text(document)
    code = issued.code
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in text
    assert "Ohechaussee 17" in text and "Lena Mustermann" in text
    page = nor_client.get(f"/pruefen/{document.verification_code}/")
    assert "Wohnungsgeberbestätigung" in page.content.decode()


@pytest.mark.parametrize(
    ("street", "number", "postal_code", "field", "message"),
    [
        ("Gibtsnichtweg", "1", "22848", "street", "no street of this name"),
        ("Ohechaussee", "999", "22848", "house_number", "does not exist in this street"),
        ("Ohechaussee", "17", "22846", "postal_code", "does not belong to this address"),
        ("Ohechaussee", "siebzehn", "22848", "house_number", "Enter a house number"),
    ],
)
def test_street_directory_refusals(register, max_, street, number, postal_code, field, message):
    case = draft(register, max_, "anmeldung")
    form = fill(
        case, max_, anmeldung_pages(street=street, number=number, postal_code=postal_code)[:1]
    )
    assert form is not None and message in " ".join(form.errors[field])
    case.refresh_from_db()
    assert "street" not in (case.answers or {})  # nothing half-written


def test_family_of_three_with_the_code_is_registered_by_the_system(register, leyla, max_):
    landlord_case = landlord_confirm(register, leyla, tenants=TENANTS)
    case = draft(register, max_, "anmeldung")
    assert fill(case, max_, anmeldung_pages(movers=FAMILY, code=_code(landlord_case))) is None
    case = submit(case, max_)
    assert case.status == CaseStatus.APPROVED
    decision = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert decision.actor_role == ActorRole.SYSTEM and decision.rule == "landlord-code-exact"
    moved = [
        p
        for p in Person.objects.filter(municipality=register)
        if p.family_name == "Mustermann" and p.given_names in ("Max", "Sophie", "Lena")
    ]
    assert len(moved) == 3
    for mover in moved:
        home = residence_current(person=mover)
        assert home.street == "Ohechaussee" and home.house_number == "17"
        assert RegisterChange.objects.filter(person=mover, case=case).exists()
    document = IssuedDocument.objects.get(case=case)
    text = _pdf_text(document)
    assert "Meldebestätigung" in text and "Lena" in text and "05.06.2024" in text
    # §24(2): no religion, nationality, sex or ID document on the confirmation.
    for hidden in ("deutsch", "evangelisch", "L01X00T47", "weiblich", "Reinbek"):
        assert hidden not in text


def _code_error(register, user, code, **kwargs):
    case = draft(register, user, "anmeldung")
    form = fill(case, user, anmeldung_pages(code=code, **kwargs))
    assert form is not None, "the code was accepted"
    return " ".join(form.errors["code"])


def test_code_misuse_is_refused_with_clear_messages(register, leyla, max_, erika):
    code = _code(landlord_confirm(register, leyla))  # names Max Mustermann only
    assert "different dwelling" in _code_error(register, max_, code, number="19")
    assert "different dwelling" in _code_error(
        register, max_, code, street="Rathausallee", number="5", postal_code="22846"
    )
    assert "does not name Erika Mustermann" in _code_error(register, erika, code)
    assert "does not name Sophie Mustermann" in _code_error(register, max_, code, movers=FAMILY[:1])
    assert "moving in on" in _code_error(register, max_, code, moved_in=today_de(-1))
    assert "do not know this code" in _code_error(register, max_, "AAAA-BBBB-CCCC")
    # Used once: the second registration is refused.
    case = draft(register, max_, "anmeldung")
    assert fill(case, max_, anmeldung_pages(code=code)) is None
    assert submit(case, max_).status == CaseStatus.APPROVED
    assert "already been used" in _code_error(register, max_, code)
    # Expired.
    other = landlord_confirm(register, leyla, number="21")
    AssignmentCode.objects.filter(issued_for=other).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert "expired on" in _code_error(register, max_, _code(other), number="21")


def test_ummeldung_within_the_town_ends_the_old_main_residence(register, leyla, erika):
    hans, paula = (
        next(p for p in Person.objects.filter(municipality=register) if p.given_names == name)
        for name in ("Hans", "Paula")
    )
    code = _code(
        landlord_confirm(
            register,
            leyla,
            tenants=(("Erika", "Mustermann"), ("Hans", "Mustermann"), ("Paula", "Mustermann")),
        )
    )
    case = draft(register, erika, "ummeldung")
    family = [f"spouse:{hans.public_id}", f"child:{paula.public_id}"]
    assert fill(case, erika, anmeldung_pages(family_moving=family, code=code)) is None
    case = submit(case, erika)
    assert case.status == CaseStatus.APPROVED
    for name in ("Erika", "Hans", "Paula"):
        mover = next(
            p for p in Person.objects.filter(municipality=register) if p.given_names == name
        )
        mains = Residence.objects.filter(person=mover, kind=ResidenceKind.MAIN)
        assert [r.street for r in mains.filter(moved_out__isnull=True)] == ["Ohechaussee"]
        old = mains.get(moved_out__isnull=False)
        assert old.street == "Rathausallee"
        assert old.moved_out == timezone.localdate() - datetime.timedelta(days=1)


def test_the_check_page_names_the_family_and_no_hidden_value(register, erika):
    hans = next(p for p in Person.objects.filter(municipality=register) if p.given_names == "Hans")
    case = draft(register, erika, "ummeldung")
    pages = anmeldung_pages(family_moving=[f"spouse:{hans.public_id}"], method="letter")
    assert fill(case, erika, pages) is None
    case.refresh_from_db()
    rows = {
        name: (label, value)
        for _page, name, label, value in procedure_get("ummeldung").summary_rows(case.answers)
    }
    _label, value = rows["family_moving"]
    assert "Hans" in value and str(hans.public_id) not in value
    assert "family_moving_names" not in rows
    assert all(label not in ("None", "") for label, _value in rows.values())


def test_auskunftssperre_never_in_the_prefill(register, erika, nor_client):
    hans = next(p for p in Person.objects.filter(municipality=register) if p.given_names == "Hans")
    register_services.block_set(
        person=hans, kind=BlockKind.AUSKUNFTSSPERRE, valid_from=datetime.date(2026, 1, 1)
    )
    case = draft(register, erika, "ummeldung")
    page = procedure_get("ummeldung").page("familie")
    choices = dict(
        page(context=services.case_context(case=case, actor=erika, trust_level="high"))
        .fields["family_moving"]
        .choices
    )
    assert any("Paula" in label for label in choices.values())
    assert not any("Hans" in label for label in choices.values())
    assert all(str(hans.public_id) not in value for value in choices)
    # Nor through the page itself, nor by posting his id.
    form = fill(
        case,
        erika,
        [("familie", {"family_moving": [f"spouse:{hans.public_id}"], "others_moving": "no"})],
    )
    assert form is not None and "family_moving" in form.errors


def test_late_registration_gets_a_notice_and_still_goes_through(register, leyla, max_):
    moved_in = today_de(-20)
    code = _code(landlord_confirm(register, leyla, moved_in=moved_in))
    case = draft(register, max_, "anmeldung")
    pages = anmeldung_pages(moved_in=moved_in, code=code)
    pages.insert(1, ("frist", {"noted": "on"}))
    assert fill(case, max_, pages) is None
    assert submit(case, max_).status == CaseStatus.APPROVED


def test_too_far_ahead_is_refused(register, max_, settings):
    settings.RATHAUS_ANMELDUNG_DAYS_AHEAD = 7
    case = draft(register, max_, "anmeldung")
    form = fill(case, max_, anmeldung_pages(moved_in=today_de(8))[:1])
    assert form is not None and "moved_in" in form.errors


def test_without_a_code_the_clerk_decides(register, max_):
    case = draft(register, max_, "anmeldung")
    assert fill(case, max_, anmeldung_pages(method="letter")) is None
    case = submit(case, max_)
    assert case.status == CaseStatus.SUBMITTED
    assert not IssuedDocument.objects.filter(case=case).exists()


def test_a_child_without_the_other_parent_needs_consent(register, leyla, max_):
    case = draft(register, max_, "anmeldung")
    code = _code(landlord_confirm(register, leyla, tenants=TENANTS))
    pages = anmeldung_pages(movers=FAMILY[1:], code=code)
    assert fill(case, max_, pages) is None
    procedure = procedure_get("anmeldung")
    case.refresh_from_db()
    assert procedure.page("sorgerecht") in procedure.active_pages(case.answers)
    assert fill(case, max_, [("sorgerecht", {"custody": "consent"})]) is None
    case.refresh_from_db()
    assert procedure.page("anhang-zustimmung") in procedure.active_pages(case.answers)


def test_the_registration_and_its_documents_only_for_their_owner(register, leyla, max_, client):
    landlord_case = landlord_confirm(register, leyla, tenants=TENANTS)
    case = draft(register, max_, "anmeldung")
    assert fill(case, max_, anmeldung_pages(movers=FAMILY, code=_code(landlord_case))) is None
    case = submit(case, max_)
    document = IssuedDocument.objects.get(case=case)
    urls = [
        f"/anliegen/meine/{case.reference}/",
        f"/anliegen/meine/{case.reference}/dokumente/{document.public_id}/",
        f"/anliegen/meine/{landlord_case.reference}/",
    ]
    client.force_login(max_)
    assert client.get(urls[0], HTTP_HOST="norderstedt.localhost").status_code == 200
    assert client.get(urls[1], HTTP_HOST="norderstedt.localhost").status_code == 200
    assert client.get(urls[2], HTTP_HOST="norderstedt.localhost").status_code == 404
    assert client.get(urls[0], HTTP_HOST="reinbek.localhost").status_code == 404  # other town
    client.force_login(leyla)  # the landlord sees her confirmation, not the registration
    assert client.get(urls[2], HTTP_HOST="norderstedt.localhost").status_code == 200
    for url in urls[:2]:
        assert client.get(url, HTTP_HOST="norderstedt.localhost").status_code == 404


def test_the_profile_cannot_pose_as_someone_else(register, leyla):
    """The applicant is who the eID vouched for: renamed in the profile as Erika, a citizen
    neither sees Erika's family nor registers her move."""
    code = _code(landlord_confirm(register, leyla, tenants=(("Erika", "Mustermann"),)))
    nora = person("nora@example.org", "Nora", "Niemand", datetime.date(1990, 1, 1))
    nora.given_name, nora.family_name = "Erika", "Mustermann"
    nora.birth_date = datetime.date(1964, 8, 12)
    nora.save()
    case = draft(register, nora, "ummeldung")
    page = procedure_get("ummeldung").page("familie")
    context = services.case_context(case=case, actor=nora, trust_level="high")
    assert page(context=context).fields["family_moving"].choices == []
    assert "does not name Nora Niemand" in _code_error(register, nora, code)
