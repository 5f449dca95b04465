"""Thin views for the links in the booking e-mails.

A GET only shows a button: mail scanners that follow links must not confirm or cancel anything.
The POST calls the service and shows the outcome.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .ics import appointment_ics
from .selectors import booking_get
from .services import AppointmentError, booking_cancel, booking_finalise, cancel_token_valid
from .slots import TZ


@require_http_methods(["GET", "POST"])
def booking_finalise_view(request, token: str):
    context = {"action": "finalise"}
    status = 200
    if request.method == "POST":
        try:
            booking = booking_finalise(municipality=request.municipality, token=token)
        except AppointmentError as error:
            context["error"] = error.message
            status = 400
        else:
            context.update(booking=booking, start=booking.start.astimezone(TZ), done=True)
    return render(request, "appointments/link_action.html", context, status=status)


@require_http_methods(["GET", "POST"])
def booking_cancel_view(request, code: str, token: str):
    context = {"action": "cancel", "code": code}
    status = 200
    if request.method == "POST":
        try:
            booking = booking_cancel(municipality=request.municipality, code=code, token=token)
        except AppointmentError as error:
            context["error"] = error.message
            status = 400
        else:
            context.update(booking=booking, done=True)
    return render(request, "appointments/link_action.html", context, status=status)


@require_GET
def booking_calendar_view(request, code: str, token: str):
    """The appointment as an .ics file; the signed token from the e-mail is the key."""
    booking = booking_get(municipality=request.municipality, code=code)
    if not cancel_token_valid(booking=booking, token=token):
        raise Http404
    office = booking.office
    body = appointment_ics(
        uid=f"{booking.code}@{request.get_host()}",
        start=booking.start,
        end=booking.end,
        summary=f"{office.name} ({booking.code})",
        location=", ".join(p for p in (office.street, f"{office.postal_code} {office.city}") if p),
        description=f"{request.municipality.name}: {booking.code}",
        stamp=booking.confirmed_at or timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{booking.code}.ics"'
    return response
