"""Helpers to create accounts in tests."""

from __future__ import annotations

import datetime
import itertools

from django_otp import DEVICE_ID_SESSION_KEY

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.models import (
    LandlordMembership,
    LandlordOrganisation,
    StaffMembership,
    TOTPDevice,
    User,
)

PASSWORD = "korrekt-Pferd-Batterie-9"
_counter = itertools.count(1)


def citizen_create(*, email: str | None = None, verified: bool = True, **extra) -> User:
    email = email or f"buerger{next(_counter)}@example.org"
    extra.setdefault("given_name", "Erika")
    extra.setdefault("family_name", "Mustermann")
    extra.setdefault("birth_date", datetime.date(1980, 5, 17))
    return User.objects.create_user(email, PASSWORD, email_verified=verified, **extra)


def staff_create(*, municipality, role: str = StaffRole.CLERK, email: str | None = None) -> User:
    email = email or f"staff{next(_counter)}@example.org"
    user = User.objects.create_user(
        email, PASSWORD, email_verified=True, is_staff=True, given_name="Sam", family_name="Staff"
    )
    StaffMembership.objects.create(user=user, municipality=municipality, role=role)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def login_verified(client, user) -> None:
    """Log ``user`` in as if they had entered password and a valid TOTP code."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def landlord_organisation_create(*, municipality, name: str = "Wohnbau Test GmbH", **extra):
    """A landlord organisation the town enrolled (active unless told otherwise)."""
    extra.setdefault("street", "Rathausallee 50")
    extra.setdefault("postal_code", "22846")
    extra.setdefault("city", "Norderstedt")
    extra.setdefault("register_number", f"Amtsgericht Kiel HRB {next(_counter)} KI")
    return LandlordOrganisation.objects.create(municipality=municipality, name=name, **extra)


def landlord_member_create(
    *, organisation, email: str | None = None, totp: bool = True, **extra
) -> User:
    """A person ``organisation`` authorises, with a confirmed TOTP device unless ``totp=False``."""
    email = email or f"vermietung{next(_counter)}@example.org"
    extra.setdefault("given_name", "Wiebke")
    extra.setdefault("family_name", "Hansen")
    user = User.objects.create_user(email, PASSWORD, email_verified=True, **extra)
    LandlordMembership.objects.create(organisation=organisation, user=user)
    if totp:
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def as_verified(user: User) -> User:
    """``user`` as django-otp's middleware hands it to a view after the code step."""
    user.otp_device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    user.is_verified = lambda: user.otp_device is not None
    return user
