"""Reads for accounts: staff memberships and the citizen's own account."""

from __future__ import annotations

from .constants import StaffRole
from .models import StaffMembership, User

ROLE_RANK = {StaffRole.CLERK: 1, StaffRole.TEAM_LEAD: 2, StaffRole.ADMIN: 3}


def role_satisfies(actual: str | None, required: str | None) -> bool:
    """Roles are ordered: an admin may do what a team lead may do, a team lead what a clerk may."""
    if actual is None:
        return False
    if required is None:
        return True
    return ROLE_RANK.get(actual, 0) >= ROLE_RANK[StaffRole(required)]


def staff_membership_for(*, user, municipality) -> StaffMembership | None:
    """The active staff member's membership in ``municipality``, or None."""
    if (
        municipality is None
        or user is None
        or not user.is_authenticated
        or not user.is_active
        or not user.is_staff
    ):
        return None
    return (
        StaffMembership.objects.select_related("municipality")
        .filter(user=user, municipality=municipality)
        .first()
    )


def staff_memberships_of(*, user) -> list[StaffMembership]:
    return list(StaffMembership.objects.select_related("municipality").filter(user=user))


def user_by_email(*, email: str) -> User | None:
    from .models import email_digest

    return User.objects.filter(email_digest=email_digest(email)).first()


def staff_users_for(*, municipality):
    """Staff accounts that belong to ``municipality``."""
    return User.objects.filter(is_staff=True, memberships__municipality=municipality).distinct()
