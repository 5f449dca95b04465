"""REST operations of the booking engine (django-ninja).

The municipality comes from the Host header, as for the web pages. An app can book through these
operations alone: list offices and services, list free starts, get a proof-of-work challenge,
create a hold with the solved challenge, confirm it with the person's data (the e-mail's link makes
it final), look it up and cancel it with the cancel token from the e-mail.

Errors are ``{"code": ..., "message": ..., "details": {...}}`` with the codes of
``constants.ErrorCode``; ``rathaus.api.registry`` mounts this router in the one API under
``/api/v1/`` and answers an ``AppointmentError`` with its ``as_dict()`` and the status
``ERROR_STATUS`` gives.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import BaseModel

from rathaus.accounts.constants import SESSION_TRUST_LEVEL
from rathaus.core.page_cache import public_page

from . import challenge as pow_
from . import selectors, services
from .constants import ErrorCode
from .errors import AppointmentError
from .slots import TZ

router = Router(tags=["appointments"])

MAX_RANGE_DAYS = 31

# HTTP status of each refusal (``rathaus.api.registry``); anything not listed is a 400.
ERROR_STATUS = {
    ErrorCode.SLOT_UNAVAILABLE: 409,
    ErrorCode.HOLD_ALREADY_USED: 409,
    ErrorCode.ALREADY_CONFIRMED: 409,
    ErrorCode.NOT_CANCELLABLE: 409,
    ErrorCode.NOT_MOVABLE: 409,
    ErrorCode.EMAIL_LIMIT_REACHED: 409,
    ErrorCode.IDENTITY_LIMIT_REACHED: 409,
    ErrorCode.HOLD_EXPIRED: 410,
    ErrorCode.HOLD_NOT_FOUND: 404,
    ErrorCode.OUTSIDE_BOOKING_WINDOW: 422,
    ErrorCode.SERVICE_NOT_OFFERED: 422,
    ErrorCode.INVALID_TOKEN: 403,
    ErrorCode.CHALLENGE_INVALID: 403,
    ErrorCode.CHALLENGE_REUSED: 403,
}


class ErrorOut(Schema):
    code: str
    message: str
    details: dict = {}


class OfficeOut(Schema):
    slug: str
    name: str
    street: str
    postal_code: str
    city: str
    accessibility_notes: str


class OfficeServiceOut(Schema):
    service: str = Field(..., alias="service_slug")
    duration_minutes: int
    max_count: int


# The hold's input and answer are plain pydantic models: ninja's ``Schema`` adds a validator that
# reads Django objects, which JSON in and a dict out never need, on the busiest request.
class ServiceChoice(BaseModel):
    service: str
    count: int = Field(1, ge=1, le=20)


class FreeSlotsQuery(Schema):
    services: list[str] = Field(..., description="service slug, or slug:count (e.g. ausweis:2)")
    date_from: dt.date = Field(..., alias="from")
    date_to: dt.date = Field(..., alias="to")


class FreeSlotsOut(Schema):
    office: str
    duration_minutes: int
    starts: list[dt.datetime]


class ChallengeOut(Schema):
    algorithm: str
    challenge: str
    maxnumber: int
    salt: str
    signature: str


class HoldIn(BaseModel):
    office: str
    services: list[ServiceChoice] = Field(..., min_length=1, max_length=10)
    start: dt.datetime
    challenge: str = Field(..., description="base64 JSON of the solved challenge")


class HoldOut(BaseModel):
    token: str
    expires_at: dt.datetime
    start: dt.datetime
    end: dt.datetime


class ConfirmIn(Schema):
    hold_token: str
    name: str = Field(..., min_length=2, max_length=200)
    email: str = Field(..., min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str = Field("", max_length=40)


class BookingOut(Schema):
    code: str
    status: str
    office: str
    start: dt.datetime
    end: dt.datetime
    services: list[ServiceChoice]


class CancelIn(Schema):
    token: str


def _booking_out(booking) -> dict:
    return {
        "code": booking.code,
        "status": booking.status,
        "office": booking.office.slug,
        "start": booking.start.astimezone(TZ),
        "end": booking.end.astimezone(TZ),
        "services": [
            {"service": item.service_slug, "count": item.count} for item in booking.items.all()
        ],
    }


def _parse_services(raw: list[str]) -> list[tuple[str, int]]:
    """``["personalausweis:2", "anmeldung"]`` → ``[("personalausweis", 2), ("anmeldung", 1)]``."""
    parsed = []
    for item in raw:
        for part in item.split(","):
            slug, _sep, count = part.strip().partition(":")
            if slug:
                parsed.append((slug, int(count) if count.isdigit() else 1))
    return parsed


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@router.get("/offices", response=list[OfficeOut], operation_id="list_offices")
def list_offices(request):
    return list(selectors.office_list(municipality=request.municipality))


@router.get(
    "/offices/{slug}/services",
    response={200: list[OfficeServiceOut], 404: ErrorOut},
    operation_id="list_office_services",
)
def list_office_services(request, slug: str):
    office = selectors.office_get(municipality=request.municipality, slug=slug)
    return Status(
        200, list(selectors.office_services(municipality=request.municipality, office=office))
    )


@router.get(
    "/offices/{slug}/free-slots",
    response={200: FreeSlotsOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="list_free_slots",
)
@decorate_view(public_page(seconds=selectors.FREE_STARTS_CACHE_SECONDS))
def list_free_slots(request, slug: str, filters: Query[FreeSlotsQuery]):
    """An anonymous caller's answer is kept for at most two seconds in the anonymous page cache
    (``rathaus.core.page_cache``), which answers a repeat before sessions and authentication
    run, and with no query. The hold decides."""
    chosen = _parse_services(filters.services)
    date_from, date_to = filters.date_from, filters.date_to
    if date_to < date_from or (date_to - date_from).days > MAX_RANGE_DAYS:
        raise AppointmentError(ErrorCode.OUTSIDE_BOOKING_WINDOW, {"max_days": MAX_RANGE_DAYS})
    municipality = request.municipality
    office = selectors.office_get(municipality=municipality, slug=slug)
    resolved = services.resolve_services(office=office, services=chosen)
    starts = selectors.free_starts(
        municipality=municipality,
        office=office,
        services=chosen,
        first_day=date_from,
        last_day=date_to,
    )
    return Status(
        200,
        {
            "office": office.slug,
            "duration_minutes": sum(row.duration_minutes * count for row, count in resolved),
            "starts": starts,
        },
    )


@router.get("/challenge", response=ChallengeOut, operation_id="get_challenge")
def get_challenge(request):
    return pow_.challenge_create(
        municipality=request.municipality, client_address=_client_address(request)
    )


@router.post(
    "/holds",
    response={201: HoldOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    operation_id="create_hold",
)
def create_hold(request, payload: HoldIn):
    """The office and its services come from a cache of at most two seconds
    (``selectors.office_for_hold``); the solution is spent and the slots are taken in the
    database on every request."""
    office, offered = selectors.office_for_hold(
        municipality=request.municipality, slug=payload.office
    )
    hold = pow_.hold_create_with_challenge(
        municipality=request.municipality,
        office=office,
        services=[(choice.service, choice.count) for choice in payload.services],
        start=payload.start,
        payload=payload.challenge,
        offered=offered,
    )
    # The answer as its schema's own instance: ninja serialises it without validating it again.
    return Status(
        201,
        HoldOut(
            token=hold.token,
            expires_at=hold.expires_at.astimezone(TZ),
            start=hold.start.astimezone(TZ),
            end=hold.end.astimezone(TZ),
        ),
    )


@router.post(
    "/bookings",
    response={202: BookingOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut, 422: ErrorOut},
    operation_id="confirm_booking",
)
def confirm_booking(request, payload: ConfirmIn):
    booking = services.booking_confirm(
        municipality=request.municipality,
        hold_token=payload.hold_token,
        name=payload.name,
        email=payload.email,
        phone=payload.phone,
        citizen=getattr(request, "user", None),
        trust_level=getattr(request, "session", {}).get(SESSION_TRUST_LEVEL),
    )
    return Status(202, _booking_out(booking))


@router.get(
    "/bookings/{code}",
    response={200: BookingOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="get_booking",
)
def get_booking(request, code: str, token: str):
    """The booking's status and time (no personal data); needs the token from the e-mail."""
    booking = selectors.booking_get(municipality=request.municipality, code=code)
    if not services.cancel_token_valid(booking=booking, token=token):
        raise Http404
    return Status(200, _booking_out(booking))


@router.post(
    "/bookings/{code}/cancel",
    response={200: BookingOut, 403: ErrorOut, 409: ErrorOut},
    operation_id="cancel_booking",
)
def cancel_booking(request, code: str, payload: CancelIn):
    booking = services.booking_cancel(
        municipality=request.municipality, code=code, token=payload.token
    )
    return Status(200, _booking_out(booking))
