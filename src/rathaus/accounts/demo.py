"""Demo accounts: staff of each demo town (with fixed TOTP keys), demo citizens, and a landlord
organisation with one member (fixed TOTP key) in Norderstedt."""

from __future__ import annotations

import datetime

from django.db import transaction

from rathaus.tenants.models import Municipality

from .constants import StaffRole
from .identity.base import VerifiedIdentity
from .models import (
    LandlordMembership,
    LandlordOrganisation,
    StaffMembership,
    TOTPDevice,
    User,
    email_digest,
)
from .services import totp_secret_base32

STAFF_PASSWORD = "Rathaus-Demo-2026"
CITIZEN_PASSWORD = "Buerger-Demo-2026"
LANDLORD_PASSWORD = "Vermieter-Demo-2026"

# Fixed keys so the codes can be entered from any authenticator app set up from the printout.
DEMO_STAFF = [
    # (town slug, role, e-mail, given name, family name, hex TOTP key)
    ("norderstedt", StaffRole.CLERK, "sachbearbeitung@norderstedt.example", "Nora", "Klein",
     "3132333435363738393031323334353637383930"),
    ("norderstedt", StaffRole.TEAM_LEAD, "teamleitung@norderstedt.example", "Tim", "Lehmann",
     "4e6f7264657273746564742d7465616d6c656164"),
    ("norderstedt", StaffRole.ADMIN, "admin@norderstedt.example", "Anna", "Schulz",
     "4e6f7264657273746564742d61646d696e2d3031"),
    ("reinbek", StaffRole.CLERK, "sachbearbeitung@reinbek.example", "Rita", "Berg",
     "5265696e62656b2d636c65726b2d303030303031"),
    ("reinbek", StaffRole.TEAM_LEAD, "teamleitung@reinbek.example", "Ralf", "Otto",
     "5265696e62656b2d7465616d6c6561642d303031"),
    ("reinbek", StaffRole.ADMIN, "admin@reinbek.example", "Ines", "Brandt",
     "5265696e62656b2d61646d696e2d303030303031"),
]  # fmt: skip

# Landlord organisations the demo towns enrolled, each with one member who confirms move-ins in
# its name (password and TOTP code, like staff).
DEMO_LANDLORD_ORGANISATIONS = [
    {
        "town": "norderstedt",
        "name": "Wohnbau Norderstedt GmbH",
        "street": "Rathausallee 50",
        "postal_code": "22846",
        "city": "Norderstedt",
        "register_number": "Amtsgericht Kiel HRB 4711 KI",
        "member": ("vermietung@wohnbau-norderstedt.example", "Wiebke", "Hansen"),
        "totp_key": "576f686e6261752d4e6f72646572737465647421",
    },
]

DEMO_CITIZENS = [
    {
        "email": "erika.mustermann@example.org",
        "given_name": "Erika",
        "family_name": "Mustermann",
        "birth_date": datetime.date(1964, 8, 12),
        "street": "Rathausallee 12",
        "postal_code": "22846",
        "city": "Norderstedt",
        "phone": "040 1234567",
    },
    {
        "email": "max.mustermann@example.org",
        "given_name": "Max",
        "family_name": "Mustermann",
        "birth_date": datetime.date(2004, 3, 1),
        "street": "Schloßstraße 4",
        "postal_code": "21465",
        "city": "Reinbek",
        "phone": "040 7654321",
    },
    {
        "email": "leyla.yilmaz@example.org",
        "given_name": "Leyla",
        "family_name": "Yılmaz",
        "birth_date": datetime.date(1991, 11, 23),
        "street": "Ulzburger Straße 210",
        "postal_code": "22850",
        "city": "Norderstedt",
        "phone": "",
    },
    {
        # Erika's husband, with her custody of their daughter Paula: the other parent who agrees
        # online when a parent registers a move with the child alone.
        "email": "hans.mustermann@example.org",
        "given_name": "Hans",
        "family_name": "Mustermann",
        "birth_date": datetime.date(1962, 5, 3),
        "street": "Rathausallee 12",
        "postal_code": "22846",
        "city": "Norderstedt",
        "phone": "",
    },
]


def demo_citizen_emails() -> list[str]:
    return [spec["email"] for spec in DEMO_CITIZENS]


def demo_citizens() -> list[User]:
    """The demo residents that exist in the database, in the order listed above."""
    by_digest = {
        u.email_digest: u
        for u in User.objects.filter(
            email_digest__in=[email_digest(e) for e in demo_citizen_emails()], is_staff=False
        )
    }
    return [
        by_digest[email_digest(e)] for e in demo_citizen_emails() if email_digest(e) in by_digest
    ]


def demo_identity(user: User) -> VerifiedIdentity | None:
    """What the demo BundID vouches for a demo resident: the card data fixed above, never the
    account's (editable) profile."""
    spec = next((s for s in DEMO_CITIZENS if email_digest(s["email"]) == user.email_digest), None)
    if spec is None:
        return None
    return VerifiedIdentity(
        given_names=spec["given_name"],
        family_name=spec["family_name"],
        birth_date=spec["birth_date"],
    )


def demo_staff_devices() -> list[tuple[str, str, str, str]]:
    """(town slug, role, e-mail, hex key) of every demo staff account."""
    return [(slug, role, email, key) for slug, role, email, _g, _f, key in DEMO_STAFF]


def demo_landlord_devices() -> list[tuple[str, str, str]]:
    """(town slug, e-mail, hex key) of every demo landlord organisation's member."""
    return [(o["town"], o["member"][0], o["totp_key"]) for o in DEMO_LANDLORD_ORGANISATIONS]


def _user_upsert(*, email: str, password: str, **fields) -> User:
    user = User.objects.filter(email_digest=email_digest(email)).first()
    if user is None:
        user = User(email=email, email_digest=email_digest(email))
    for name, value in fields.items():
        setattr(user, name, value)
    user.email_verified = True
    user.is_active = True
    user.set_password(password)
    user.save()
    return user


def _demo_device_keep(*, user, key: str) -> None:
    """The staff member's one confirmed demo device with ``key``. Keys are encrypted per row, so
    they are compared after decrypting, never in a query."""
    devices = list(TOTPDevice.objects.filter(user=user))
    kept = next((device for device in devices if device.key == key), None)
    for device in devices:
        if device is not kept:
            device.delete()
    if kept is None:
        TOTPDevice.objects.create(user=user, key=key, name="Demo", confirmed=True)
    elif not kept.confirmed or kept.name != "Demo":
        kept.name, kept.confirmed = "Demo", True
        kept.save(update_fields=["name", "confirmed"])


@transaction.atomic
def load(*, stdout=None) -> None:

    towns = {m.slug: m for m in Municipality.objects.all()}
    for slug, role, email, given, family, key in DEMO_STAFF:
        town = towns.get(slug)
        if town is None:
            continue
        user = _user_upsert(
            email=email,
            password=STAFF_PASSWORD,
            given_name=given,
            family_name=family,
            is_staff=True,
        )
        StaffMembership.objects.update_or_create(
            user=user, municipality=town, defaults={"role": role}
        )
        _demo_device_keep(user=user, key=key)
    for spec in DEMO_CITIZENS:
        spec = dict(spec)
        _user_upsert(email=spec.pop("email"), password=CITIZEN_PASSWORD, is_staff=False, **spec)
    for spec in DEMO_LANDLORD_ORGANISATIONS:
        town = towns.get(spec["town"])
        if town is None:
            continue
        organisation, _created = LandlordOrganisation.objects.update_or_create(
            municipality=town,
            register_number=spec["register_number"],
            defaults={
                "name": spec["name"],
                "street": spec["street"],
                "postal_code": spec["postal_code"],
                "city": spec["city"],
                "is_active": True,
            },
        )
        email, given, family = spec["member"]
        user = _user_upsert(
            email=email,
            password=LANDLORD_PASSWORD,
            given_name=given,
            family_name=family,
            is_staff=False,
        )
        LandlordMembership.objects.update_or_create(
            organisation=organisation, user=user, defaults={"is_active": True, "removed_at": None}
        )
        _demo_device_keep(user=user, key=spec["totp_key"])
    if stdout is not None:
        stdout.write(
            f"Demo accounts: {len(DEMO_STAFF)} staff, {len(DEMO_CITIZENS)} citizens, "
            f"{len(DEMO_LANDLORD_ORGANISATIONS)} landlord organisations\n"
        )


def login_lines(*, host: str, port: str) -> list[str]:
    lines = [
        "",
        "Citizens (log in at /konto/anmelden/, or via the demo BundID at /konto/demo/bundid/):",
    ]
    for spec in DEMO_CITIZENS:
        lines.append(
            f"  {spec['given_name']} {spec['family_name']:<12} {spec['email']:<32} "
            f"password {CITIZEN_PASSWORD}  ({spec['city']})"
        )
    lines += [
        "",
        f"Staff (password {STAFF_PASSWORD}, then the TOTP code; log in at "
        f"/konto/mitarbeitende/anmelden/ on the town's host; admin at /verwaltung/admin/).",
        f"Current codes: http://{host}:{port}/konto/demo/totp/",
    ]
    for slug, role, email, _g, _f, key in DEMO_STAFF:
        lines.append(f"  {slug:<12} {role:<10} {email:<38} TOTP secret {totp_secret_base32(key)}")
    lines += [
        "",
        f"Landlord organisations (password {LANDLORD_PASSWORD}, then the TOTP code; log in at "
        f"/konto/anmelden/ and confirm move-ins at /anliegen/wohnungsgeberbestaetigung/start/).",
    ]
    for spec in DEMO_LANDLORD_ORGANISATIONS:
        lines.append(
            f"  {spec['town']:<12} {spec['name']:<28} {spec['member'][0]:<40} "
            f"TOTP secret {totp_secret_base32(spec['totp_key'])}"
        )
    return lines
