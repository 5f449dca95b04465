"""Booking engine services against the database (SQLite and PostgreSQL)."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.test import TestCase
from django.utils import translation

from rathaus.appointments import selectors, services
from rathaus.appointments.constants import BookingStatus, ErrorCode, HoldState
from rathaus.appointments.models import Booking, ClosureDay, Hold, Slot
from rathaus.appointments.services import AppointmentError
from rathaus.notifications.models import OutboxMessage
from tests.accounts.factories import staff_create

from .conftest import ANMELDUNG, AUSWEIS, NOW, TUESDAY, at, office_make

pytestmark = pytest.mark.django_db


def taken(office, *starts):
    rows = dict(Slot.objects.filter(office=office).values_list("start", "taken"))
    return [rows[s] for s in starts]


def hold(office, start, services_=((ANMELDUNG, 1),), now=NOW):
    return services.hold_create(
        municipality=office.municipality, office=office, services=services_, start=start, now=now
    )


def confirm(hold_, email="erika@example.org", now=NOW):
    # E-mails leave after commit; run those callbacks so the outbox receives them.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.booking_confirm(
            municipality=hold_.municipality,
            hold_token=hold_.token,
            name="Erika Mustermann",
            email=email,
            phone="040 123456",
            now=now,
        )


def finalise(municipality, token, now=NOW):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.booking_finalise(municipality=municipality, token=token, now=now)


def link_token(kind):
    body = OutboxMessage.objects.order_by("-pk").first().body
    match = re.search(rf"/termine/{kind}/([^\s]+)/", body)
    assert match, body
    return match.group(1)


def test_slots_are_materialised_idempotently(office):
    assert Slot.objects.filter(office=office).count() == 36
    again = services.slots_materialise(office=office, first_day=TUESDAY, last_day=TUESDAY)
    assert again == 0
    assert Slot.objects.filter(office=office).count() == 36


def test_a_new_closure_lowers_capacity_to_what_is_taken(office):
    held = hold(office, at(TUESDAY, 9))
    ClosureDay.objects.create(municipality=office.municipality, office=office, date=TUESDAY)
    services.slots_materialise(office=office, first_day=TUESDAY, last_day=TUESDAY)
    nine = Slot.objects.get(office=office, start=at(TUESDAY, 9))
    assert (nine.capacity, nine.taken) == (1, 1)
    assert not Slot.objects.filter(office=office).exclude(pk=nine.pk).exclude(capacity=0).exists()
    assert held.state == HoldState.ACTIVE


def test_multi_service_hold_takes_all_consecutive_slots(office):
    start = at(TUESDAY, 8)
    held = hold(office, start, services_=[(AUSWEIS, 2), (ANMELDUNG, 1)])
    starts = [at(TUESDAY, 8, m) for m in (0, 10, 20, 30, 40, 50)]
    assert taken(office, *starts) == [1, 1, 1, 1, 1, 0]
    assert held.slots.count() == 5
    assert held.end - held.start == dt.timedelta(minutes=50)
    assert held.expires_at == NOW + dt.timedelta(minutes=10)


def test_multi_slot_hold_is_all_or_nothing(office):
    hold(office, at(TUESDAY, 8, 30))  # the fourth slot of the next appointment is taken
    with pytest.raises(AppointmentError) as refused:
        hold(office, at(TUESDAY, 8), services_=[(AUSWEIS, 2)])
    assert refused.value.code == ErrorCode.SLOT_UNAVAILABLE
    starts = [at(TUESDAY, 8, m) for m in (0, 10, 20, 30)]
    assert taken(office, *starts) == [0, 0, 0, 1]
    assert Hold.objects.count() == 1


def test_hold_may_not_run_into_the_break(office):
    with pytest.raises(AppointmentError) as refused:
        hold(office, at(TUESDAY, 11, 50), services_=[(AUSWEIS, 1)])
    assert refused.value.code == ErrorCode.SLOT_UNAVAILABLE
    assert taken(office, at(TUESDAY, 11, 50), at(TUESDAY, 13)) == [0, 0]


def test_the_database_refuses_overbooking_even_without_the_service(office):
    slot = Slot.objects.get(office=office, start=at(TUESDAY, 8))
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(taken=F("taken") + 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(taken=F("taken") - 1)


def test_full_slot_is_refused_cleanly(office):
    hold(office, at(TUESDAY, 10))
    with pytest.raises(AppointmentError) as refused:
        hold(office, at(TUESDAY, 10))
    assert refused.value.code == ErrorCode.SLOT_UNAVAILABLE
    assert taken(office, at(TUESDAY, 10)) == [1]


def test_capacity_of_several_counters(norderstedt):
    office = office_make(norderstedt, slug="gross", counters=3)
    for _ in range(3):
        hold(office, at(TUESDAY, 10))
    with pytest.raises(AppointmentError):
        hold(office, at(TUESDAY, 10))
    assert taken(office, at(TUESDAY, 10)) == [3]


def test_booking_window_and_unknown_services_are_refused(office):
    with pytest.raises(AppointmentError) as too_soon:
        hold(office, at(TUESDAY, 8), now=at(TUESDAY, 7, 30))
    assert too_soon.value.code == ErrorCode.OUTSIDE_BOOKING_WINDOW
    with pytest.raises(AppointmentError) as unknown:
        hold(office, at(TUESDAY, 8), services_=[("hundesteuer", 1)])
    assert unknown.value.code == ErrorCode.SERVICE_NOT_OFFERED
    with pytest.raises(AppointmentError) as too_many:
        hold(office, at(TUESDAY, 8), services_=[(AUSWEIS, 6)])
    assert too_many.value.code == ErrorCode.SERVICE_NOT_OFFERED
    assert Hold.objects.count() == 0


def test_free_starts_follow_the_holds(office):
    municipality = office.municipality
    kwargs = {
        "municipality": municipality,
        "office": office,
        "first_day": TUESDAY,
        "last_day": TUESDAY,
        "now": NOW,
    }
    before = selectors.free_starts(services=[(AUSWEIS, 1)], **kwargs)
    assert at(TUESDAY, 8) in before and at(TUESDAY, 11, 40) in before
    assert at(TUESDAY, 11, 50) not in before
    hold(office, at(TUESDAY, 8, 10))
    after = selectors.free_starts(services=[(AUSWEIS, 1)], **kwargs)
    assert at(TUESDAY, 8) not in after and at(TUESDAY, 8, 10) not in after
    assert at(TUESDAY, 8, 20) in after
    assert len(before) - len(after) == 2


def test_expiry_returns_the_slots_once(office):
    held = hold(office, at(TUESDAY, 9), services_=[(AUSWEIS, 1)])
    assert services.holds_expire_due(now=NOW + dt.timedelta(minutes=9)) == 0
    assert taken(office, at(TUESDAY, 9), at(TUESDAY, 9, 10)) == [1, 1]
    assert services.holds_expire_due(now=NOW + dt.timedelta(minutes=10)) == 1
    assert taken(office, at(TUESDAY, 9), at(TUESDAY, 9, 10)) == [0, 0]
    held.refresh_from_db()
    assert held.state == HoldState.RELEASED
    assert services.hold_expire(hold=held, now=NOW + dt.timedelta(minutes=20)) is False
    assert taken(office, at(TUESDAY, 9)) == [0]
    hold(office, at(TUESDAY, 9), now=NOW + dt.timedelta(minutes=11))


def test_periodic_task_expires_holds(office):
    from rathaus.appointments.tasks import holds_expire_task

    held = hold(office, at(TUESDAY, 9))  # expired long before the real clock's "now"
    holds_expire_task.call_local()
    held.refresh_from_db()
    assert held.state == HoldState.RELEASED
    assert taken(office, at(TUESDAY, 9)) == [0]


def test_double_opt_in_confirms_once_and_refuses_forged_links(office):
    held = hold(office, at(TUESDAY, 9))
    booking = confirm(held)
    assert booking.status == BookingStatus.HELD
    mail = OutboxMessage.objects.order_by("-pk").first()
    assert mail.recipients.count("erika@example.org") == 1
    assert "Erika" not in mail.body  # no personal data beyond what the recipient needs
    token = link_token("bestaetigen")
    municipality = office.municipality
    with pytest.raises(AppointmentError) as forged:
        services.booking_finalise(municipality=municipality, token=token[:-2] + "xx", now=NOW)
    assert forged.value.code == ErrorCode.INVALID_TOKEN
    other_salt = signing.dumps({"c": booking.code, "h": held.pk}, salt="something-else")
    with pytest.raises(AppointmentError):
        services.booking_finalise(municipality=municipality, token=other_salt, now=NOW)

    final = finalise(municipality, token)
    assert final.status == BookingStatus.CONFIRMED
    held.refresh_from_db()
    assert held.state == HoldState.BOOKED
    assert services.holds_expire_due(now=NOW + dt.timedelta(hours=2)) == 0
    assert taken(office, at(TUESDAY, 9)) == [1]
    with pytest.raises(AppointmentError) as reused:
        services.booking_finalise(municipality=municipality, token=token, now=NOW)
    assert reused.value.code == ErrorCode.ALREADY_CONFIRMED
    booked_mail = OutboxMessage.objects.order_by("-pk").first()
    assert booking.code in booked_mail.subject and "/termine/absagen/" in booked_mail.body


def test_a_confirmation_link_after_expiry_is_refused(office):
    held = hold(office, at(TUESDAY, 9))
    confirm(held)
    token = link_token("bestaetigen")
    later = NOW + dt.timedelta(minutes=10)
    services.holds_expire_due(now=later)
    with pytest.raises(AppointmentError) as expired:
        services.booking_finalise(municipality=office.municipality, token=token, now=later)
    assert expired.value.code == ErrorCode.HOLD_EXPIRED
    assert Booking.objects.get().status == BookingStatus.EXPIRED
    assert taken(office, at(TUESDAY, 9)) == [0]


def test_a_hold_is_used_for_one_booking_only(office):
    held = hold(office, at(TUESDAY, 9))
    confirm(held)
    with pytest.raises(AppointmentError) as again:
        confirm(held, email="someone@example.org")
    assert again.value.code == ErrorCode.HOLD_ALREADY_USED


def test_personal_data_is_encrypted_and_found_by_digest(office):
    booking = confirm(hold(office, at(TUESDAY, 9)))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, email, phone FROM appointments_booking WHERE id = %s", [booking.pk]
        )
        row = cursor.fetchone()
    assert all("Erika" not in v and "example.org" not in v and "123456" not in v for v in row)
    assert booking.email_digest == services.email_digest(" ERIKA@example.org ")
    assert Booking.objects.get(pk=booking.pk).name == "Erika Mustermann"


def finalised(office, start, email="erika@example.org"):
    booking = confirm(hold(office, start), email=email)
    finalise(office.municipality, link_token("bestaetigen"))
    return booking


def test_cancel_keeps_the_slot_in_quarantine_then_returns_it(office):
    booking = finalised(office, at(TUESDAY, 9))
    cancel_token = link_token("absagen/" + booking.code)
    municipality = office.municipality
    with pytest.raises(AppointmentError) as forged:
        services.booking_cancel(
            municipality=municipality, code=booking.code, token=cancel_token + "x", now=NOW
        )
    assert forged.value.code == ErrorCode.INVALID_TOKEN

    cancelled = services.booking_cancel(
        municipality=municipality, code=booking.code, token=cancel_token, now=NOW
    )
    assert cancelled.status == BookingStatus.CANCELLED
    assert taken(office, at(TUESDAY, 9)) == [1]
    with pytest.raises(AppointmentError):
        hold(office, at(TUESDAY, 9), now=NOW + dt.timedelta(minutes=30))
    assert services.holds_release_quarantined(now=NOW + dt.timedelta(minutes=59)) == 0
    assert taken(office, at(TUESDAY, 9)) == [1]
    assert services.holds_release_quarantined(now=NOW + dt.timedelta(minutes=60)) == 1
    assert taken(office, at(TUESDAY, 9)) == [0]
    assert services.holds_release_quarantined(now=NOW + dt.timedelta(minutes=90)) == 0
    assert taken(office, at(TUESDAY, 9)) == [0]

    with pytest.raises(AppointmentError) as reused:
        services.booking_cancel(
            municipality=municipality, code=booking.code, token=cancel_token, now=NOW
        )
    assert reused.value.code == ErrorCode.NOT_CANCELLABLE
    hold(office, at(TUESDAY, 9), now=NOW + dt.timedelta(minutes=61))


def test_a_cancel_token_fits_only_its_own_booking(office):
    first = finalised(office, at(TUESDAY, 9))
    first_token = link_token("absagen/" + first.code)
    second = finalised(office, at(TUESDAY, 10), email="max@example.org")
    with pytest.raises(AppointmentError) as wrong:
        services.booking_cancel(
            municipality=office.municipality, code=second.code, token=first_token, now=NOW
        )
    assert wrong.value.code == ErrorCode.INVALID_TOKEN
    second.refresh_from_db()
    assert second.status == BookingStatus.CONFIRMED


def test_per_email_limit(office):
    finalised(office, at(TUESDAY, 8))
    second = finalised(office, at(TUESDAY, 8, 10), email=" Erika@Example.org")
    third = hold(office, at(TUESDAY, 8, 20))
    with pytest.raises(AppointmentError) as limited:
        confirm(third)
    assert limited.value.code == ErrorCode.EMAIL_LIMIT_REACHED
    confirm(hold(office, at(TUESDAY, 8, 30)), email="max@example.org")
    services.booking_cancel(
        municipality=office.municipality,
        code=second.code,
        token=services.cancel_token_make(second),
        now=NOW,
    )
    assert confirm(third).status == BookingStatus.HELD


def test_other_town_sees_nothing(office, rei_office, norderstedt, reinbek):
    booking = finalised(office, at(TUESDAY, 9))
    nor_clerk = staff_create(municipality=norderstedt)
    rei_clerk = staff_create(municipality=reinbek)

    mine = selectors.bookings_for_office_day(
        actor=nor_clerk, municipality=norderstedt, office_slug=office.slug, day=TUESDAY
    )
    assert list(mine) == [booking]
    with pytest.raises(Http404):
        selectors.bookings_for_office_day(
            actor=rei_clerk, municipality=norderstedt, office_slug=office.slug, day=TUESDAY
        )
    with pytest.raises(Http404):
        selectors.bookings_for_office_day(
            actor=rei_clerk, municipality=reinbek, office_slug=office.slug, day=TUESDAY
        )
    with pytest.raises(Http404):
        selectors.slot_occupancy(
            actor=rei_clerk, municipality=norderstedt, office_slug=office.slug, day=TUESDAY
        )
    assert (
        list(
            selectors.bookings_for_office_day(
                actor=rei_clerk, municipality=reinbek, office_slug=rei_office.slug, day=TUESDAY
            )
        )
        == []
    )
    with pytest.raises(Http404):
        selectors.booking_get(municipality=reinbek, code=booking.code)
    assert selectors.booking_get(municipality=norderstedt, code=booking.code.lower()) == booking
    assert list(selectors.office_list(municipality=reinbek)) == [rei_office]
    with pytest.raises(Http404):
        selectors.office_get(municipality=reinbek, slug=office.slug)
    with pytest.raises(Http404):
        selectors.free_starts(
            municipality=reinbek,
            office=office,
            services=[(ANMELDUNG, 1)],
            first_day=TUESDAY,
            last_day=TUESDAY,
            now=NOW,
        )
    # Services refuse a foreign office, hold token or cancel token as well.
    with pytest.raises(AppointmentError):
        services.hold_create(
            municipality=reinbek,
            office=office,
            services=[(ANMELDUNG, 1)],
            start=at(TUESDAY, 10),
            now=NOW,
        )
    nor_hold = hold(office, at(TUESDAY, 10))
    with pytest.raises(AppointmentError) as foreign:
        services.booking_confirm(
            municipality=reinbek,
            hold_token=nor_hold.token,
            name="X",
            email="x@example.org",
            now=NOW,
        )
    assert foreign.value.code == ErrorCode.HOLD_NOT_FOUND
    with pytest.raises(AppointmentError):
        services.booking_cancel(
            municipality=reinbek,
            code=booking.code,
            token=services.cancel_token_make(booking),
            now=NOW,
        )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_reminders_go_out_the_day_before_once(office):
    booking = finalised(office, at(TUESDAY, 9))
    unconfirmed = confirm(hold(office, at(TUESDAY, 10)), email="max@example.org")
    monday_afternoon = at(TUESDAY - dt.timedelta(days=1), 16)
    sunday = at(TUESDAY - dt.timedelta(days=2), 16)
    before = OutboxMessage.objects.count()
    assert services.booking_reminders_send(now=sunday) == 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.booking_reminders_send(now=monday_afternoon) == 1
    assert services.booking_reminders_send(now=monday_afternoon) == 0
    assert OutboxMessage.objects.count() == before + 1
    reminder = OutboxMessage.objects.order_by("-pk").first()
    assert booking.code in reminder.body and "/termine/absagen/" in reminder.body
    assert "erika@example.org" in reminder.recipients
    assert unconfirmed.status == BookingStatus.HELD


def test_the_reminder_is_written_in_the_language_booked_in(office):
    with translation.override("en"):
        english = finalised(office, at(TUESDAY, 9))
    german = finalised(office, at(TUESDAY, 10), email="max@example.org")
    assert (english.language, german.language) == ("en", "de")
    with TestCase.captureOnCommitCallbacks(execute=True):
        # The nightly task runs without a visitor: German is active.
        assert services.booking_reminders_send(now=at(TUESDAY - dt.timedelta(days=1), 16)) == 2
    sent = {m.recipients: m for m in OutboxMessage.objects.order_by("-pk")[:2]}
    assert sent["erika@example.org"].subject.startswith("Reminder: your appointment tomorrow")
    assert sent["max@example.org"].subject.startswith("Erinnerung")
    # The date as each language writes it (TUESDAY is 9 June 2026).
    assert "Tuesday, 9 June 2026, 09:00" in sent["erika@example.org"].body
    assert "Dienstag, 9. Juni 2026, 10:00" in sent["max@example.org"].body


def test_without_quarantine_a_cancelled_slot_is_free_at_once(norderstedt):
    office = office_make(norderstedt, slug="sofort", quarantine_minutes=0)
    booking = finalised(office, at(TUESDAY, 9))
    services.booking_cancel(
        municipality=norderstedt,
        code=booking.code,
        token=services.cancel_token_make(booking),
        now=NOW,
    )
    assert taken(office, at(TUESDAY, 9)) == [0]
    assert Hold.objects.get(pk=booking.hold_id).state == HoldState.RELEASED


def test_a_start_without_offset_is_read_as_berlin_time(office):
    held = hold(office, dt.datetime(2026, 6, 9, 9, 0))
    assert held.start == at(TUESDAY, 9)
