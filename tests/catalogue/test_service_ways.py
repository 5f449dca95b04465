"""A service page offers only the ways the town really has: every link on it works, none ends in
"not available" or "no office offers this" (all services of both demo towns)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from rathaus.catalogue.selectors import service_list_for
from rathaus.tenants.models import Municipality

pytestmark = pytest.mark.django_db


def test_every_way_offered_on_a_service_page_leads_somewhere(client):
    call_command("load_demo_data", stdout=StringIO())
    seen = {"start": 0, "booking": 0, "contact only": 0}
    for town in Municipality.objects.filter(slug__in=["norderstedt", "reinbek"]):
        client = Client(HTTP_HOST=f"{town.slug}.localhost", HTTP_ACCEPT_LANGUAGE="de")
        for offering in service_list_for(municipality=town):
            response = client.get(f"/leistungen/{offering.slug}/")
            assert response.status_code == 200
            html = response.content.decode()
            assert "noch nicht verfügbar" not in html, offering.slug
            start, booking = response.context["start_url"], response.context["booking_url"]
            if start:
                seen["start"] += 1
                assert client.get(start).status_code == 200, start
            if booking:
                seen["booking"] += 1
                page = client.get(booking)
                assert page.status_code == 200 and not page.context["not_offered"], booking
            if not start and not booking:
                seen["contact only"] += 1
                assert 'href="#kontakt"' in html and "/termine/" not in html, offering.slug
    # The demo has all three kinds of service page.
    assert all(seen.values()), seen
