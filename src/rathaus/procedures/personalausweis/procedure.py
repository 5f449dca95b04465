"""Personalausweis (PAuswG, PAuswV, PAuswGebV): the card is applied for in person, so online the
citizen prepares the application for everyone coming to one appointment — data, photo, how the
card reaches them — learns the fee and what to bring, books the appointment and then follows the
card until pick-up."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.cases.constants import ActorRole
from rathaus.cases.plugin import Note, Procedure, Stage
from rathaus.cases.services import case_stage_set
from rathaus.catalogue.selectors import service_fee, service_offering

from .pages import PersonsPage, ResidencePage, person_name
from .rules import Photo, person_fee_lines, what_to_bring

SERVICE_SLUG = "personalausweis"
PHOTO_SERVICE_SLUG = "lichtbild"  # the photo taken at the counter: its fee and its minutes
STAFF = frozenset({ActorRole.STAFF})
STAFF_OR_SYSTEM = frozenset({ActorRole.STAFF, ActorRole.SYSTEM})


def euro(amount: Decimal) -> str:
    return f"{number_format(amount, decimal_pos=2)} EUR"


class Personalausweis(Procedure):
    key = "personalausweis"
    title = _("Prepare an ID card application")
    description = _(
        "Prepare the ID card application for everyone coming to one appointment, see the fee "
        "and what to bring, book the appointment, and follow the card until you pick it up."
    )
    service_slug = SERVICE_SLUG
    pages = [PersonsPage, ResidencePage]
    account_required = True
    retention = datetime.timedelta(days=365)
    next_steps = _(
        "Book the appointment on your request's page. At the appointment the Bürgerbüro checks "
        "your identity, takes the fingerprints and the application. You will be told here and by "
        "e-mail when the card is ready."
    )
    # The card's way after the application at the counter (§9 PAuswG: produced by the
    # Bundesdruckerei). "Ready" tells the citizen that the PIN letter comes on its own.
    stages = [
        Stage("applied", _("Application taken at the Bürgerbüro")),
        Stage("in_production", _("Card in production")),
        Stage("ready", _("Ready for pick-up – the PIN letter comes separately by post")),
        Stage("picked_up", _("Picked up")),
        Stage("sent", _("Sent by post")),
    ]
    stage_transitions = {
        "": {"applied": STAFF_OR_SYSTEM},
        "applied": {"in_production": STAFF_OR_SYSTEM},
        "in_production": {"ready": STAFF_OR_SYSTEM, "sent": STAFF},
        "ready": {"picked_up": STAFF},
    }
    # Cards not picked up 90 days after "ready" are listed as overdue for the clerks (inbox:
    # stage "ready", only overdue cases).
    stage_deadlines = {"ready": 90}
    status_lookup = True

    def applicant_name(self, answers) -> str:
        persons = answers.get("persons") or []
        return person_name(persons[0]) if persons and isinstance(persons[0], dict) else ""

    # --- money and preparation ---------------------------------------------------------------
    @staticmethod
    def fee_day(context) -> datetime.date:
        """The fee depends on the age on the day of the appointment (today until one is
        booked)."""
        booking = context.services.get("booking")
        if context.case is not None and booking is not None:
            starts = [b.start for b in booking.for_case(case=context.case)]
            if starts:
                return timezone.localtime(min(starts)).date()
        return timezone.localdate()

    def fee_lines(self, context) -> list[tuple[str, list]]:
        """(person's name, fee lines) for everyone in the application."""
        offering = service_offering(municipality=context.municipality, service_slug=SERVICE_SLUG)
        if offering is None:
            return []
        photo_fee = service_fee(municipality=context.municipality, service_slug=PHOTO_SERVICE_SLUG)
        on = self.fee_day(context)
        elsewhere = context.answers.get("registered_here") == "no"
        return [
            (
                person_name(person),
                person_fee_lines(
                    rule=offering.fee,
                    photo_fee=photo_fee,
                    person=person,
                    on=on,
                    elsewhere=elsewhere,
                ),
            )
            for person in PersonsPage.items(context.answers)
        ]

    def fee(self, context):
        """Paid at the appointment, not online; the total is shown with what to bring."""
        total = sum(
            (line.amount for _name, lines in self.fee_lines(context) for line in lines), Decimal(0)
        )
        return total or None

    def notes(self, context) -> list[Note]:
        persons = PersonsPage.items(context.answers)
        if not persons:
            return []
        on = self.fee_day(context)
        costs = []
        for name, lines in self.fee_lines(context):
            parts = ", ".join(f"{line.label} {euro(line.amount)}" for line in lines)
            costs.append(f"{name}: {parts}")
        total = self.fee(context)
        if total:
            costs.append(
                gettext("Total %(total)s, paid at the appointment (by card or in cash).")
                % {"total": euro(total)}
            )
        bring = [
            f"{person_name(person)}: {'; '.join(what_to_bring(person, on=on))}"
            for person in persons
        ]
        return [Note(_("What it costs"), costs), Note(_("What to bring"), bring)]

    def appointment_services(self, context) -> list[tuple[str, int]]:
        persons = PersonsPage.items(context.answers)
        photos = sum(1 for person in persons if person.get("photo") == Photo.COUNTER)
        services = [(SERVICE_SLUG, len(persons))] if persons else []
        if photos:
            services.append((PHOTO_SERVICE_SLUG, photos))
        return services

    def status_lookup_birth_dates(self, answers) -> list[datetime.date]:
        dates = []
        for person in PersonsPage.items(answers):
            try:
                dates.append(datetime.date.fromisoformat(person.get("birth_date", "")))
            except (TypeError, ValueError):
                continue
        return dates

    def stage_notice(self, stage: str):
        """The PIN letter is often taken for the pick-up notice: the e-mail for "ready" says
        that it comes on its own."""
        if stage == "ready":
            return _(
                "Your ID card is ready for pick-up at the Bürgerbüro. The PIN letter comes "
                "separately by post from the Bundesdruckerei: it is not the pick-up notice, and "
                "you do not need to wait for it to pick up the card. Keep it safe, you need the "
                "PIN for the online ID function. Someone else may pick up the card with your "
                "written authority."
            )
        return ""

    # --- lifecycle ---------------------------------------------------------------------------
    def on_approved(self, context) -> None:
        """The clerk accepted the application at the counter: the card's way begins."""
        case_stage_set(case=context.case, to_stage="applied", actor=None)
