"""The Rückmeldung (§33(1) BMG): a move from another German town writes one XML message per
person to the outbox, valid against the project's schema (structure of XMeld 0202), with the
0203 answer due in three working days; a daily check marks overdue ones for the clerk."""

from __future__ import annotations

import datetime

import pytest
from lxml import etree

from rathaus.cases.constants import CaseStatus
from rathaus.procedures import tasks
from rathaus.register import demo as register_demo
from rathaus.register.constants import MessageStatus
from rathaus.register.messages import MessageInvalid, message_validate, rueckmeldung_schema
from rathaus.register.models import OutboxMessage
from rathaus.register.services import rueckmeldung_answered, working_days_after

from .anmeldung_helpers import anmeldung_pages, draft, fill, landlord_confirm, person, submit
from .test_anmeldung import FAMILY, TENANTS, _code

NS = {"m": "urn:rathaus:xmeld:rueckmeldung:0202"}


@pytest.fixture
def register(towns, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.RATHAUS_DEMO_RESIDENTS = 10
    register_demo.load()
    return towns[0]


@pytest.fixture
def family_case(register):
    leyla = person("leyla.yilmaz@example.org", "Leyla", "Yılmaz", datetime.date(1991, 11, 23))
    max_ = person("max.mustermann@example.org", "Max", "Mustermann", datetime.date(2004, 3, 1))
    code = _code(landlord_confirm(register, leyla, tenants=TENANTS))
    case = draft(register, max_, "anmeldung")
    assert fill(case, max_, anmeldung_pages(movers=FAMILY, code=code)) is None
    case = submit(case, max_)
    assert case.status == CaseStatus.APPROVED
    return case


def test_a_move_from_another_town_writes_one_valid_message_per_person(family_case):
    messages = list(OutboxMessage.objects.filter(case=family_case))
    assert len(messages) == 3
    schema = rueckmeldung_schema()
    names = set()
    for message in messages:
        document = etree.fromstring(message.content.encode())
        assert schema.validate(document), schema.error_log
        assert message.status == MessageStatus.AWAITING_ANSWER
        assert document.findtext("m:nachrichtenkopf/m:nachrichtenId", namespaces=NS) == str(
            message.public_id
        )
        assert document.findtext("m:nachrichtenkopf/m:absender/m:ags", namespaces=NS) == (
            "01060063"
        )
        assert document.findtext("m:bisherigeWohnung/m:ort", namespaces=NS) == "Reinbek"
        assert document.findtext("m:neueWohnung/m:anschrift/m:strasse", namespaces=NS) == (
            "Ohechaussee"
        )
        names.add(document.findtext("m:person/m:vornamen", namespaces=NS))
        assert (
            message.answer_due
            == working_days_after(message.created_at.astimezone(datetime.UTC).date(), 3, state="SH")
            or message.answer_due > message.created_at.date()
        )
        # Nothing the Rückmeldung does not need: no religion, no nationality, no ID document.
        assert "ev" not in document.itertext() and "L01X00T47" not in message.content
    assert names == {"Max", "Sophie", "Lena"}


def test_an_ummeldung_within_the_town_writes_no_rueckmeldung(register):
    leyla = person("leyla.yilmaz@example.org", "Leyla", "Yılmaz", datetime.date(1991, 11, 23))
    erika = person(
        "erika.mustermann@example.org", "Erika", "Mustermann", datetime.date(1964, 8, 12)
    )
    code = _code(landlord_confirm(register, leyla, tenants=(("Erika", "Mustermann"),)))
    case = draft(register, erika, "ummeldung")
    previous = {
        "previous_place": "de",
        "prev_street": "Rathausallee",
        "prev_house_number": "12",
        "prev_postal_code": "22846",
        "prev_city": "Norderstedt",
    }
    assert fill(case, erika, anmeldung_pages(code=code, previous=previous)) is None
    assert submit(case, erika).status == CaseStatus.APPROVED
    assert not OutboxMessage.objects.exists()


def test_three_working_days_skip_weekends_and_holidays():
    # Thursday 24 December 2026: Christmas (25th, 26th) and the weekend do not count.
    assert working_days_after(datetime.date(2026, 12, 24), 3, state="SH") == datetime.date(
        2026, 12, 30
    )
    assert working_days_after(datetime.date(2026, 11, 2), 3, state="SH") == datetime.date(
        2026, 11, 5
    )


def test_overdue_answers_go_to_the_clerk(family_case):
    messages = list(OutboxMessage.objects.filter(case=family_case).order_by("pk"))
    rueckmeldung_answered(message=messages[0])
    OutboxMessage.objects.filter(case=family_case).update(answer_due=datetime.date(2026, 1, 5))
    tasks.rueckmeldungen_overdue.call_local()
    statuses = [m.status for m in OutboxMessage.objects.filter(case=family_case).order_by("pk")]
    assert statuses == [MessageStatus.ANSWERED, MessageStatus.OVERDUE, MessageStatus.OVERDUE]
    family_case.refresh_from_db()
    assert family_case.stage == "rueckmeldung_overdue"
    # Run again: nothing new, no error.
    tasks.rueckmeldungen_overdue.call_local()
    family_case.refresh_from_db()
    assert family_case.stage == "rueckmeldung_overdue"


def test_a_message_that_breaks_the_schema_is_refused(family_case):
    content = OutboxMessage.objects.filter(case=family_case).first().content
    message_validate(content.encode())
    broken = content.replace(
        "<postleitzahl>21465</postleitzahl>", "<postleitzahl>2146</postleitzahl>"
    )
    with pytest.raises(MessageInvalid):
        message_validate(broken.encode())
