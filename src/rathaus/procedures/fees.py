"""The indirection between procedures and the catalogue's fee rules.

Procedures never hard-code fees: the municipality's catalogue decides. The catalogue exposes
``rathaus.catalogue.selectors.service_fee(*, municipality, service_slug) -> Decimal | None``;
until it does, procedures report no fee.
"""

from __future__ import annotations

import decimal
from importlib import import_module


def procedure_fee(*, municipality, service_slug: str) -> decimal.Decimal | None:
    try:
        selectors = import_module("rathaus.catalogue.selectors")
    except ImportError:
        return None
    service_fee = getattr(selectors, "service_fee", None)
    if service_fee is None:
        return None
    return service_fee(municipality=municipality, service_slug=service_slug)
