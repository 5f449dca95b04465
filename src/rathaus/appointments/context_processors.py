"""The town's published opening hours for the contact section of any page: read from the
offices' opening hours, which also make the appointment slots (one source for both)."""

from django.utils.functional import SimpleLazyObject

from . import selectors


def opening_hours(request) -> dict:
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        return {}
    # Read only on pages that show them.
    return {
        "opening_hours": SimpleLazyObject(
            lambda: selectors.opening_hours_by_office(municipality=municipality)
        )
    }
