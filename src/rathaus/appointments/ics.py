"""A minimal iCalendar (RFC 5545) document for one appointment; no personal data in it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rathaus.tenants.selectors import municipality_primary_host


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " "
        current += char
    out.append(current)
    return "\r\n".join(out)


def appointment_ics(
    *,
    uid: str,
    start: dt.datetime,
    end: dt.datetime,
    summary: str,
    location: str,
    description: str,
    stamp: dt.datetime,
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Rathaus//Termine//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{_escape(uid)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def booking_ics_attachment(booking) -> tuple[str, str, str]:
    """The booking's calendar file as an e-mail attachment: (file name, text, media type).

    The same UID as the download from the e-mail's link, so a calendar updates the event instead
    of adding a second one. Place, time and booking code only; no name.
    """
    office = booking.office
    municipality = booking.municipality
    host = municipality_primary_host(municipality) or "rathaus"
    body = appointment_ics(
        uid=f"{booking.code}@{host}",
        start=booking.start,
        end=booking.end,
        summary=f"{office.name} ({booking.code})",
        location=", ".join(
            part for part in (office.street, f"{office.postal_code} {office.city}".strip()) if part
        ),
        description=f"{municipality.name}: {booking.code}",
        stamp=booking.confirmed_at or timezone.now(),
    )
    return f"termin-{booking.code}.ics", body, "text/calendar; method=PUBLISH"
