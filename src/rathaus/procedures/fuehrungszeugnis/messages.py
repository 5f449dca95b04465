"""The application to the federal register as an XML message whose structure follows XMeld's BZR
application; the schema is ``schema/bzr-antrag.xsd`` (documented in docs/fuehrungszeugnis.md).
Every message is checked against it before it is written."""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lxml import etree

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "bzr-antrag.xsd"
NAMESPACE = "urn:rathaus:xmeld:bzr:antrag"
MESSAGE_TYPE = "bzr.antrag"
RECIPIENT = "Bundesamt für Justiz – Bundeszentralregister"


class MessageInvalid(ValueError):
    """A message that does not follow its schema (a programming error: never sent)."""


@functools.cache
def bzr_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def message_parse_valid(xml: bytes):
    """Parse ``xml`` (no network, no entities) and check it against the schema."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        document = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise MessageInvalid(str(exc)) from exc
    schema = bzr_schema()
    if not schema.validate(document):
        raise MessageInvalid(str(schema.error_log.last_error))
    return document


@dataclass(frozen=True)
class Authority:
    name: str
    address: str
    reference: str


@dataclass(frozen=True)
class LegalRepresentative:
    """The legal guardian who applies for the person concerned (§30(1) sentence 2 BZRG)."""

    family_name: str
    given_names: str
    birth_date: datetime.date
    street: str
    house_number: str
    postal_code: str
    city: str
    birth_name: str = ""
    birth_place: str = ""


@dataclass(frozen=True)
class BzrApplication:
    message_id: uuid.UUID
    created_at: datetime.datetime
    sender_ags: str
    sender_name: str
    case_reference: str
    kind: str
    purpose: str
    fee_status: str
    fee_amount: Decimal
    kassenzeichen: str
    family_name: str
    given_names: str
    birth_date: datetime.date
    birth_place: str
    street: str
    house_number: str
    postal_code: str
    city: str
    identity_checked_at: datetime.datetime
    birth_name: str = ""
    authority: Authority | None = None
    court: str = ""
    request_letter: str = ""
    # None: the person concerned applies themself.
    representative: LegalRepresentative | None = None


def _element(parent, name: str, text: str | None = None):
    node = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    if text is not None:
        node.text = text
    return node


def _person(parent, data: BzrApplication | LegalRepresentative) -> None:
    _element(parent, "familienname", data.family_name)
    if data.birth_name:
        _element(parent, "geburtsname", data.birth_name)
    _element(parent, "vornamen", data.given_names)
    _element(parent, "geburtsdatum", data.birth_date.isoformat())


def _address(parent, data: BzrApplication | LegalRepresentative) -> None:
    address = _element(parent, "anschrift")
    _element(address, "strasse", data.street)
    _element(address, "hausnummer", data.house_number)
    _element(address, "postleitzahl", data.postal_code)
    _element(address, "ort", data.city)


def application_xml(data: BzrApplication) -> bytes:
    """The message as UTF-8 XML, checked against the schema."""
    root = etree.Element(f"{{{NAMESPACE}}}{MESSAGE_TYPE}", nsmap={None: NAMESPACE})
    head = _element(root, "nachrichtenkopf")
    _element(head, "nachrichtenId", str(data.message_id))
    _element(head, "nachrichtentyp", MESSAGE_TYPE)
    _element(head, "erstellungszeitpunkt", data.created_at.isoformat(timespec="seconds"))
    sender = _element(head, "absender")
    _element(sender, "ags", data.sender_ags)
    _element(sender, "name", data.sender_name)
    _element(head, "empfaenger", RECIPIENT)
    _element(head, "vorgangsnummer", data.case_reference)

    application = _element(root, "antrag")
    _element(application, "belegart", data.kind)
    if data.purpose:
        _element(application, "verwendungszweck", data.purpose)
    if data.authority is not None:
        authority = _element(application, "empfangendeBehoerde")
        _element(authority, "name", data.authority.name)
        _element(authority, "anschrift", data.authority.address)
        _element(authority, "aktenzeichen", data.authority.reference)
    if data.court:
        _element(application, "amtsgerichtEinsichtnahme", data.court)
    if data.request_letter:
        letter = _element(application, "aufforderungErweitert")
        _element(letter, "vorgelegt", "true")
        _element(letter, "dateiname", data.request_letter)
    fee = _element(application, "gebuehr")
    _element(fee, "status", data.fee_status)
    _element(fee, "betrag", f"{data.fee_amount:.2f}")
    if data.kassenzeichen:
        _element(fee, "kassenzeichen", data.kassenzeichen)

    person = _element(root, "betroffener")
    _person(person, data)
    _element(person, "geburtsort", data.birth_place)
    _address(person, data)

    applicant = _element(root, "antragsteller")
    representative = data.representative
    if representative is None:
        _element(applicant, "betroffenerSelbst")
    else:
        guardian = _element(applicant, "gesetzlicherVertreter")
        _element(guardian, "grundlage", "elterliche-sorge")
        _person(guardian, representative)
        if representative.birth_place:
            _element(guardian, "geburtsort", representative.birth_place)
        _address(guardian, representative)

    check = _element(root, "identitaetspruefung")
    _element(check, "art", "persoenlich-am-schalter")
    _element(
        check,
        "umfang",
        "betroffener" if representative is None else "betroffener-und-gesetzlicher-vertreter",
    )
    _element(check, "zeitpunkt", data.identity_checked_at.isoformat(timespec="seconds"))
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    message_parse_valid(xml)
    return xml
