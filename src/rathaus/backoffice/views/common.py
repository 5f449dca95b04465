"""What the back-office pages share: a case's page URL, a case fetched for an action, a file
sent to download."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header

from rathaus.cases import selectors


def case_url(case) -> str:
    return reverse("backoffice:case_detail", args=[case.reference])


def staff_case(request: HttpRequest, reference: str):
    """The case for an action (no case data is shown, so no read-log row)."""
    return selectors.access_case_for_staff(
        actor=request.user, municipality=request.municipality, reference=reference
    )


def file_response(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
