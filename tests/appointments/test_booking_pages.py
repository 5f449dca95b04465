"""The citizen booking pages: services → (office) → day → time (+ challenge) → details → e-mail."""

import re

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from rathaus.appointments import challenge as pow_
from rathaus.appointments.constants import BookingStatus
from rathaus.appointments.models import Booking, Hold, Slot
from rathaus.notifications.models import OutboxMessage

from .conftest import NOW, TUESDAY, at, office_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(settings, monkeypatch):
    settings.RATHAUS_POW_MAX_NUMBER = 300
    cache.clear()
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def choose(client, **counts):
    """Ticks the services, then says for how many people each (the two booking pages)."""
    assert client.post("/termine/", {"services": list(counts)})["Location"] == "/termine/anzahl/"
    data = {f"count_{service}": str(count) for service, count in counts.items()}
    return client.post("/termine/anzahl/", data, follow=True)


def solved(client):
    return pow_.challenge_solve(client.get("/api/v1/challenge").json())


def test_book_an_appointment_end_to_end(nor_client, office):
    page = nor_client.get("/termine/")
    assert page.status_code == 200
    assert b'type="checkbox" name="services" value="personalausweis"' in page.content

    empty = nor_client.post("/termine/", {})
    assert empty.status_code == 200
    assert b"rh-error-summary" in empty.content
    assert empty.context["form"].errors == {"services": ["Wählen Sie mindestens eine Leistung."]}

    chosen = nor_client.post("/termine/", {"services": ["personalausweis", "anmeldung"]})
    assert chosen.status_code == 302 and chosen["Location"] == "/termine/anzahl/"
    counts = nor_client.get("/termine/anzahl/")
    assert set(counts.context["form"].fields) == {"count_personalausweis", "count_anmeldung"}
    assert b'<select name="count_personalausweis"' in counts.content
    too_many = nor_client.post("/termine/anzahl/", {"count_personalausweis": "9"})
    assert too_many.status_code == 200 and set(too_many.context["form"].errors) == {
        "count_personalausweis",
        "count_anmeldung",
    }
    chosen = nor_client.post(
        "/termine/anzahl/", {"count_personalausweis": "2", "count_anmeldung": "1"}
    )
    # The only office offering both is chosen without asking.
    assert chosen.status_code == 302 and chosen["Location"] == "/termine/standort/"
    assert nor_client.get("/termine/standort/")["Location"] == "/termine/tag/"

    day_page = nor_client.get("/termine/tag/")
    assert day_page.status_code == 200
    assert [v for v, _label in day_page.context["form"].fields["choice"].choices] == [
        TUESDAY.isoformat()
    ]
    assert nor_client.post("/termine/tag/", {"choice": TUESDAY.isoformat()}).status_code == 302

    time_page = nor_client.get("/termine/uhrzeit/")
    assert time_page.status_code == 200
    assert b"appointments/pow.js" in time_page.content
    choices = dict(time_page.context["form"].fields["choice"].choices)
    value = next(v for v, label in choices.items() if label == "08:00")
    assert value.startswith("2026-06-09T06:00:00")

    no_check = nor_client.post("/termine/uhrzeit/", {"choice": value, "challenge": ""})
    assert no_check.status_code == 200 and no_check.context["form"].errors
    assert Hold.objects.count() == 0

    reserved = nor_client.post(
        "/termine/uhrzeit/", {"choice": value, "challenge": solved(nor_client)}
    )
    assert reserved.status_code == 302 and reserved["Location"] == "/termine/angaben/"
    assert Slot.objects.get(start=at(TUESDAY, 8, 40)).taken == 1

    details = nor_client.get("/termine/angaben/")
    assert details.status_code == 200
    bad = nor_client.post("/termine/angaben/", {"name": "", "email": "not-an-address"})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"name", "email"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = nor_client.post(
            "/termine/angaben/", {"name": "Erika Mustermann", "email": "erika@example.org"}
        )
    assert sent.status_code == 302 and sent["Location"] == "/termine/gesendet/"
    assert nor_client.get(sent["Location"]).status_code == 200
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.HELD
    assert [(i.service_slug, i.count) for i in booking.items.order_by("service_slug")] == [
        ("anmeldung", 1),
        ("personalausweis", 2),
    ]
    link = re.search(r"/termine/bestaetigen/\S+/", OutboxMessage.objects.get().body).group(0)
    assert nor_client.post(link).status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_taken_time_is_refused_on_the_time_page(nor_client, office):
    choose(nor_client, anmeldung=1)
    nor_client.post("/termine/tag/", {"choice": TUESDAY.isoformat()})
    value = nor_client.get("/termine/uhrzeit/").context["form"].fields["choice"].choices[0][0]
    Slot.objects.filter(start=at(TUESDAY, 8)).update(taken=1)
    response = nor_client.post(
        "/termine/uhrzeit/", {"choice": value, "challenge": solved(nor_client)}
    )
    assert response.status_code == 200
    assert "nicht mehr frei" in response.content.decode()


def test_several_offices_are_offered_as_a_choice(nor_client, norderstedt, office):
    office_make(norderstedt, slug="garstedt")
    choose(nor_client, anmeldung=1)
    page = nor_client.get("/termine/standort/")
    assert page.status_code == 200
    assert len(page.context["form"].fields["choice"].choices) == 2
    assert nor_client.post("/termine/standort/", {"choice": "nowhere"}).status_code == 200
    assert nor_client.post("/termine/standort/", {"choice": "garstedt"}).status_code == 302


def test_service_link_from_the_catalogue_preselects_it(nor_client, office):
    page = nor_client.get("/termine/leistung/personalausweis/")
    assert page.status_code == 200
    assert page.context["form"]["services"].value() == ["personalausweis"]
    assert nor_client.get("/termine/leistung/no-such-service/").status_code == 404


def test_catalogue_service_without_an_office_gets_a_note_not_a_dead_end(nor_client, office):
    from rathaus.catalogue import demo as catalogue_demo

    catalogue_demo.load()
    page = nor_client.get("/termine/leistung/fuehrungszeugnis/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["not_offered"]
    assert "No office offers an appointment for" in page.content.decode()
    assert page.context["form"]["services"].value() == []


def test_pages_without_earlier_steps_send_back_to_the_start(nor_client, office):
    for url in ("/termine/standort/", "/termine/tag/", "/termine/uhrzeit/", "/termine/angaben/"):
        response = nor_client.get(url)
        assert response.status_code == 302 and response["Location"] == "/termine/"


def test_logged_in_citizens_get_their_data_pre_filled(nor_client, office):
    from tests.accounts.factories import citizen_create

    citizen = citizen_create(email="erika.m@example.org", phone="040 555")
    nor_client.force_login(citizen)
    choose(nor_client, anmeldung=1)
    nor_client.post("/termine/tag/", {"choice": TUESDAY.isoformat()})
    value = nor_client.get("/termine/uhrzeit/").context["form"].fields["choice"].choices[0][0]
    nor_client.post("/termine/uhrzeit/", {"choice": value, "challenge": solved(nor_client)})
    form = nor_client.get("/termine/angaben/").context["form"]
    assert form.initial == {
        "name": "Erika Mustermann",
        "email": "erika.m@example.org",
        "phone": "040 555",
    }


def test_confirmation_names_the_appointment_its_services_and_what_to_bring(nor_client, office):
    from rathaus.catalogue import demo as catalogue_demo

    catalogue_demo.load()
    choose(nor_client, anmeldung=1, personalausweis=2)
    nor_client.post("/termine/tag/", {"choice": TUESDAY.isoformat()})
    value = nor_client.get("/termine/uhrzeit/").context["form"].fields["choice"].choices[0][0]
    nor_client.post("/termine/uhrzeit/", {"choice": value, "challenge": solved(nor_client)})
    with TestCase.captureOnCommitCallbacks(execute=True):
        nor_client.post("/termine/angaben/", {"name": "Erika M", "email": "erika@example.org"})
    link = re.search(r"/termine/bestaetigen/\S+/", OutboxMessage.objects.get().body).group(0)
    booking = Booking.objects.get()

    # Before confirming: which appointment the link books.
    page = nor_client.get(link).content.decode()
    assert '<h1 class="kern-heading-large">Termin bestätigen</h1>' in page
    assert "Dienstag, 9. Juni 2026, 08:00" in page and office.name in page
    assert booking.code in page
    assert "<li>2 × Personalausweis beantragen</li>" in page
    assert "<li>Wohnsitz anmelden (Anmeldung)</li>" in page
    assert "Personalausweis, Reisepass oder eID-Karte aller Personen" in page

    # After confirming: booked, with the services and what to bring, in the e-mail too.
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = nor_client.post(link).content.decode()
    assert "<title>Ihr Termin ist gebucht – Stadt Norderstedt</title>" in done
    assert '<h1 class="kern-heading-large">Ihr Termin ist gebucht</h1>' in done
    assert "Das bringen Sie mit" in done and "2 × Personalausweis beantragen" in done
    mail = OutboxMessage.objects.order_by("-pk").first().body
    assert "- Wohnsitz anmelden (Anmeldung)\n- 2 × Personalausweis beantragen\n" in mail
    assert "Bitte bringen Sie für „Personalausweis beantragen“ mit:" in mail
    # Office names carry their article and case.
    assert "Ihr Termin beim Bürgerbüro Stadt Norderstedt ist gebucht" in mail
    assert "Ihr Termin beim Bürgerbüro Stadt Norderstedt am Dienstag" in done
    from django.utils import translation

    with translation.override("de"):
        assert office.name_to == "zum Bürgerbüro Stadt Norderstedt"
    assert "&amp;" not in mail and "&quot;" not in mail

    booking_url = re.search(r"/termine/termin/\S+/", mail).group(0)
    shown = nor_client.get(booking_url).content.decode()
    assert "2 × Personalausweis beantragen" in shown and "Das bringen Sie mit" in shown

    # A forged link shows no appointment.
    forged = nor_client.get("/termine/bestaetigen/nope/").content.decode()
    assert booking.code not in forged


def test_published_opening_hours_are_the_hours_that_make_the_slots(nor_client, office):
    from rathaus.appointments import services
    from rathaus.appointments.models import OpeningHours

    # The office closes on Wednesdays: neither the published hours nor the slots show one.
    OpeningHours.objects.filter(office=office, weekday=2).delete()
    wednesday = TUESDAY + timezone.timedelta(days=1)
    services.slots_materialise(
        office=office, first_day=wednesday, last_day=wednesday + timezone.timedelta(days=1)
    )
    assert not Slot.objects.filter(office=office, start__date=wednesday).exists()
    assert Slot.objects.filter(office=office, start__date=wednesday + timezone.timedelta(days=1))

    html = nor_client.get("/").content.decode()
    hours = html[html.index('<ul class="rh-hours">') :]
    hours = hours[: hours.index("</ul>")]
    days = re.findall(r'<span class="rh-hours__day">(\w+)</span>', hours)
    assert days == ["Montag", "Dienstag", "Donnerstag", "Freitag"]
    assert "08:00–12:00, 13:00–15:00" in hours
    # The town's own text is only a note beneath them.
    assert "An gesetzlichen Feiertagen geschlossen." in html
    easy = nor_client.get("/leichte-sprache/").content.decode()
    assert "Mittwoch" not in easy and "Donnerstag: 08:00–12:00, 13:00–15:00" in easy
