"""Per-counter services: "call next" gives a counter only the appointments it can serve."""

import re

import pytest
from django.urls import reverse

from rathaus.accounts.constants import StaffRole
from rathaus.appointments import queue, services
from rathaus.appointments.constants import ErrorCode
from rathaus.appointments.models import Counter, OfficeService
from rathaus.appointments.services import AppointmentError
from tests.accounts.factories import login_verified, staff_create

from .conftest import ANMELDUNG, AUSWEIS, NOW, TUESDAY, at, office_make

pytestmark = pytest.mark.django_db


def checked_in(office, start, email, wanted):
    hold = services.hold_create(
        municipality=office.municipality, office=office, services=wanted, start=start, now=NOW
    )
    booking = services.booking_confirm(
        municipality=office.municipality, hold_token=hold.token, name="E", email=email, now=NOW
    )
    booking = services.booking_finalise(
        municipality=office.municipality, token=services.confirm_token_make(booking), now=NOW
    )
    return queue.ticket_check_in(
        municipality=office.municipality,
        office_slug=office.slug,
        code=booking.code,
        now=at(TUESDAY, 8, 50),
    )


@pytest.fixture
def setup(norderstedt):
    office = office_make(norderstedt, slug="amt", counters=2)
    general, passports = Counter.objects.filter(office=office).order_by("name")
    passports.services.set(OfficeService.objects.filter(office=office, service_slug=AUSWEIS))
    clerk = staff_create(municipality=norderstedt)
    return office, general, passports, clerk


def call(office, counter, clerk, minute=0):
    return queue.ticket_call_next(
        actor=clerk,
        municipality=office.municipality,
        office_slug=office.slug,
        counter_id=counter.pk,
        now=at(TUESDAY, 9, minute),
    )


def test_restricted_counter_skips_appointments_it_cannot_serve(setup):
    office, general, passports, clerk = setup
    anmeldung = checked_in(office, at(TUESDAY, 9), "a@example.org", [(ANMELDUNG, 1)])
    ausweis = checked_in(office, at(TUESDAY, 9, 10), "b@example.org", [(AUSWEIS, 1)])
    both = checked_in(office, at(TUESDAY, 9, 20), "c@example.org", [(ANMELDUNG, 1), (AUSWEIS, 1)])
    # The Anmeldung is first in line, but the passport counter cannot serve it.
    assert call(office, passports, clerk).pk == ausweis.pk
    # An appointment with a service the counter does not serve is not given to it either.
    with pytest.raises(AppointmentError) as nothing:
        call(office, passports, clerk, minute=30)
    assert nothing.value.code == ErrorCode.QUEUE_EMPTY
    # A counter without chosen services serves everything, in the usual order.
    assert call(office, general, clerk, minute=30).pk == anmeldung.pk
    assert call(office, general, clerk, minute=31).pk == both.pk


def test_walk_ins_and_transfers_still_reach_a_restricted_counter(setup):
    office, general, passports, clerk = setup
    anmeldung = checked_in(office, at(TUESDAY, 9), "a@example.org", [(ANMELDUNG, 1)])
    walk_in = queue.ticket_walk_in(
        municipality=office.municipality, office_slug=office.slug, now=at(TUESDAY, 8, 55)
    )
    # Walk-ins carry no services: any counter may call them.
    assert call(office, passports, clerk).pk == walk_in.pk
    # A colleague's transfer is a decision by a person and is honoured.
    assert call(office, general, clerk, minute=1).pk == anmeldung.pk
    queue.ticket_act(
        actor=clerk,
        municipality=office.municipality,
        ticket_id=anmeldung.pk,
        action="transfer",
        to_counter_id=passports.pk,
        now=at(TUESDAY, 9, 2),
    )
    assert call(office, passports, clerk, minute=3).pk == anmeldung.pk


def test_admin_offers_only_this_offices_services_for_its_counters(nor_client, norderstedt):
    office = office_make(norderstedt, slug="amt")
    other = office_make(norderstedt, slug="nebenstelle")
    OfficeService.objects.filter(office=other, service_slug=ANMELDUNG).update(
        service_slug="nur-nebenstelle"
    )
    login_verified(nor_client, staff_create(municipality=norderstedt, role=StaffRole.ADMIN))
    page = nor_client.get(reverse("admin:appointments_office_change", args=[office.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    select = re.search(r'<select[^>]+name="counters-0-services".*?</select>', html, re.DOTALL)
    assert select
    own = OfficeService.objects.get(office=office, service_slug=AUSWEIS)
    foreign = OfficeService.objects.get(office=other, service_slug="nur-nebenstelle")
    options = set(re.findall(r'<option value="(\d+)"', select.group(0)))
    assert options == {
        str(pk) for pk in OfficeService.objects.filter(office=office).values_list("pk", flat=True)
    }
    assert str(own.pk) in options and str(foreign.pk) not in options
