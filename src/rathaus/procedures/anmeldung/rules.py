"""Pure rules of the Anmeldung (BMG): deadlines, who needs whose consent, what the
Meldebestätigung may show. No database access here."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.register.selectors import fold

# §17(1) BMG: register within two weeks of moving in. Later is an administrative offence
# (§54(2) Nr. 1 BMG), but the registration is still taken.
DEADLINE_DAYS = 14
FAMILY_SPOUSE = "spouse"
FAMILY_CHILD = "child"


class ConfirmationMethod(models.TextChoices):
    """How the landlord's part (§19 BMG) is shown."""

    CODE = "code", _("I have an assignment code from my landlord")
    UPLOAD = "upload", _("I upload the landlord's signed confirmation")
    LETTER = "letter", _("I cannot get a confirmation: send a code letter to the new address")


class Custody(models.TextChoices):
    SOLE = "sole", _("I have sole custody")
    CONSENT = "consent", _("The other parent with custody agrees: I upload their consent")
    ONLINE = "online", _("The other parent agrees online")


# Who answers a consent given online: the registration completes by itself only where the
# register confirms what the consent stands on; otherwise a clerk looks at it, as at an upload.
# The other parent's consent code (``RATHAUS_CUSTODY_CONSENT_DAYS``, default 14): one reminder
# this many days before it ends.
CONSENT_REMINDER_DAYS_BEFORE_END = 3
CONSENT_ROUTE_SYSTEM = "system"
CONSENT_ROUTE_CLERK = "clerk"


class PreviousPlace(models.TextChoices):
    GERMANY = "de", _("In Germany")
    ABROAD = "abroad", _("Abroad")
    NONE = "none", _("I had no dwelling before (for example after birth)")


def is_late(*, moved_in: datetime.date, today: datetime.date) -> bool:
    return (today - moved_in).days > DEADLINE_DAYS


def too_far_ahead(*, moved_in: datetime.date, today: datetime.date, days_ahead: int) -> bool:
    return (moved_in - today).days > days_ahead


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_minor(birth_date: datetime.date | None, day: datetime.date) -> bool:
    return birth_date is not None and age_on(birth_date, day) < 18


def custody_question_needed(*, relations: list[str]) -> bool:
    """A child moves and no spouse moves with the applicant: the other parent with custody must
    agree (or the applicant has sole custody) — §1687 BGB, the residence of a child is a matter
    of joint custody."""
    return FAMILY_CHILD in relations and FAMILY_SPOUSE not in relations


def consent_route(
    *, custody: str, consent_given: bool, children_known: bool, custody_confirmed: bool
) -> str:
    """Who decides a registration with a child as far as custody goes.

    The system, only where the other parent agreed online, logged in with the eID as the very
    person the applicant named, and the register knows every child moving and records that
    person's custody of each: then nothing is left that a clerk would look at in an uploaded
    consent. Sole custody (declared, not shown), an uploaded consent, a refusal, a consent not
    (yet) given, or custody the register does not confirm: the clerk."""
    if custody != Custody.ONLINE or not consent_given:
        return CONSENT_ROUTE_CLERK
    if not (children_known and custody_confirmed):
        return CONSENT_ROUTE_CLERK
    return CONSENT_ROUTE_SYSTEM


def same_person(first: tuple, second: tuple) -> bool:
    """Whether two (given names, family name, date of birth) name the same person, compared as
    the register compares names (case, umlauts and spaces folded)."""
    (given_a, family_a, born_a), (given_b, family_b, born_b) = first, second
    return born_a == born_b and fold(given_a) == fold(given_b) and fold(family_a) == fold(family_b)


def relations_moving(answers) -> list[str]:
    """The relations of the persons moving with the applicant, from the answers alone."""
    relations = [
        str(value).split(":", 1)[0] for value in answers.get("family_moving") or [] if value
    ]
    if answers.get("others_moving") == "yes":
        relations += [
            item.get("relation", "")
            for item in answers.get("movers") or []
            if isinstance(item, dict)
        ]
    return relations


# §24(2) BMG: the Meldebestätigung shows only names, doctorate, date of birth, the dates of moving
# in (and out), the date of registration, the address and the kind of residence.
PERSON_FIELDS = [
    ("family_name", _("Family name")),
    ("given_names", _("Given names")),
    ("doctorate", _("Doctorate")),
    ("birth_date", _("Date of birth")),
]


def _shown(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return str(value or "")


def confirmation_rows(
    *,
    persons: list[dict],
    address: str,
    kind_label: str,
    moved_in: datetime.date,
    registered_on: datetime.date,
) -> list[tuple[str, str]]:
    """(label, value) rows of the Meldebestätigung: nothing beyond §24(2) BMG."""
    rows: list[tuple[str, str]] = [
        (str(_("Address")), address),
        (str(_("Kind of residence")), kind_label),
        (str(_("Moved in on")), _shown(moved_in)),
        (str(_("Registered on")), _shown(registered_on)),
    ]
    for number, person in enumerate(persons, 1):
        values = [_shown(person.get(name)) for name, _label in PERSON_FIELDS]
        parts = [value for value in values if value]
        rows.append((str(_("Person %(number)s") % {"number": number}), ", ".join(parts)))
    return rows
