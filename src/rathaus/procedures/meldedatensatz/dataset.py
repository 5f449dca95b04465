"""The Meldedatensatz file (format ``rathaus-meldedatensatz``, version 1; docs/meldedatensatz.md).

Its bytes are fixed when it is issued: the town records their SHA-256 under the verification code
printed in the file, and /pruefen/<code>/ confirms an uploaded copy byte for byte. That is the
signature: whoever changes one byte gets "does not match"."""

from __future__ import annotations

import json
from typing import Any

FORMAT = "rathaus-meldedatensatz"
VERSION = 1


def _date(value) -> str | None:
    return value.isoformat() if value else None


def dataset(*, person, residences, blocks) -> dict[str, Any]:
    """The register's data of ``person`` (§3 BMG as the built-in register keeps it), their
    residences (current and past) and their blocks in force. Nothing of other persons."""
    return {
        "person": {
            "family_name": person.family_name,
            "given_names": person.given_names,
            "birth_name": person.birth_name or None,
            "doctorate": person.doctorate or None,
            "birth_date": _date(person.birth_date),
            "birth_place": person.birth_place or None,
            "sex": person.sex,
            "nationalities": list(person.nationalities or []),
            "religion": person.religion or None,
        },
        "residences": [
            {
                "kind": residence.kind,
                "street": residence.street,
                "house_number": residence.house_number,
                "address_addition": residence.address_addition or None,
                "postal_code": residence.postal_code,
                "city": residence.city,
                "moved_in": _date(residence.moved_in),
                "moved_out": _date(residence.moved_out),
            }
            for residence in residences
        ],
        "blocks": [
            {
                "kind": block.kind,
                "objection": block.objection.key if block.objection_id else None,
                "legal_basis": block.objection.legal_basis if block.objection_id else "§ 51 BMG",
                "valid_from": _date(block.valid_from),
                "valid_until": _date(block.valid_until),
            }
            for block in blocks
        ],
    }


def file_bytes(*, data: dict[str, Any], context: dict[str, Any]) -> bytes:
    """The file: issuer, reference, time, verification, and the data; UTF-8, keys in a fixed
    order, so the same data always gives the same bytes."""
    town = context["municipality"]
    document = {
        "format": FORMAT,
        "version": VERSION,
        "legal_basis": "§ 18a BMG",
        "issuer": {"name": town.name, "ags": getattr(town, "ags", "") or None},
        "reference": context["reference"],
        "issued_at": context["issued_at"].isoformat(timespec="seconds"),
        "verification": {
            "code": context["verification_code"],
            "url": context["verification_url"],
            "method": "sha256-of-file",
        },
        **data,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
