"""The pages behind the links in the booking e-mails: finalise, the appointment with its QR
code, cancel, move, the calendar file.

A GET only shows a button: mail scanners that follow links must not confirm or cancel anything.
The POST calls the service and shows the outcome.
"""

import datetime as dt

import segno
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.core.dates import long_date

from .. import selectors
from ..errors import AppointmentError
from ..forms import ChoiceForm
from ..ics import booking_ics_attachment
from ..selectors import booking_get
from ..services import (
    booking_cancel,
    booking_finalise,
    booking_move,
    cancel_token_make,
    cancel_token_valid,
    move_token_make,
    move_token_valid,
)
from ..slots import TZ
from .booking import DAYS_SHOWN


@require_http_methods(["GET", "POST"])
def booking_finalise_view(request, token: str):
    """The link from the reservation e-mail: shows which appointment it books, then books it."""
    context = {"action": "finalise"}
    status = 200
    pending = selectors.booking_by_confirm_token(municipality=request.municipality, token=token)
    if pending is not None:
        context.update(
            booking=pending,
            start=pending.start.astimezone(TZ),
            services=selectors.booking_services_shown(
                municipality=request.municipality, booking=pending
            ),
        )
    if request.method == "POST":
        try:
            booking = booking_finalise(municipality=request.municipality, token=token)
        except AppointmentError as error:
            context["error"] = error.message
            status = 400
        else:
            context.update(
                booking=booking,
                start=booking.start.astimezone(TZ),
                done=True,
                qr_svg=booking_code_qr(booking.code),
                booking_url=reverse(
                    "appointments:booking",
                    kwargs={"code": booking.code, "token": cancel_token_make(booking)},
                ),
            )
    return render(request, "appointments/link_action.html", context, status=status)


def booking_code_qr(code: str) -> SafeString:
    """The booking code as an inline SVG QR code for the scanner at the check-in (no styles)."""
    title = gettext("QR code of booking code %(code)s") % {"code": code}  # segno escapes it
    svg = segno.make(code, error="m").svg_inline(
        scale=6, border=4, dark="#000", light="#fff", svgclass="rh-qr", title=title
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 (segno output)


@require_GET
def booking_page(request, code: str, token: str):
    """The appointment, from the link in the booking e-mail: time, place, code and its QR code."""
    booking = booking_get(municipality=request.municipality, code=code)
    if not cancel_token_valid(booking=booking, token=token):
        raise Http404
    return render(
        request,
        "appointments/booking.html",
        {
            "booking": booking,
            "start": booking.start.astimezone(TZ),
            "services": selectors.booking_services_shown(
                municipality=request.municipality, booking=booking
            ),
            "qr_svg": booking_code_qr(booking.code),
            "token": token,
            "move_token": move_token_make(booking),
        },
    )


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


@require_http_methods(["GET", "POST"])
def booking_move_view(request, code: str, token: str):
    """Move by the signed link from the e-mail: choose a day, then a time (no login)."""
    booking = booking_get(municipality=request.municipality, code=code)
    if not move_token_valid(booking=booking, token=token):
        raise Http404
    data = request.POST if request.method == "POST" else None
    services = [(item.service_slug, item.count) for item in booking.items.all()]
    today = timezone.localdate()
    day = _parse_day(request.GET.get("tag", ""))
    context = {"booking": booking, "start": booking.start.astimezone(TZ), "office": booking.office}
    if day is None:
        starts = selectors.free_starts_cached(
            municipality=request.municipality,
            office=booking.office,
            services=services,
            first_day=today,
            last_day=today + dt.timedelta(days=DAYS_SHOWN),
        )
        days = sorted({s.astimezone(TZ).date() for s in starts})
        form = ChoiceForm(
            data,
            choices=[(d.isoformat(), long_date(d)) for d in days],
            label=_("To which day?"),
            help_text=_("Only days with a free time are shown."),
            error=_("Choose a day."),
        )
        if request.method == "POST" and form.is_valid():
            return redirect(f"{request.path}?tag={form.cleaned_data['choice']}")
        context.update(form=form, step="day")
        return render(request, "appointments/move.html", context)
    starts = selectors.free_starts_cached(
        municipality=request.municipality,
        office=booking.office,
        services=services,
        first_day=day,
        last_day=day,
    )
    by_value = {s.astimezone(dt.UTC).isoformat(): s for s in starts}
    form = ChoiceForm(
        data,
        choices=[(v, time_format(s.astimezone(TZ), "H:i")) for v, s in by_value.items()],
        label=_("At what time?"),
        help_text=long_date(day),
        error=_("Choose a time."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            booking = booking_move(
                municipality=request.municipality,
                code=booking.code,
                token=token,
                start=by_value[form.cleaned_data["choice"]],
            )
        except AppointmentError as error:
            form.add_error(None, error.message)
        else:
            context.update(booking=booking, start=booking.start.astimezone(TZ), done=True)
            return render(request, "appointments/move.html", context)
    context.update(form=form, step="time", back_url=request.path)
    return render(request, "appointments/move.html", context)


def _parse_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
def booking_calendar_view(request, code: str, token: str):
    """The appointment as an .ics file; the signed token from the e-mail is the key."""
    booking = booking_get(municipality=request.municipality, code=code)
    if not cancel_token_valid(booking=booking, token=token):
        raise Http404
    filename, body, _media_type = booking_ics_attachment(booking)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
