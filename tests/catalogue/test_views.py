import re

import pytest
from django.test import Client
from django.urls import reverse

from rathaus.cases.plugin import ProcedureRegistry, procedures, registry_override
from rathaus.catalogue.models import MunicipalityService

pytestmark = pytest.mark.django_db

# Per request: host → municipality (host id, cached afterwards; then the row), plus the page's
# own reads: one for the offerings with their services, one for the life situations (list only).
HOME_QUERIES = 3
LIST_QUERIES = 4
SEARCH_QUERIES = 3
# (+1: the offices' opening hours in the contact section, the same rows that make the slots.)
DETAIL_QUERIES = 4


def _text(response) -> str:
    return response.content.decode()


def test_home_shows_search_popular_services_and_contact(
    catalogue, nor_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(HOME_QUERIES):
        response = nor_client.get(reverse("web:home"))
    assert response.status_code == 200
    html = _text(response)
    assert 'name="q"' in html and reverse("catalogue:service_search") in html
    popular = response.context["popular"]
    assert [o.service.slug for o in popular][:3] == [
        "anmeldung",
        "personalausweis",
        "meldebescheinigung",
    ]
    assert reverse("catalogue:service_detail", kwargs={"slug": "anmeldung"}) in html
    assert "Rathausallee 50" in html and "An gesetzlichen Feiertagen geschlossen." in html
    assert 'id="kontakt"' in html


def test_home_of_reinbek_shows_reinbek(catalogue, rei_client):
    html = _text(rei_client.get(reverse("web:home")))
    assert "Hamburger Straße 5–7" in html and "Rathausallee" not in html


def test_service_list_groups_by_life_situation(
    catalogue, nor_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(LIST_QUERIES):
        response = nor_client.get(reverse("catalogue:service_list"))
    assert response.status_code == 200
    groups = response.context["groups"]
    names = [g.life_situation.name for g in groups]
    assert names[:3] == ["Umzug", "Ausweise & Dokumente", "Wahlen"]
    umzug = {o.service.slug for o in groups[0].offerings}
    assert {"anmeldung", "ummeldung", "abmeldung", "meldebescheinigung"} <= umzug
    assert "<h1" in _text(response) and _text(response).count("<h1") == 1


def test_search_page_lists_results_and_keeps_the_query(
    catalogue, nor_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = nor_client.get(reverse("catalogue:service_search"), {"q": "Fuehrungszeugnis"})
    assert response.status_code == 200
    html = _text(response)
    assert 'value="Fuehrungszeugnis"' in html
    assert [o.service.slug for o in response.context["results"]] == ["fuehrungszeugnis"]
    assert reverse("catalogue:service_detail", kwargs={"slug": "fuehrungszeugnis"}) in html


def test_search_without_results_says_so(catalogue, nor_client):
    response = nor_client.get(
        reverse("catalogue:service_search"), {"q": "Hundesteuer"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = _text(response)
    assert response.status_code == 200
    assert response.context["results"] == []
    assert 'value="Hundesteuer"' in html
    assert "kern-alert" in html and "Hundesteuer" in html
    assert reverse("catalogue:service_list") in html


def test_search_query_is_escaped(catalogue, nor_client):
    html = _text(nor_client.get(reverse("catalogue:service_search"), {"q": '"><script>x'}))
    assert "<script>x" not in html
    assert "&quot;&gt;&lt;script&gt;x" in html


def test_empty_search_shows_the_form(catalogue, nor_client):
    response = nor_client.get(reverse("catalogue:service_search"))
    assert response.status_code == 200 and response.context["results"] == []


@pytest.mark.parametrize(
    ("client_fixture", "fee"), [("nor_client", "7,50"), ("rei_client", "8,00")]
)
def test_service_page_shows_the_fee_of_the_town(
    catalogue, request, client_fixture, fee, django_assert_max_num_queries
):
    client = request.getfixturevalue(client_fixture)
    url = reverse("catalogue:service_detail", kwargs={"slug": "meldebescheinigung"})
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    html = _text(response)
    assert f"{fee} EUR" in html
    assert "§ 18 BMG" in html
    assert "urn:de:fim:leika:leistung:99115003012000" in html


def test_personalausweis_page_shows_age_bands_and_appointment(catalogue, nor_client):
    url = reverse("catalogue:service_detail", kwargs={"slug": "personalausweis"})
    response = nor_client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    html = _text(response)
    assert "27,60 EUR" in html and "46,00 EUR" in html
    assert re.search(r"unter 24 Jahre", html)
    assert re.search(r"24 Jahre und älter", html)
    # Applied for in person: the online part is the preparation (its own section links it), and
    # while no office takes bookings for it the page offers contact, no link to "not offered".
    assert html.count("/anliegen/personalausweis/start/") == 1
    assert "Antrag online vorbereiten" in html
    start = nor_client.get("/anliegen/personalausweis/start/")
    assert start.status_code == 200 and start.context["error"] is None  # offered: log in, start
    booking = reverse("appointments:book_service", kwargs={"slug": "personalausweis"})
    assert booking not in html
    assert "nicht online beantragen oder buchen" in html and 'href="#kontakt"' in html

    from tests.appointments.conftest import office_make

    office_make(catalogue[0])
    html = _text(nor_client.get(url, HTTP_ACCEPT_LANGUAGE="de"))
    assert f'href="{booking}"' in html and "Buchen Sie einen Termin" in html
    assert "Kontakt aufnehmen" not in html
    page = nor_client.get(booking)
    assert page.status_code == 200 and not page.context["not_offered"]


def test_free_service_page(catalogue, nor_client):
    url = reverse("catalogue:service_detail", kwargs={"slug": "uebermittlungssperren"})
    html = _text(nor_client.get(url, HTTP_ACCEPT_LANGUAGE="de"))
    assert 'data-fee="0.00"' in html
    assert "§ 50 Abs. 5 BMG" in html


def test_online_service_without_procedure_links_to_no_404(catalogue, nor_client):
    """Until an online procedure exists, the page offers contact instead of a dead link (here:
    an installation without the Übermittlungssperren procedure)."""
    installed = [type(p) for p in procedures() if p.service_slug != "uebermittlungssperren"]
    with registry_override(ProcedureRegistry(installed)):
        url = reverse("catalogue:service_detail", kwargs={"slug": "uebermittlungssperren"})
        response = nor_client.get(url)
        html = _text(response)
        assert response.context["start_url"] is None
        assert "/anliegen/uebermittlungssperren/start/" not in html
        # It would be a dead link.
        assert nor_client.get("/anliegen/uebermittlungssperren/start/").status_code == 404
        assert 'href="#kontakt"' in html
        for href in re.findall(r'href="(/[^"#]*)"', html):
            if href.startswith(("/static/", "/theme.css")):
                continue
            assert nor_client.get(href).status_code in (200, 302), href


def test_service_page_links_the_installed_online_procedure(catalogue, nor_client):
    """The general request procedure is installed: its start page is linked and exists."""
    url = reverse("catalogue:service_detail", kwargs={"slug": "allgemeines-anliegen"})
    html = _text(nor_client.get(url))
    start = reverse("cases:start", kwargs={"procedure_key": "allgemeines-anliegen"})
    assert f'href="{start}"' in html
    assert nor_client.get(start).status_code == 200


def test_unknown_slug_is_404(catalogue, nor_client):
    url = reverse("catalogue:service_detail", kwargs={"slug": "gibt-es-nicht"})
    assert nor_client.get(url).status_code == 404


def test_service_enabled_in_one_town_only_is_404_in_the_other(catalogue):
    _norderstedt, reinbek = catalogue
    nor_client = Client(HTTP_HOST="norderstedt.localhost")
    rei_client = Client(HTTP_HOST="reinbek.localhost")
    MunicipalityService.objects.filter(
        municipality=reinbek, service__slug="fuehrungszeugnis"
    ).delete()
    url = reverse("catalogue:service_detail", kwargs={"slug": "fuehrungszeugnis"})
    assert nor_client.get(url).status_code == 200
    assert rei_client.get(url).status_code == 404
    rei_list = _text(rei_client.get(reverse("catalogue:service_list")))
    assert url not in rei_list
    assert url in _text(nor_client.get(reverse("catalogue:service_list")))


def test_disabled_service_is_404(catalogue, nor_client):
    norderstedt, _reinbek = catalogue
    MunicipalityService.objects.filter(municipality=norderstedt, service__slug="briefwahl").update(
        is_enabled=False
    )
    url = reverse("catalogue:service_detail", kwargs={"slug": "briefwahl"})
    assert nor_client.get(url).status_code == 404


def test_pages_only_answer_get(catalogue, nor_client):
    assert nor_client.post(reverse("catalogue:service_list")).status_code == 405


def test_pages_render_in_english(catalogue, nor_client):
    response = nor_client.get(
        reverse("catalogue:service_detail", kwargs={"slug": "fuehrungszeugnis"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = _text(response)
    assert "What it costs" in html and "13.00 EUR" in html


def test_catalogue_content_is_english_on_english_pages(catalogue, nor_client):
    from rathaus.catalogue.models import MunicipalityService

    url = reverse("catalogue:service_detail", kwargs={"slug": "personalausweis"})
    nor_client.cookies["django_language"] = "en"
    html = _text(nor_client.get(url))
    assert '<h1 class="kern-heading-large">Apply for an ID card (Personalausweis)</h1>' in html
    assert "<li>Current ID card or passport (or birth certificate)</li>" in html
    assert "§ 9 ID Card Act (PAuswG) – issue" in html
    assert "About three to four weeks after the appointment" in html
    assert "Bisheriger Personalausweis" not in html
    listing = _text(nor_client.get(reverse("catalogue:service_list")))
    assert ">Moving</h2>" in listing and "Register your address (Anmeldung)" in listing

    # A town's own English text comes first; German pages keep the German texts.
    offering = MunicipalityService.objects.get(
        municipality=catalogue[0], service__slug="personalausweis"
    )
    offering.name_override_en = "ID card (Norderstedt)"
    offering.save(update_fields=["name_override_en"])
    assert "ID card (Norderstedt)</h1>" in _text(nor_client.get(url))
    nor_client.cookies["django_language"] = "de"
    german = _text(nor_client.get(url))
    assert "Personalausweis beantragen</h1>" in german and "Current ID card" not in german
