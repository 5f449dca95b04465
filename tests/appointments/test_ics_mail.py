"""The booking e-mails carry the appointment as an .ics attachment (text/calendar; PUBLISH)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import override_settings

from rathaus.appointments import services
from rathaus.notifications.models import OutboxAttachment, OutboxMessage

from .conftest import ANMELDUNG, NOW, TUESDAY, TZ, at, office_make

pytestmark = pytest.mark.django_db

NAME = "Erika Mustermann"
EMAIL = "erika.mustermann@example.org"
PHONE = "0401234567"


def booked(office, start):
    hold = services.hold_create(
        municipality=office.municipality,
        office=office,
        services=[(ANMELDUNG, 1)],
        start=start,
        now=NOW,
    )
    booking = services.booking_confirm(
        municipality=office.municipality,
        hold_token=hold.token,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        now=NOW,
    )
    return services.booking_finalise(
        municipality=office.municipality, token=services.confirm_token_make(booking), now=NOW
    )


def ics_field(text: str, name: str) -> str:
    match = re.search(rf"^{name}:(.*)$", text, re.MULTILINE)
    assert match, f"{name} missing"
    return match.group(1).strip()


def test_confirmation_mail_has_the_ics_attached_with_the_berlin_time(
    norderstedt, django_capture_on_commit_callbacks
):
    office = office_make(norderstedt)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booked(office, at(TUESDAY, 9, 30))
    # The double-opt-in mail has no calendar file; the confirmation mail has exactly one.
    confirm_mail, booked_mail = OutboxMessage.objects.order_by("pk")
    assert not confirm_mail.attachments.exists()
    attachment = booked_mail.attachments.get()
    assert attachment.filename == f"termin-{booking.code}.ics"
    assert attachment.mimetype == "text/calendar; method=PUBLISH"
    text = attachment.content
    assert "METHOD:PUBLISH" in text
    start = dt.datetime.strptime(ics_field(text, "DTSTART"), "%Y%m%dT%H%M%SZ").replace(
        tzinfo=dt.UTC
    )
    # 9:30 in Berlin is 7:30 UTC in June (summer time).
    assert start.astimezone(TZ) == at(TUESDAY, 9, 30)
    assert ics_field(text, "DTSTART") == "20260609T073000Z"
    assert ics_field(text, "DTEND") == "20260609T074000Z"
    assert ics_field(text, "UID") == f"{booking.code}@norderstedt.localhost"
    assert booking.code in ics_field(text, "SUMMARY")
    # Place, time and code only: nothing about the person.
    for personal in (NAME, "Erika", "Mustermann", EMAIL, PHONE):
        assert personal not in text
        assert personal not in attachment.filename


def test_the_attachment_is_the_same_file_as_the_calendar_download(
    norderstedt, nor_client, django_capture_on_commit_callbacks
):
    office = office_make(norderstedt)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booked(office, at(TUESDAY, 10))
    attachment = OutboxAttachment.objects.get()
    token = services.cancel_token_make(booking)
    download = nor_client.get(f"/termine/kalender/{booking.code}/{token}/")
    assert download.status_code == 200
    assert ics_field(download.content.decode(), "UID") == ics_field(attachment.content, "UID")
    assert ics_field(download.content.decode(), "DTSTART") == "20260609T080000Z"


def test_the_sent_mime_message_carries_text_calendar_with_method_publish(
    norderstedt, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    office = office_make(norderstedt)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booked(office, at(TUESDAY, 11))
    sent = mail.outbox[-1]
    assert sent.to == [EMAIL]
    raw = sent.message().as_string()
    assert re.search(r'Content-Type: text/calendar; method="?PUBLISH"?', raw)
    assert f'filename="termin-{booking.code}.ics"' in raw
    assert "DTSTART:20260609T090000Z" in raw


def test_a_moved_appointment_sends_the_new_calendar_file(
    norderstedt, django_capture_on_commit_callbacks
):
    office = office_make(norderstedt)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booked(office, at(TUESDAY, 9))
        services.booking_move(
            municipality=norderstedt,
            code=booking.code,
            token=services.move_token_make(booking),
            start=at(TUESDAY, 14),
            now=NOW,
        )
    latest = OutboxMessage.objects.order_by("-pk").first().attachments.get()
    assert ics_field(latest.content, "DTSTART") == "20260609T120000Z"
    first = OutboxMessage.objects.order_by("pk")[1].attachments.get()
    assert ics_field(first.content, "UID") == ics_field(latest.content, "UID")


def test_demo_outbox_lists_the_ics_and_offers_it_for_download(
    norderstedt, nor_client, django_capture_on_commit_callbacks
):
    office = office_make(norderstedt)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booked(office, at(TUESDAY, 9))
    attachment = OutboxAttachment.objects.get()
    link = f"/demo/postausgang/anhang/{attachment.pk}/"
    with override_settings(RATHAUS_DEMO=True):
        page = nor_client.get("/demo/postausgang/")
        download = nor_client.get(link)
    html = page.content.decode()
    assert f"termin-{booking.code}.ics" in html
    assert f'href="{link}"' in html
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/calendar")
    assert f'filename="termin-{booking.code}.ics"' in download["Content-Disposition"]
    assert "DTSTART:20260609T070000Z" in download.content.decode()


def test_the_reminder_carries_the_same_calendar_event(
    norderstedt, django_capture_on_commit_callbacks
):
    office = office_make(norderstedt)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booked(office, at(TUESDAY, 9))
    booked_file = OutboxMessage.objects.order_by("-pk").first().attachments.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.booking_reminders_send(now=at(TUESDAY - dt.timedelta(days=1), 16)) == 1
    reminder = OutboxMessage.objects.order_by("-pk").first()
    assert booking.code in reminder.body
    attachment = reminder.attachments.get()
    assert attachment.filename == f"termin-{booking.code}.ics"
    assert ics_field(attachment.content, "UID") == ics_field(booked_file.content, "UID")
    assert ics_field(attachment.content, "DTSTART") == "20260609T070000Z"
