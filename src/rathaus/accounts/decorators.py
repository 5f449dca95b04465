"""Access decorators for views of other apps: trust level for procedures, roles for staff."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url

from .constants import SESSION_TRUST_LEVEL, trust_satisfies
from .selectors import role_satisfies, staff_membership_checked, staff_membership_for


def trust_level_of(request) -> str | None:
    if not request.user.is_authenticated:
        return None
    return request.session.get(SESSION_TRUST_LEVEL)


def require_trust_level(level: str):
    """Let a view run only for a citizen identified at ``level`` or higher.

    Anonymous users go to the login page; a logged-in user with a lower trust level goes to the
    page that offers the identity providers (e.g. BundID with eID), then comes back.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not trust_satisfies(trust_level_of(request), level):
                url = resolve_url("accounts:identify")
                query = urlencode({"next": request.get_full_path(), "level": level})
                return HttpResponseRedirect(f"{url}?{query}")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def staff_required(role: str | None = None):
    """Back-office views: staff of ``request.municipality`` with at least ``role``.

    Anonymous users and staff without a verified second factor go to the staff login; staff of
    another municipality (or with a lower role) get 404, as if the page did not exist.
    Sets ``request.staff_membership``; while the view runs, the case selectors' own staff check
    uses it instead of reading it again.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or not user.is_verified():
                return redirect_to_login(request.get_full_path(), "accounts:staff_login")
            membership = staff_membership_for(
                user=user, municipality=getattr(request, "municipality", None)
            )
            if membership is None or not role_satisfies(membership.role, role):
                raise Http404
            request.staff_membership = membership
            with staff_membership_checked(membership):
                return view(request, *args, **kwargs)

        return wrapped

    return decorator
