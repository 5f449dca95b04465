""" "My requests" in the header of a logged-in citizen, with the number of unread messages."""

from functools import cached_property

from . import selectors


class MyRequests:
    """Counted only when a page shows it (one query), at most once per page."""

    def __init__(self, request):
        self._request = request

    @cached_property
    def unread(self) -> int:
        return selectors.unread_message_count(
            actor=self._request.user, municipality=self._request.municipality
        )


def my_requests(request) -> dict:
    user = getattr(request, "user", None)
    if (
        getattr(request, "municipality", None) is None
        or user is None
        or not user.is_authenticated
        or user.is_staff
    ):
        return {}
    return {"my_requests": MyRequests(request)}
