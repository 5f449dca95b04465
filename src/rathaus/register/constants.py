"""Choices and limits of the resident register (BMG)."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    """§3(1) Nr. 7 BMG: as the register records it."""

    FEMALE = "w", _("female")
    MALE = "m", _("male")
    DIVERSE = "d", _("diverse")
    UNSPECIFIED = "x", _("not specified")


class ResidenceKind(models.TextChoices):
    """§21 BMG: one main residence (Hauptwohnung), any number of secondary ones."""

    MAIN = "main", _("main residence")
    SECONDARY = "secondary", _("secondary residence")


class FamilyRelation(models.TextChoices):
    SPOUSE = "spouse", _("spouse or civil partner")
    CHILD = "child", _("child")


class StreetParity(models.TextChoices):
    """Which house numbers of a range exist on a street section."""

    ALL = "all", _("all numbers")
    ODD = "odd", _("odd numbers")
    EVEN = "even", _("even numbers")


class BlockKind(models.TextChoices):
    # §51 BMG: no information about the person to anyone not entitled.
    AUSKUNFTSSPERRE = "auskunftssperre", _("Auskunftssperre (§51 BMG)")
    # §42(3), §50(1), §50(2) BMG and Land law: an objection to one kind of data transfer.
    UEBERMITTLUNGSSPERRE = "uebermittlungssperre", _("Übermittlungssperre")


class RegisterAction(models.TextChoices):
    PERSON_CREATED = "person_created", _("person entered")
    PERSON_CHANGED = "person_changed", _("person changed")
    MOVED_IN = "moved_in", _("moved in")
    MOVED_OUT = "moved_out", _("moved out")
    FAMILY_LINKED = "family_linked", _("family link entered")
    BLOCK_SET = "block_set", _("block set")
    BLOCK_ENDED = "block_ended", _("block ended")


class AssignmentCodeKind(models.TextChoices):
    # §19(4) BMG: the landlord confirmed the move-in electronically.
    LANDLORD = "landlord", _("landlord's confirmation")
    # §23a(3) BMG: no landlord confirmation to be had; a letter to the new address.
    CODE_LETTER = "code_letter", _("code letter")
    # A child moves with one parent: the other parent with custody agrees online with this code
    # (§1687 BGB); it names that parent by the register's keyed hash of names and date of birth.
    CUSTODY_CONSENT = "consent", _("consent of the other parent")


class MessageStatus(models.TextChoices):
    """A Rückmeldung (XMeld 0202) in the outbox, waiting for the previous office's 0203."""

    AWAITING_ANSWER = "awaiting_answer", _("awaiting the answer (0203)")
    ANSWERED = "answered", _("answered")
    # No 0203 within three working days: the clerk follows it up.
    OVERDUE = "overdue", _("answer overdue")


# §33(1) BMG with the XMeld rules: the previous office answers the Rückmeldung within three
# working days.
RUECKMELDUNG_ANSWER_WORKING_DAYS = 3


class RegisterErrorCode(models.TextChoices):
    UNKNOWN_STREET = "unknown_street", _("There is no street of this name in the town.")
    HOUSE_NUMBER_OUT_OF_RANGE = (
        "house_number_out_of_range",
        _("This house number does not exist in this street."),
    )
    WRONG_POSTAL_CODE = (
        "wrong_postal_code",
        _("This postal code does not belong to this address."),
    )
    NOT_A_HOUSE_NUMBER = (
        "not_a_house_number",
        _("Enter a house number, for example 12 or 12a."),
    )
    SECOND_MAIN_RESIDENCE = (
        "second_main_residence",
        _("This person already has a main residence."),
    )
    OBJECTION_NOT_OFFERED = (
        "objection_not_offered",
        _("This objection can no longer be lodged."),
    )
    # The assignment code (Zuordnungsmerkmal, §19(4) BMG; code letter, §23a(3) BMG) refused.
    CODE_UNKNOWN = (
        "code_unknown",
        _("We do not know this code. Check it for typing errors."),
    )
    CODE_WRONG_DWELLING = (
        "code_wrong_dwelling",
        _("This code was issued for a different dwelling. Check the new address."),
    )
    CODE_WRONG_DATE = (
        "code_wrong_date",
        _("This code was issued for a different move-in date."),
    )
    CODE_WRONG_PERSON = (
        "code_wrong_person",
        _("This code does not name every person moving in."),
    )
    CODE_EXPIRED = ("code_expired", _("This code has expired."))
    CODE_OTHER_CASE = (
        "code_other_case",
        _("This code was sent for another registration."),
    )
    CODE_USED = (
        "code_used",
        _("This code has already been used for another registration."),
    )


# §51(4) BMG: an Auskunftssperre runs for two years and can be renewed.
AUSKUNFTSSPERRE_YEARS = 2


def years_later_last_day(day: datetime.date, years: int) -> datetime.date:
    """The last day of a period of ``years`` calendar years starting on ``day``."""
    try:
        end = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        end = day.replace(year=day.year + years, day=28) + datetime.timedelta(days=1)
    return end - datetime.timedelta(days=1)
