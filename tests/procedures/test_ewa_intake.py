"""Intake of Anmeldungen from the national eWA service (a file drop in the demo, structure of
XMeld 1704): a valid message becomes a case for the clerk, who accepts it (register and
Meldebestätigung), answers with a code letter, or rejects it; invalid or foreign messages are
refused and set aside with their reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.documents.models import IssuedDocument
from rathaus.procedures.anmeldung.ewa import EwaMessageRefused, ewa_message_intake
from rathaus.procedures.anmeldung.services import code_letter_issue
from rathaus.register import demo as register_demo
from rathaus.register.messages import xml_parse_valid
from rathaus.register.models import OutboxMessage, Person
from rathaus.register.selectors import residence_current
from tests.accounts.factories import staff_create

SAMPLE = Path(__file__).parent / "data" / "ewa-anmeldung-1704.xml"


@pytest.fixture
def register(towns, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.RATHAUS_EWA_DROP_DIR = str(tmp_path / "ewa")
    settings.RATHAUS_DEMO_RESIDENTS = 10
    register_demo.load()
    return towns[0]


@pytest.fixture
def clerk(register):
    return staff_create(municipality=register, email="clara@norderstedt.example")


def _message(**replace) -> bytes:
    text = SAMPLE.read_text().replace("MOVED_IN", timezone.localdate().isoformat())
    for old, new in replace.items():
        text = text.replace(old, new)
    return text.encode()


def test_the_sample_message_follows_the_schema():
    xml_parse_valid(_message(), schema="ewa-anmeldung-1704.xsd")


def test_a_message_becomes_a_case_the_clerk_accepts(register, clerk):
    result = ewa_message_intake(municipality=register, xml=_message(), actor=clerk)
    case = result.case
    assert result.message_id == "ewa-2026-000815"
    assert case.status == CaseStatus.SUBMITTED  # no landlord code: the clerk decides
    assert case.answers["method"] == "letter" and case.applicant_id is None
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    case, approved = services.case_approve(case=case, actor=clerk)
    assert approved and case.status == CaseStatus.APPROVED
    nowaks = [p for p in Person.objects.filter(municipality=register) if p.family_name == "Nowak"]
    assert sorted(p.given_names for p in nowaks) == ["Ewa", "Jan"]
    assert all(residence_current(person=p).street == "Glashütter Damm" for p in nowaks)
    assert IssuedDocument.objects.filter(case=case, document_type="meldebestaetigung").exists()
    assert OutboxMessage.objects.filter(case=case).count() == 2  # Rückmeldung to Reinbek


def test_the_clerk_answers_with_a_code_letter(register, clerk):
    case = ewa_message_intake(municipality=register, xml=_message(), actor=clerk).case
    pdf = code_letter_issue(case=case, actor=clerk)
    assert pdf.startswith(b"%PDF")
    case.refresh_from_db()
    assert case.stage == "code_letter_sent"


def test_the_clerk_rejects(register, clerk):
    case = ewa_message_intake(municipality=register, xml=_message(), actor=clerk).case
    case = services.case_transition(
        case=case, to_status=CaseStatus.REJECTED, actor=clerk, reason="Doppelte Anmeldung"
    )
    assert case.status == CaseStatus.REJECTED
    assert not [p for p in Person.objects.filter(municipality=register) if p.family_name == "Nowak"]


@pytest.mark.parametrize(
    ("replace", "reason"),
    [
        ({"<postleitzahl>22851</postleitzahl>": "<postleitzahl>2285</postleitzahl>"}, "schema"),
        ({"01060063": "01062060"}, "another registration office"),
        ({"<hausnummer>44</hausnummer>": "<hausnummer>999</hausnummer>"}, "answers_invalid"),
        ({"<nachrichtentyp>1704": "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x"}, ""),
    ],
)
def test_bad_messages_are_refused(register, clerk, replace, reason):
    with pytest.raises(EwaMessageRefused) as refused:
        ewa_message_intake(municipality=register, xml=_message(**replace), actor=clerk)
    assert reason in str(refused.value)
    assert not [p for p in Person.objects.filter(municipality=register) if p.family_name == "Nowak"]


def test_the_drop_folder(register, clerk, settings):
    incoming = Path(settings.RATHAUS_EWA_DROP_DIR) / "norderstedt" / "eingang"
    incoming.mkdir(parents=True)
    (incoming / "a.xml").write_bytes(_message())
    (incoming / "b.xml").write_bytes(b"<kaputt")
    call_command("ewa_intake", town="norderstedt", clerk="clara@norderstedt.example")
    folder = incoming.parent
    assert (folder / "verarbeitet" / "a.xml").exists()
    assert (folder / "fehler" / "b.xml").exists() and (folder / "fehler" / "b.xml.txt").exists()
    assert not list(incoming.glob("*.xml"))
