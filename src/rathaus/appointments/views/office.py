"""The public pages at the office: the waiting room's call display, check-in with the booking
code, an online Wartenummer."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from .. import queue, selectors
from ..errors import AppointmentError
from ..forms import CheckInForm, WalkInForm


@require_GET
def call_display_page(request, office: str):
    """The waiting room's screen; display.js refreshes the list every 1.5 seconds."""
    office_obj = selectors.office_get(municipality=request.municipality, slug=office)
    calls = queue.call_display(municipality=request.municipality, office_slug=office)
    return render(
        request,
        "appointments/call_display.html",
        {
            "office": office_obj,
            "calls": calls,
            "data_url": reverse("appointments:call_display_data", args=[office]),
        },
    )


@require_GET
def call_display_data(request, office: str):
    calls = queue.call_display(municipality=request.municipality, office_slug=office)
    response = JsonResponse({"calls": calls})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def check_in_page(request, office: str):
    """Check-in at the kiosk or reception with the booking code."""
    office_obj = selectors.office_get(municipality=request.municipality, slug=office)
    form = CheckInForm(request.POST or None)
    ticket = None
    if request.method == "POST" and form.is_valid():
        try:
            ticket = queue.ticket_check_in(
                municipality=request.municipality,
                office_slug=office,
                code=form.cleaned_data["code"],
            )
        except AppointmentError as error:
            form.add_error("code", error.message)
    return render(
        request,
        "appointments/check_in.html",
        {"form": form, "office": office_obj, "ticket": ticket},
    )


@require_http_methods(["GET", "POST"])
def walk_in_page(request, office: str):
    """An online Wartenummer with the current estimated wait; needs the proof-of-work."""
    office_obj = selectors.office_get(municipality=request.municipality, slug=office)
    form = WalkInForm(request.POST or None)
    ticket = None
    if request.method == "POST" and form.is_valid():
        try:
            ticket = queue.ticket_walk_in_with_challenge(
                municipality=request.municipality,
                office_slug=office,
                payload=form.cleaned_data["challenge"],
            )
        except AppointmentError as error:
            form.add_error(None, error.message)
    estimate = queue.waiting_estimate(municipality=request.municipality, office_slug=office)
    return render(
        request,
        "appointments/walk_in.html",
        {
            "form": form,
            "office": office_obj,
            "ticket": ticket,
            "estimate": estimate,
            "challenge_url": reverse("api-v1:get_challenge"),
        },
    )
