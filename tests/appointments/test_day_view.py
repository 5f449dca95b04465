"""The staff day view: bookings by slot time, for the town's clerks, team leads and admins."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rathaus.accounts.constants import StaffRole, TrustLevel
from rathaus.appointments import queue, services
from rathaus.core.models import AuditEvent
from tests.accounts.factories import citizen_create, login_verified, staff_create

from .conftest import ANMELDUNG, AUSWEIS, NOW, TUESDAY, at, office_make
from .test_office_features import citizen_session

pytestmark = pytest.mark.django_db


def booked(office, start, name, email, services_=((ANMELDUNG, 1),), finalise=True):
    hold = services.hold_create(
        municipality=office.municipality,
        office=office,
        services=list(services_),
        start=start,
        now=NOW,
    )
    booking = services.booking_confirm(
        municipality=office.municipality, hold_token=hold.token, name=name, email=email, now=NOW
    )
    if not finalise:
        return booking
    return services.booking_finalise(
        municipality=office.municipality, token=services.confirm_token_make(booking), now=NOW
    )


@pytest.fixture
def day(norderstedt, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(TUESDAY, 9, 5))
    office = office_make(norderstedt, counters=2)
    first = booked(office, at(TUESDAY, 9), "Erika Mustermann", "erika@example.org")
    second = booked(
        office, at(TUESDAY, 9), "Max Muster", "max@example.org", services_=[(AUSWEIS, 1)]
    )
    held = booked(office, at(TUESDAY, 14), "Hanna Halt", "hanna@example.org", finalise=False)
    queue.ticket_check_in(
        municipality=norderstedt, office_slug=office.slug, code=first.code, now=at(TUESDAY, 8, 55)
    )
    return office, first, second, held


URL = "/termine/verwaltung/{}/tag/"


def test_clerk_sees_the_day_by_slot_with_names_services_status_and_check_in(
    client, norderstedt, day
):
    office, first, second, held = day
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    clerk = staff_create(municipality=norderstedt)
    login_verified(client, clerk)
    page = client.get(URL.format(office.slug), {"tag": TUESDAY.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<table class="kern-table rh-day-view">' in html and "<caption" in html
    assert html.count('<th scope="col">') == 7
    for booking in (first, second, held):
        assert booking.code in html
    assert "Erika Mustermann" in html and "Max Muster" in html and "Hanna Halt" in html
    # The 9:00 slot holds both bookings (one row header spanning both) and shows its occupancy.
    nine = re.search(
        r'<th scope="row" rowspan="2">09:00</th>\s*<td rowspan="2">(\d+) / (\d+)', html
    )
    assert nine and int(nine.group(1)) >= 2
    # Check-in state: the first has its ticket, the second has none.
    assert "T001" in html
    first_row = html[html.index(first.code) : html.index(second.code)]
    assert "T001" in first_row
    second_row = html[html.index(second.code) : html.index(held.code)]
    assert "T001" not in second_row
    # Free slot times are listed too.
    assert re.search(r'<th scope="row">08:00</th>', html)
    event = AuditEvent.objects.filter(action="appointments.day_view.read").get()
    assert event.actor == clerk and event.municipality == norderstedt
    assert event.data == {"office": office.slug, "day": TUESDAY.isoformat(), "bookings": 3}
    assert "Erika" not in str(event.data) and "erika" not in str(event.data)


def test_team_leads_and_admins_too_others_refused(client, norderstedt, reinbek, day):
    office = day[0]
    url = URL.format(office.slug)
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "Erika" not in anonymous.content.decode()
    citizen_session(client, citizen_create(), TrustLevel.HIGH)
    assert client.get(url).status_code == 302  # a citizen is no staff member
    client.logout()
    login_verified(client, staff_create(municipality=reinbek, role=StaffRole.ADMIN))
    other_town = client.get(url)
    assert other_town.status_code == 404 and "Erika" not in other_town.content.decode()
    client.logout()
    for role in (StaffRole.TEAM_LEAD, StaffRole.ADMIN):
        login_verified(client, staff_create(municipality=norderstedt, role=role))
        assert client.get(url, {"tag": TUESDAY.isoformat()}).status_code == 200
        client.logout()
    login_verified(client, staff_create(municipality=norderstedt))
    assert client.get(URL.format("gibt-es-nicht")).status_code == 404
    bad = client.get(url, {"tag": "morgen"})
    assert bad.status_code == 400 and "rh-error-summary" in bad.content.decode()


def test_other_towns_office_slug_is_404_for_this_towns_staff(client, norderstedt, reinbek, day):
    office_make(reinbek, slug="buergerbuero")
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    login_verified(client, staff_create(municipality=norderstedt, role=StaffRole.ADMIN))
    assert client.get(URL.format("buergerbuero")).status_code == 404


def test_day_view_query_count_does_not_grow_with_bookings(client, norderstedt, day):
    office = day[0]
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    login_verified(client, staff_create(municipality=norderstedt))
    url = URL.format(office.slug)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"tag": TUESDAY.isoformat()}).status_code == 200
        return len(captured)

    queries()  # warm the per-process caches (host, catalogue)
    before = queries()
    for minute in (10, 20, 30):
        booked(office, at(TUESDAY, 10, minute), "Weitere Person", f"p{minute}@example.org")
    assert queries() == before
