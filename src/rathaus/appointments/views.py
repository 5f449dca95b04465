"""Thin views for the links in the booking e-mails.

A GET only shows a button: mail scanners that follow links must not confirm or cancel anything.
The POST calls the service and shows the outcome.
"""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .services import AppointmentError, booking_cancel, booking_finalise
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
