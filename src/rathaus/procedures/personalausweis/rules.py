"""The ID card's rules as pure functions: the fee on the appointment's day (§1 PAuswGebV) and
what each person brings (§9 PAuswG, §5 PAuswV). Amounts come from the catalogue's fee rule."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.catalogue.fees import FeeRule, age_on, fee_for

# From 16 a card may be sent by post instead of picked up (§1(1) PAuswGebV surcharge, with a
# second valid photo ID shown at the application).
POST_MIN_AGE = 16
# The ID card is obligatory from 16 (§1(1) PAuswG); below, parents with custody apply.
PARENTS_APPLY_BELOW = 16


class CardKind(models.TextChoices):
    REGULAR = "regular", _("ID card")
    PROVISIONAL = "provisional", _("Provisional ID card (issued at once, valid for three months)")


class Photo(models.TextChoices):
    CODE = "code", _("I bring the code from a certified photographer")
    COUNTER = "counter", _("Take the photo at the Bürgerbüro")


class Delivery(models.TextChoices):
    PICKUP = "pickup", _("I pick it up at the Bürgerbüro")
    POST = "post", _("Send it to me by post")


@dataclass(frozen=True)
class FeeLine:
    label: str
    amount: Decimal


def person_fee_lines(
    *,
    rule: FeeRule,
    photo_fee: Decimal | None,
    person: dict,
    on: datetime.date,
    elsewhere: bool,
) -> list[FeeLine]:
    """What one person's card costs on ``on``: the card by age (or the provisional card) and
    the surcharges of the choices made."""
    birth_date = datetime.date.fromisoformat(person["birth_date"])
    if person.get("card") == CardKind.PROVISIONAL:
        lines = [FeeLine(str(_("Provisional ID card")), rule.option("provisional"))]
    else:
        age = age_on(birth_date, on)
        label = _("ID card (from 24 years)") if age >= 24 else _("ID card (under 24 years)")
        lines = [FeeLine(str(label), fee_for(rule, birth_date=birth_date, on=on))]
    if person.get("photo") == Photo.COUNTER and photo_fee is not None:
        lines.append(FeeLine(str(_("Photo taken at the Bürgerbüro")), photo_fee))
    if person.get("delivery") == Delivery.POST:
        lines.append(FeeLine(str(_("Sending by post")), rule.option("post")))
    if elsewhere:
        lines.append(
            FeeLine(str(_("Application at an office not responsible")), rule.option("elsewhere"))
        )
    return lines


def what_to_bring(person: dict, *, on: datetime.date) -> list[str]:
    """The papers one person brings to the appointment."""
    birth_date = datetime.date.fromisoformat(person["birth_date"])
    items = []
    if person.get("first_card") == "yes":
        items.append(str(_("the birth certificate (this is the first ID card)")))
    else:
        items.append(str(_("the current ID card or passport (also if it has expired)")))
    if person.get("photo") == Photo.CODE:
        items.append(str(_("the printout with the photographer's code (Data Matrix code)")))
    if person.get("delivery") == Delivery.POST:
        items.append(str(_("a second valid photo ID (for sending the card by post)")))
    if age_on(birth_date, on) < PARENTS_APPLY_BELOW:
        items.append(
            str(_("the consent of every parent with custody; the child comes along in person"))
        )
    return items
