"""Polling cards (Wahlbenachrichtigungen) for the election office: a PDF whose QR codes open the
application with the voter number filled in, on the town's configured host."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rathaus.documents.rendering import qr_data_uri
from rathaus.elections import selectors
from rathaus.tenants.models import MunicipalityHost
from tests.accounts.factories import login_verified, staff_create

pytestmark = pytest.mark.django_db


def cards_url(election, **query):
    url = reverse("elections_office:pdf", args=[election.public_id, "wahlbenachrichtigungen"])
    return url + "".join(f"?{k}={v}" for k, v in query.items())


@pytest.fixture
def clerk_client(nor_client, norderstedt):
    login_verified(nor_client, staff_create(municipality=norderstedt))
    return nor_client


def test_the_qr_code_opens_the_application_with_the_voter_number(nor_client, election):
    card = selectors.polling_cards(election=election)[0]
    assert card.voter.number == 1
    apply = reverse("elections:apply", args=[election.public_id])
    assert card.url == f"http://norderstedt.localhost{apply}?wvz=1"
    assert card.qr == qr_data_uri(card.url)
    # What a phone opens after scanning: the form with the number filled in.
    response = nor_client.get(card.url.removeprefix("http://norderstedt.localhost"))
    assert response.status_code == 200
    assert 'name="voter_number" value="1"' in response.content.decode()


def test_the_links_use_the_configured_address_not_the_request(clerk_client, election, norderstedt):
    MunicipalityHost.objects.filter(municipality=norderstedt).update(is_primary=False)
    MunicipalityHost.objects.create(
        municipality=norderstedt, hostname="wahl.norderstedt.example", is_primary=True
    )
    cards = selectors.polling_cards(election=election, first_number=3)
    assert [c.voter.number for c in cards] == [3, 4]
    assert all(c.url.startswith("http://wahl.norderstedt.example/briefwahl/") for c in cards)
    response = clerk_client.get(cards_url(election, ab=3))  # asked on norderstedt.localhost
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"


def test_the_pdf_renders_each_cards_qr_code(election, monkeypatch):
    rendered = {}

    def capture(*, template, context, municipality):
        from django.template.loader import render_to_string

        rendered["html"] = render_to_string(template, {**context, "municipality": municipality})
        return b"%PDF-"

    monkeypatch.setattr("rathaus.elections.views.pdf_render", capture)
    client = Client(HTTP_HOST="norderstedt.localhost")
    login_verified(client, staff_create(municipality=election.municipality))
    assert client.get(cards_url(election, ab="x")).status_code == 200  # not a number: from 1
    html = rendered["html"]
    for card in selectors.polling_cards(election=election):
        assert card.qr in html and card.url in html
    assert html.count('class="card"') == 4


def test_polling_cards_are_for_the_towns_staff_only(nor_client, election, reinbek, other_election):
    url = cards_url(election)
    assert nor_client.get(url).status_code == 302  # anonymous: to the staff login
    rei_clerk = Client(HTTP_HOST="reinbek.localhost")
    login_verified(rei_clerk, staff_create(municipality=reinbek))
    assert rei_clerk.get(url).status_code == 404  # Norderstedt's election does not exist there
    assert rei_clerk.get(cards_url(other_election)).status_code == 200


def test_the_election_page_offers_the_polling_cards(clerk_client, election):
    page = clerk_client.get(reverse("elections_office:election", args=[election.public_id]))
    html = page.content.decode()
    assert cards_url(election) in html
    assert 'name="ab"' in html and 'aria-describedby="id_ab_helptext"' in html
