from __future__ import annotations

from typing import Any

from .models import AuditEvent


def audit_event_record(
    *, action: str, actor=None, municipality=None, target=None, data: dict[str, Any] | None = None
) -> AuditEvent:
    """Write one audit event; call inside the service's transaction."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        municipality=municipality,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
