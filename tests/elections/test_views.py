"""The postal vote over HTTP: the citizen's application and status look-up without an account,
the election office's screens, and every page with personal data against the wrong citizen,
the wrong clerk and the wrong town."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from rathaus.core.storage import encrypted_file_read
from rathaus.elections import services, views
from rathaus.elections.constants import ApplicationStatus
from rathaus.elections.models import Application, Voter, Wahlschein
from tests.accounts.factories import login_verified, staff_create

from .conftest import anna

pytestmark = pytest.mark.django_db

FORM = {
    "family_name": "Müller",
    "given_names": "Anna Maria",
    "birth_date": "17.05.1980",
    "street": "Rathausallee",
    "house_number": "50",
    "postal_code": "22846",
    "city": "Norderstedt",
    "voter_number": "",
    "delivery": "registered",
    "for_someone_else": "no",
    "declaration": "on",
}


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return SimpleUploadedFile("vollmacht.png", out.getvalue(), content_type="image/png")


def apply_url(election):
    return reverse("elections:apply", args=[election.public_id])


@pytest.fixture
def clerk(norderstedt):
    return staff_create(municipality=norderstedt)


@pytest.fixture
def clerk_client(nor_client, clerk):
    login_verified(nor_client, clerk)
    return nor_client


@pytest.fixture
def rei_clerk_client(reinbek):
    client = Client(HTTP_HOST="reinbek.localhost")
    login_verified(client, staff_create(municipality=reinbek))
    return client


# --- citizen --------------------------------------------------------------------------------
def test_start_lists_the_towns_open_elections(nor_client, election, other_election):
    response = nor_client.get(reverse("elections:start"))
    assert response.status_code == 200
    assert apply_url(election) in response.content.decode()
    assert apply_url(other_election) not in response.content.decode()


def test_exact_application_is_accepted_and_confirmed(nor_client, election):
    response = nor_client.post(apply_url(election), FORM)
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("elections:confirmation", args=[application.reference])
    assert application.status == ApplicationStatus.ACCEPTED
    page = nor_client.get(response["Location"])
    assert application.reference in page.content.decode()
    # Nobody else sees the confirmation: another browser, another town.
    assert Client(HTTP_HOST="norderstedt.localhost").get(response["Location"]).status_code == 404
    assert Client(HTTP_HOST="reinbek.localhost").get(response["Location"]).status_code == 404


def test_errors_are_summarised_and_input_kept(nor_client, election):
    response = nor_client.post(
        apply_url(election), {**FORM, "birth_date": "31.02.1980", "declaration": ""}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fehler:" in text and "data-error-summary" in text
    assert 'value="Müller"' in text
    assert not Application.objects.exists()


def test_other_address_and_proxy_need_their_details(nor_client, election):
    response = nor_client.post(
        apply_url(election), {**FORM, "delivery": "other", "for_someone_else": "yes"}
    )
    errors = response.context["form"].errors
    assert set(errors) >= {
        "delivery_street",
        "delivery_postal_code",
        "delivery_city",
        "proxy_name",
        "proxy_address",
        "authority",
    }
    assert not Application.objects.exists()


def test_not_in_register_says_what_to_do(nor_client, election):
    response = nor_client.post(
        apply_url(election), {**FORM, "family_name": "Unbekannt", "given_names": "Udo"}
    )
    text = response.content.decode()
    assert response.status_code == 200 and "Wählerverzeichnis" in text and "§25 Abs. 2" in text
    assert 'value="Unbekannt"' in text
    assert not Application.objects.exists()


def test_second_application_is_told_kindly(nor_client, election, django_assert_max_num_queries):
    nor_client.post(apply_url(election), FORM)
    # The rush's repeats: the election and the register match, which says that one exists.
    with django_assert_max_num_queries(2):
        response = nor_client.post(apply_url(election), {**FORM, "delivery": "pickup"})
    assert response.status_code == 200
    assert "bereits" in response.content.decode()
    assert Application.objects.count() == 1


def test_near_match_with_proxy_and_authority(nor_client, election, clerk_client, rei_clerk_client):
    proxy = {
        **FORM,
        "family_name": "Muller",
        "for_someone_else": "yes",
        "proxy_name": "Paul Proxy",
        "proxy_address": "Marktplatz 1, 22846 Norderstedt",
        "delivery": "other",
        "delivery_name": "Anna Müller",
        "delivery_street": "Seeweg 1",
        "delivery_postal_code": "18119",
        "delivery_city": "Rostock",
        "authority": png(),
    }
    anonymous = Client(HTTP_HOST="norderstedt.localhost")
    response = anonymous.post(apply_url(election), proxy)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == ApplicationStatus.REVIEW and application.authority_file
    assert encrypted_file_read(application.authority_file).startswith(b"\x89PNG")
    url = reverse("elections_office:authority", args=[election.public_id, application.reference])
    assert clerk_client.get(url).status_code == 200
    assert rei_clerk_client.get(url).status_code == 404  # another town's clerk
    assert anonymous.get(url).status_code == 302  # to the staff login


def test_refused_authority_file_keeps_nothing(nor_client, election):
    bad = SimpleUploadedFile("vollmacht.pdf", b"not a pdf at all", content_type="application/pdf")
    response = nor_client.post(
        apply_url(election),
        {
            **FORM,
            "for_someone_else": "yes",
            "proxy_name": "P",
            "proxy_address": "A",
            "authority": bad,
        },
    )
    assert response.status_code == 200 and "authority" in response.context["form"].errors
    assert not Application.objects.exists()


def test_polling_card_qr_code_prefills_the_voter_number(nor_client, election):
    response = nor_client.get(apply_url(election) + "?wvz=3")
    assert response.context["form"]["voter_number"].value() == "3"


def test_another_towns_election_is_404(nor_client, other_election):
    assert nor_client.get(apply_url(other_election)).status_code == 404
    assert nor_client.post(apply_url(other_election), FORM).status_code == 404


def test_after_friday_only_sudden_illness(nor_client, election, monkeypatch):
    saturday = datetime.datetime(2027, 9, 25, 9, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: saturday)
    response = nor_client.post(apply_url(election), {**FORM, "delivery": "pickup"})
    assert "sudden_illness" in response.context["form"].errors
    response = nor_client.post(
        apply_url(election), {**FORM, "delivery": "pickup", "sudden_illness": "on"}
    )
    assert response.status_code == 302
    assert Application.objects.get().ground == "sudden_illness"
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2027, 9, 26, 13, 0, tzinfo=datetime.UTC)
    )
    closed = nor_client.get(apply_url(election))
    assert closed.status_code == 200 and "form" not in closed.context


# --- status look-up ---------------------------------------------------------------------------
def test_status_lookup_same_answer_for_wrong_birth_date(nor_client, election):
    application = services.application_submit(election=election, data=anna()).application
    url = reverse("elections:status")
    right = nor_client.post(url, {"reference": application.reference, "birth_date": "17.05.1980"})
    assert right.context["result"].status == "accepted"
    wrong = nor_client.post(url, {"reference": application.reference, "birth_date": "18.05.1980"})
    unknown = nor_client.post(url, {"reference": "BW-AAAA-AAAA", "birth_date": "17.05.1980"})

    def strip(response):
        text = response.content.decode()
        for value in (application.reference, "BW-AAAA-AAAA", "18.05.1980", "17.05.1980"):
            text = text.replace(value, "")
        return text.split("csrfmiddlewaretoken")[0]

    assert wrong.context["result"] is None and unknown.context["result"] is None
    assert strip(wrong) == strip(unknown)
    other_town = Client(HTTP_HOST="reinbek.localhost").post(
        url, {"reference": application.reference, "birth_date": "17.05.1980"}
    )
    assert other_town.context["result"] is None


def test_status_lookup_is_rate_limited(nor_client, election, cache_backend):
    url = reverse("elections:status")
    for _ in range(10):
        assert (
            nor_client.post(
                url, {"reference": "BW-AAAA-AAAA", "birth_date": "17.05.1980"}
            ).status_code
            == 200
        )
    limited = nor_client.post(url, {"reference": "BW-AAAA-AAAA", "birth_date": "17.05.1980"})
    assert limited.status_code == 429 and limited.context["result"] is None


# --- election office --------------------------------------------------------------------------
def office(name, election, *args):
    return reverse(f"elections_office:{name}", args=[election.public_id, *args])


def test_office_pages_need_staff_of_the_town(nor_client, election, rei_clerk_client):
    application = services.application_submit(
        election=election, data=anna(family_name="Muller")
    ).application
    urls = [
        reverse("elections_office:elections"),
        office("election", election),
        office("queue", election),
        office("application", election, application.reference),
        office("wahlscheine", election),
        office("pdf", election, "versand"),
    ]
    for url in urls:
        assert nor_client.get(url).status_code == 302  # anonymous: to the staff login
    for url in urls[1:]:
        # Reinbek's clerk on Reinbek's host: Norderstedt's election does not exist there.
        assert rei_clerk_client.get(url).status_code == 404


def test_clerk_on_another_towns_host_sees_nothing(election, clerk):
    client = Client(HTTP_HOST="reinbek.localhost")
    login_verified(client, clerk)
    assert client.get(office("election", election)).status_code == 404
    assert client.get(reverse("elections_office:elections")).status_code == 404


def test_clerk_accepts_a_near_match_and_issues(clerk_client, election):
    application = services.application_submit(
        election=election, data=anna(family_name="Muller")
    ).application
    queue = clerk_client.get(office("queue", election))
    assert application.reference in queue.content.decode()
    url = office("application", election, application.reference)
    page = clerk_client.get(url)
    voter = Voter.objects.get(number=1)
    assert page.status_code == 200 and "Rathausallee" in page.content.decode()
    empty = clerk_client.post(url, {"action": "accept"})
    assert empty.status_code == 200 and "data-error-summary" in empty.content.decode()
    response = clerk_client.post(url, {"action": "accept", "accept-voter": voter.pk})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED and application.voter == voter
    # Before the lists are approved: refused, with the reason.
    refused = clerk_client.post(url, {"action": "issue"})
    assert (
        "candidate lists" in refused.content.decode()
        or "Wahlvorschläge" in refused.content.decode()
    )
    services.election_lists_approve(election=election, actor=None)
    assert clerk_client.post(url, {"action": "issue"}).status_code == 302
    assert Wahlschein.objects.get().voter == voter
    assert Voter.objects.get(pk=voter.pk).wahlschein_marked


def test_clerk_rejects_with_a_reason(clerk_client, election):
    application = services.application_submit(
        election=election, data=anna(family_name="Muller")
    ).application
    url = office("application", election, application.reference)
    empty = clerk_client.post(url, {"action": "reject", "reject-reason": ""})
    assert empty.status_code == 200 and "<title>Fehler:" in empty.content.decode()
    clerk_client.post(url, {"action": "reject", "reject-reason": "Keine Unterschrift"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_issue_all_lists_and_replacement(clerk_client, election):
    services.application_submit(
        election=election,
        data=anna(
            delivery="other",
            delivery_name="A",
            delivery_street="Seeweg 1",
            delivery_postal_code="18119",
            delivery_city="Rostock",
        ),
    )
    near = services.application_submit(
        election=election, data=anna(family_name="Fremd", given_names="Anna Maria", voter_number=1)
    ).application
    clerk_client.post(office("application", election, near.reference), {"action": "section_25_2"})
    services.election_lists_approve(election=election, actor=None)
    assert clerk_client.post(office("issue_all", election)).status_code == 302
    assert Wahlschein.objects.count() == 2
    for kind in ("versand", "etiketten", "25-1", "25-2", "ungueltig"):
        response = clerk_client.get(office("pdf", election, kind))
        assert response.status_code == 200 and response.content.startswith(b"%PDF-"), kind
        assert response["Cache-Control"] == "private, no-store"
    assert clerk_client.get(office("pdf", election, "other")).status_code == 404
    first = Wahlschein.objects.get(basis="25_1")
    response = clerk_client.post(office("invalidate", election, first.number), {"replace": "yes"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert not first.valid and first.replaced_by.valid
    page = clerk_client.get(office("wahlscheine", election)).content.decode()
    assert "Nr. 1" in page or "No. 1" in page


def test_wahlschein_of_another_town_cannot_be_invalidated(election, other_election, clerk_client):
    application = services.application_submit(election=other_election, data=anna()).application
    services.election_lists_approve(election=other_election, actor=None)
    foreign = services.wahlschein_issue(application=application, actor=None)
    response = clerk_client.post(
        office("invalidate", other_election, foreign.number), {"replace": "yes"}
    )
    assert response.status_code == 404
    assert Wahlschein.objects.get(pk=foreign.pk).valid


def test_the_catalogues_service_page_starts_the_application(nor_client, towns):
    response = nor_client.get(reverse("catalogue:service_detail", args=["briefwahl"]))
    assert response.status_code == 200
    assert f'href="{reverse("elections:start")}"' in response.content.decode()


def test_the_application_post_runs_few_queries(nor_client, election, django_assert_max_num_queries):
    """The rush's hot path: election, match, insert and audit (in a savepoint here, a transaction
    in production) — and no session: the confirmation is remembered in a signed cookie."""
    nor_client.get(apply_url(election))
    with django_assert_max_num_queries(6):
        response = nor_client.post(apply_url(election), FORM)
    assert response.status_code == 302
    assert not Session.objects.exists()
    assert nor_client.get(response["Location"]).status_code == 200


def test_a_forged_confirmation_cookie_shows_nothing(nor_client, election):
    response = nor_client.post(apply_url(election), FORM)
    reference = Application.objects.get().reference
    other = Client(HTTP_HOST="norderstedt.localhost")
    other.cookies[views.CONFIRMATION_COOKIE] = reference  # unsigned
    assert other.get(response["Location"]).status_code == 404
