"""The street directory's suggestions as JSON (django-ninja), for an address field as the citizen
types: ``GET /api/v1/streets?q=ulz``.

Street names and their postal codes only — the directory is public, nothing here names a person.
The town is the host's; an unknown host gets the API's 404 before this runs. The answer is the same
for everyone, so it is cheap to repeat: anonymous requests (the page's script sends none of its
cookies) are answered from the anonymous page cache (``rathaus.core.page_cache``) before sessions
and authentication run, and the browser may keep an answer for ``BROWSER_SECONDS``.
``rathaus.api.registry`` mounts this router in the one API under ``/api/v1/``.
"""

from __future__ import annotations

from django.views.decorators.cache import cache_control
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from rathaus.core.page_cache import public_page

from .interface import resident_register

router = Router(tags=["register"])

# A street directory changes a few times a year; a minute or five of delay is harmless.
SERVER_SECONDS = 60
BROWSER_SECONDS = 300
MAX_QUERY_LENGTH = 60


class StreetsQuery(Schema):
    q: str = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description="what the citizen typed; fewer than two letters answer an empty list",
    )


class StreetOut(Schema):
    name: str
    postal_codes: list[str]


class StreetsOut(Schema):
    streets: list[StreetOut]


@router.get("/streets", response=StreetsOut, operation_id="list_street_suggestions")
@decorate_view(
    cache_control(public=True, max_age=BROWSER_SECONDS), public_page(seconds=SERVER_SECONDS)
)
def list_street_suggestions(request, filters: Query[StreetsQuery]):
    """Up to eight streets of the host's town whose name starts with ``q``, then those that
    contain it (umlauts and "Str." folded as the address check folds them)."""
    found = resident_register().street_suggestions(
        municipality=request.municipality, text=filters.q
    )
    return {"streets": [{"name": s.name, "postal_codes": list(s.postal_codes)} for s in found]}
