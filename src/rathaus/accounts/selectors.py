"""Reads for accounts: staff memberships and the citizen's own account."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from rathaus.core.cache import ProcessCache

from .constants import LandlordAccess, StaffRole
from .models import LandlordMembership, StaffMembership, User, email_digest

ROLE_RANK = {StaffRole.CLERK: 1, StaffRole.TEAM_LEAD: 2, StaffRole.ADMIN: 3}


def role_satisfies(actual: str | None, required: str | None) -> bool:
    """Roles are ordered: an admin may do what a team lead may do, a team lead what a clerk may."""
    if actual is None:
        return False
    if required is None:
        return True
    return ROLE_RANK.get(actual, 0) >= ROLE_RANK[StaffRole(required)]


def staff_membership_for(*, user, municipality) -> StaffMembership | None:
    """The active staff member's membership in ``municipality``, or None.

    The membership's ``municipality`` is the object passed in (the same row): no join for it."""
    if (
        municipality is None
        or user is None
        or not user.is_authenticated
        or not user.is_active
        or not user.is_staff
    ):
        return None
    membership = StaffMembership.objects.filter(user=user, municipality=municipality).first()
    if membership is not None:
        membership.municipality = municipality
    return membership


# The membership that ``staff_required`` checked for the view running now, so that the selectors
# and services the view calls do not read it again (see ``staff_membership_checked``).
_checked_membership: ContextVar[StaffMembership | None] = ContextVar(
    "rathaus_checked_membership", default=None
)


@contextmanager
def staff_membership_checked(membership: StaffMembership) -> Iterator[None]:
    """While the block runs, ``is_staff_member`` knows ``membership`` without a query.

    Scoped to the block (one view call) rather than stored on the user or the session, so it
    cannot outlive the request that read it: the next request reads the membership again."""
    token = _checked_membership.set(membership)
    try:
        yield
    finally:
        _checked_membership.reset(token)


def is_staff_member(*, user, municipality) -> bool:
    """Whether ``user`` (a staff account) has a membership in ``municipality``; one ``EXISTS``
    query, none for the membership this request's ``staff_required`` already read."""
    municipality_id = getattr(municipality, "pk", municipality)
    checked = _checked_membership.get()
    if (
        checked is not None
        and checked.user_id == user.pk
        and checked.municipality_id == municipality_id
    ):
        return True
    return StaffMembership.objects.filter(user=user, municipality=municipality).exists()


def staff_memberships_of(*, user) -> list[StaffMembership]:
    return list(StaffMembership.objects.select_related("municipality").filter(user=user))


def user_by_email(*, email: str) -> User | None:

    return User.objects.filter(email_digest=email_digest(email)).first()


def staff_users_for(*, municipality):
    """Staff accounts that belong to ``municipality``."""
    return User.objects.filter(is_staff=True, memberships__municipality=municipality).distinct()


# The town's staff as filter choices, kept in each process for a short time: the inbox shows them
# in its "assigned to" select on every request. A change to a user or a membership clears this
# process's entries at once (signals); other processes follow within this many seconds. Only the
# options of a filter come from here, never a permission (the staff check reads the database).
STAFF_CHOICES_CACHE_SECONDS = 30

_staff_choices = ProcessCache(seconds=STAFF_CHOICES_CACHE_SECONDS)


def staff_choices_cache_clear() -> None:
    _staff_choices.clear()


def staff_choices_for(*, municipality) -> tuple[tuple[str, str], ...]:
    """``(user id, name)`` of the town's staff accounts, sorted by name, for filter selects."""

    def load() -> tuple[tuple[str, str], ...]:
        users = staff_users_for(municipality=municipality).only(
            "encryption_row_id", "given_name", "family_name"
        )
        return tuple(sorted(((str(user.pk), str(user)) for user in users), key=lambda c: c[1]))

    return _staff_choices.get_or_compute(municipality.pk, load)


# --- landlord organisations (§19 BMG) ------------------------------------------------------------
def second_factor_verified(user) -> bool:
    """Whether ``user`` logged in this session with a confirmed second factor (django-otp's
    middleware tells; an account passed without a request never counts)."""
    check = getattr(user, "is_verified", None)
    return bool(callable(check) and check())


@dataclass(frozen=True)
class LandlordAccessResult:
    """Whether ``user`` may confirm in a landlord organisation's name here (``state``), and the
    membership that authorises them (also when only the second factor is missing)."""

    state: LandlordAccess
    membership: LandlordMembership | None = None

    @property
    def granted(self) -> bool:
        return self.state == LandlordAccess.GRANTED


def landlord_access_for(*, user, municipality) -> LandlordAccessResult | None:
    """How ``user`` stands as a member of a landlord organisation in ``municipality``; None for
    someone no organisation ever authorised (the way is not meant for them).

    Granted only to an active account, authorised by an active organisation of this
    municipality, logged in with the second factor. One query."""
    if user is None or not user.is_authenticated or not user.is_active or municipality is None:
        return None
    memberships = list(LandlordMembership.objects.select_related("organisation").filter(user=user))
    if not memberships:
        return None
    here = [m for m in memberships if m.organisation.municipality_id == municipality.pk]
    if not here:
        return LandlordAccessResult(LandlordAccess.OTHER_MUNICIPALITY)
    usable = [m for m in here if m.is_active and m.organisation.is_active]
    if not usable:
        if any(m.is_active for m in here):
            return LandlordAccessResult(LandlordAccess.ORGANISATION_INACTIVE)
        return LandlordAccessResult(LandlordAccess.REMOVED)
    membership = min(usable, key=lambda m: m.added_at)
    membership.organisation.municipality = municipality
    if not second_factor_verified(user):
        return LandlordAccessResult(LandlordAccess.SECOND_FACTOR_MISSING, membership)
    return LandlordAccessResult(LandlordAccess.GRANTED, membership)


def landlord_memberships_of(*, user) -> list[LandlordMembership]:
    """The user's current authorisations (active organisations), for their account page."""
    return list(
        LandlordMembership.objects.select_related("organisation", "organisation__municipality")
        .filter(user=user, is_active=True, organisation__is_active=True)
        .order_by("organisation__name")
    )
