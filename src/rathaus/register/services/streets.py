"""The town's street directory."""

from __future__ import annotations

from ..models import Street
from ..selectors import fold


def streets_load(*, municipality, sections: list[tuple[str, str, int, int, str]]) -> int:
    """Write the town's street directory: (name, postal code, from, to, parity) per section.
    Idempotent: existing sections are kept. Returns how many were added."""
    existing = set(
        Street.objects.filter(municipality=municipality).values_list(
            "name", "postal_code", "number_from"
        )
    )
    new = [
        Street(
            municipality=municipality,
            name=name,
            search_name=fold(name),
            postal_code=postal_code,
            number_from=number_from,
            number_to=number_to,
            parity=parity,
        )
        for name, postal_code, number_from, number_to, parity in sections
        if (name, postal_code, number_from) not in existing
    ]
    Street.objects.bulk_create(new)
    return len(new)
