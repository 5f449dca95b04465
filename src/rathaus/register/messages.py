"""The Rückmeldung (§33(1) BMG) as an XML message whose structure follows XMeld 0202; the schema
is ``xmeld/rueckmeldung-0202.xsd`` (documented in docs/meldewesen.md). Every message is checked
against it before it is written."""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .errors import MessageInvalid

SCHEMA_DIR = Path(__file__).resolve().parent / "xmeld"
SCHEMA_PATH = SCHEMA_DIR / "rueckmeldung-0202.xsd"
NAMESPACE = "urn:rathaus:xmeld:rueckmeldung:0202"
KIND_NAMES = {"main": "hauptwohnung", "secondary": "nebenwohnung"}


@functools.cache
def xmeld_schema(name: str) -> etree.XMLSchema:
    """One of the project's schemas in ``xmeld/`` by file name."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name)))


def rueckmeldung_schema() -> etree.XMLSchema:
    return xmeld_schema("rueckmeldung-0202.xsd")


def xml_parse_valid(xml: bytes, *, schema: str):
    """Parse ``xml`` (no network, no entities) and check it against ``schema``; raises
    ``MessageInvalid`` with the first problem."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        document = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise MessageInvalid(str(exc)) from exc
    checker = xmeld_schema(schema)
    if not checker.validate(document):
        raise MessageInvalid(str(checker.error_log.last_error))
    return document


@dataclass(frozen=True)
class PostalAddress:
    street: str
    house_number: str
    postal_code: str
    city: str
    addition: str = ""


@dataclass(frozen=True)
class RueckmeldungData:
    message_id: uuid.UUID
    created_at: datetime.datetime
    answer_due: datetime.date
    sender_ags: str
    sender_name: str
    family_name: str
    given_names: str
    birth_date: datetime.date
    sex: str
    new_address: PostalAddress
    moved_in: datetime.date
    kind: str
    previous_address: PostalAddress
    birth_name: str = ""
    birth_place: str = ""


def _element(parent, name: str, text: str | None = None):
    node = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    if text is not None:
        node.text = text
    return node


def _address(parent, name: str, address: PostalAddress) -> None:
    node = _element(parent, name)
    _element(node, "strasse", address.street)
    _element(node, "hausnummer", address.house_number)
    if address.addition:
        _element(node, "zusatz", address.addition)
    _element(node, "postleitzahl", address.postal_code)
    _element(node, "ort", address.city)


def message_validate(xml: bytes) -> None:
    schema = rueckmeldung_schema()
    document = etree.fromstring(xml)
    if not schema.validate(document):
        raise MessageInvalid(str(schema.error_log.last_error))


def rueckmeldung_xml(data: RueckmeldungData) -> bytes:
    """The message as UTF-8 XML, checked against the schema."""
    root = etree.Element(f"{{{NAMESPACE}}}rueckmeldung.0202", nsmap={None: NAMESPACE})
    head = _element(root, "nachrichtenkopf")
    _element(head, "nachrichtenId", str(data.message_id))
    _element(head, "nachrichtentyp", "0202")
    _element(head, "erstellungszeitpunkt", data.created_at.isoformat(timespec="seconds"))
    sender = _element(head, "absender")
    _element(sender, "ags", data.sender_ags)
    _element(sender, "name", data.sender_name)
    recipient = _element(head, "empfaenger")
    _element(recipient, "gemeinde", data.previous_address.city)
    _element(recipient, "postleitzahl", data.previous_address.postal_code)
    _element(head, "antwortFaelligAm", data.answer_due.isoformat())
    person = _element(root, "person")
    _element(person, "familienname", data.family_name)
    _element(person, "vornamen", data.given_names)
    if data.birth_name:
        _element(person, "geburtsname", data.birth_name)
    _element(person, "geburtsdatum", data.birth_date.isoformat())
    if data.birth_place:
        _element(person, "geburtsort", data.birth_place)
    _element(person, "geschlecht", data.sex or "x")
    new = _element(root, "neueWohnung")
    _address(new, "anschrift", data.new_address)
    _element(new, "einzugsdatum", data.moved_in.isoformat())
    _element(new, "wohnungsstatus", KIND_NAMES.get(data.kind, "hauptwohnung"))
    _address(root, "bisherigeWohnung", data.previous_address)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    message_validate(xml)
    return xml
