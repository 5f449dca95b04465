"""Intake of Anmeldungen from the national online registration service (eWA, §23a BMG).

eWA identifies the person with BundID and the eID and hands the application to the registration
office as an XMeld 1704 message. In the demo the messages arrive as files in a drop folder
(``RATHAUS_EWA_DROP_DIR/<town>/eingang/*.xml``; a stand-in for the real connection); each valid one
becomes an Anmeldung for the clerk, who accepts it (approve: register and Meldebestätigung), answers
with a code letter (§23a(3) BMG) or rejects it. The schema:
``register/xmeld/ewa-anmeldung-1704.xsd``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from rathaus.cases.constants import CaseErrorCode, Channel
from rathaus.cases.errors import CaseError
from rathaus.cases.plugin import procedure_get
from rathaus.cases.services import case_record
from rathaus.core.audit import audit_event_record
from rathaus.register.errors import MessageInvalid
from rathaus.register.selectors import xmeld_message_parse

from .rules import ConfirmationMethod, Custody, PreviousPlace, custody_question_needed

NS = {"m": "urn:rathaus:xmeld:ewa-anmeldung:1704"}
SCHEMA = "ewa-anmeldung-1704.xsd"
RELATIONS = {"ehegatte": "spouse", "kind": "child"}
INCOMING, DONE, FAILED = "eingang", "verarbeitet", "fehler"


class EwaMessageRefused(Exception):
    """A message that cannot become a case (invalid, for another town, answers refused)."""


def _text(node, path: str) -> str:
    return (node.findtext(path, namespaces=NS) or "").strip()


def ewa_answers(document) -> tuple[str, dict]:
    """The message's id and the Anmeldung's answers it maps to."""
    head = document.find("m:nachrichtenkopf", NS)
    new = document.find("m:neueWohnung", NS)
    previous = document.find("m:bisherigeWohnung", NS)
    persons = document.findall("m:person", NS)
    first = persons[0]
    answers: dict = {
        "street": _text(new, "m:strasse"),
        "house_number": _text(new, "m:hausnummer"),
        "address_addition": "",
        "postal_code": _text(new, "m:postleitzahl"),
        "kind": "main",  # eWA registers main or sole residences only
        "moved_in": _text(document, "m:einzugsdatum"),
        "noted": True,  # the §17 notice, where late: the clerk sees the date
        "applicant_name": f"{_text(first, 'm:vornamen')} {_text(first, 'm:familienname')}",
        "applicant_given_names": _text(first, "m:vornamen"),
        "applicant_family_name": _text(first, "m:familienname"),
        "applicant_birth_date": _text(first, "m:geburtsdatum"),
        "sex": _text(first, "m:geschlecht"),
        "nationality": _text(first, "m:staatsangehoerigkeit"),
        "religion": "",
        "id_kind": "eid_online",
        "id_number": "",
        "family_moving": [],
        "others_moving": "yes" if len(persons) > 1 else "no",
        "movers": [
            {
                "given_names": _text(person, "m:vornamen"),
                "family_name": _text(person, "m:familienname"),
                "birth_date": _text(person, "m:geburtsdatum"),
                "sex": _text(person, "m:geschlecht"),
                "relation": RELATIONS.get(_text(person, "m:beziehung"), ""),
                "nationality": _text(person, "m:staatsangehoerigkeit"),
                "religion": "",
            }
            for person in persons[1:]
        ],
    }
    abroad = _text(previous, "m:ausland")
    if abroad:
        answers.update(previous_place=PreviousPlace.ABROAD, prev_country=abroad)
    else:
        answers.update(
            previous_place=PreviousPlace.GERMANY,
            prev_street=_text(previous, "m:inland/m:strasse"),
            prev_house_number=_text(previous, "m:inland/m:hausnummer"),
            prev_postal_code=_text(previous, "m:inland/m:postleitzahl"),
            prev_city=_text(previous, "m:inland/m:ort"),
        )
    relations = [item["relation"] for item in answers["movers"]]
    if custody_question_needed(relations=relations):
        # Who else has custody is not in the message: the clerk asks (consent not yet given).
        answers["custody"] = Custody.CONSENT
    code = _text(document, "m:zuordnungsmerkmal")
    answers["method"] = ConfirmationMethod.CODE if code else ConfirmationMethod.LETTER
    answers["code"] = code
    return _text(head, "m:nachrichtenId"), answers


@dataclass(frozen=True)
class IntakeResult:
    message_id: str
    case: object


@transaction.atomic
def ewa_message_intake(*, municipality, xml: bytes, actor) -> IntakeResult:
    """One eWA message into an Anmeldung for the clerk. ``actor``: the clerk (or staff system)
    taking it in. A landlord's code that does not serve this move is dropped: the clerk answers
    with a code letter instead. Raises ``EwaMessageRefused``."""
    try:
        document = xmeld_message_parse(xml=xml, schema=SCHEMA)
    except MessageInvalid as exc:
        raise EwaMessageRefused(f"schema: {exc}") from exc
    if _text(document, "m:nachrichtenkopf/m:empfaengerAgs") != municipality.ags:
        raise EwaMessageRefused("the message is addressed to another registration office")
    message_id, answers = ewa_answers(document)
    procedure = procedure_get("anmeldung")
    try:
        case = _record(municipality, procedure, answers, actor)
    except CaseError as exc:
        fields = {error.get("field") for error in exc.details.get("errors", [])}
        if exc.code != CaseErrorCode.ANSWERS_INVALID or fields != {"code"}:
            raise EwaMessageRefused(f"{exc.code}: {exc.details}") from exc
        answers.update(method=ConfirmationMethod.LETTER, code="")
        try:
            case = _record(municipality, procedure, answers, actor)
        except CaseError as again:
            raise EwaMessageRefused(f"{again.code}: {again.details}") from again
    audit_event_record(
        action="anmeldung.ewa_intake",
        actor=actor,
        municipality=municipality,
        target=case,
        data={"message": message_id},
    )
    return IntakeResult(message_id=message_id, case=case)


def _record(municipality, procedure, answers, actor):
    return case_record(
        municipality=municipality,
        procedure=procedure,
        answers=answers,
        actor=actor,
        trust_level="high",  # eWA identifies with BundID and the eID
        channel=Channel.ONLINE,
    )


def ewa_drop_folder(municipality) -> Path:
    return Path(settings.RATHAUS_EWA_DROP_DIR) / municipality.slug


def ewa_drop_read(*, municipality, actor) -> tuple[int, int]:
    """Take in every message waiting in the town's drop folder: a case each, the file moved to
    ``verarbeitet/``; a refused one to ``fehler/`` with the reason beside it. Returns (taken,
    refused)."""
    folder = ewa_drop_folder(municipality)
    incoming = folder / INCOMING
    taken = refused = 0
    for path in sorted(incoming.glob("*.xml")) if incoming.is_dir() else []:
        try:
            ewa_message_intake(municipality=municipality, xml=path.read_bytes(), actor=actor)
        except EwaMessageRefused as exc:
            target = folder / FAILED
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{path.name}.txt").write_text(str(exc), encoding="utf-8")
            shutil.move(str(path), target / path.name)
            refused += 1
            continue
        target = folder / DONE
        target.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), target / path.name)
        taken += 1
    return taken, refused
