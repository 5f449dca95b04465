"""The register's history row and audit event that every write records with it."""

from __future__ import annotations

from rathaus.core.audit import audit_event_record

from ..models import Person, RegisterChange


def change_record(*, person: Person, action: str, fields: list[str], actor, case) -> None:
    RegisterChange.objects.create(
        municipality_id=person.municipality_id,
        person=person,
        action=action,
        fields=fields,
        actor=actor if actor is not None and actor.is_authenticated else None,
        case=case,
    )
    audit_event_record(
        action=f"register.{action}",
        actor=actor,
        municipality=person.municipality,
        target=person,
        data={"fields": fields, "case": case.pk if case is not None else None},
    )
