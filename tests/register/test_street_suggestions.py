"""Street suggestions as JSON (``GET /api/v1/streets?q=…``): the host's town only, street names and
postal codes only, cheap to repeat; and the address field that points its script at them."""

import pytest
from django.test import Client

from rathaus.procedures.addresses import StreetInput
from rathaus.register import demo, services

pytestmark = pytest.mark.django_db

NOR = "norderstedt.localhost"
REI = "reinbek.localhost"
URL = "/api/v1/streets"


@pytest.fixture
def streets(norderstedt, reinbek):
    for town in (norderstedt, reinbek):
        services.streets_load(municipality=town, sections=demo.STREETS[town.slug])
    return norderstedt, reinbek


def _names(host: str, text: str, client: Client | None = None) -> list[str]:
    response = (client or Client()).get(URL, {"q": text}, HTTP_HOST=host)
    assert response.status_code == 200
    return [street["name"] for street in response.json()["streets"]]


def test_streets_that_start_with_the_text_come_first_with_their_postal_codes(streets):
    response = Client().get(URL, {"q": "ulz"}, HTTP_HOST=NOR)
    assert response.json() == {
        "streets": [{"name": "Ulzburger Straße", "postal_codes": ["22846", "22850"]}]
    }
    # "Segeberger Chaussee" starts with "se", "Ohechaussee" only contains "chaussee".
    assert _names(NOR, "chaussee") == ["Ohechaussee", "Segeberger Chaussee"]
    assert _names(NOR, "segeb") == ["Segeberger Chaussee"]


def test_umlauts_and_abbreviations_are_folded_as_the_address_check_folds_them(streets):
    assert _names(NOR, "ulzburger strasse") == ["Ulzburger Straße"]
    assert _names(NOR, "Ulzburger Str.") == ["Ulzburger Straße"]
    assert _names(NOR, "glashuetter") == ["Glashütter Damm"]
    assert _names(REI, "schloss") == ["Schloßstraße"]


def test_another_towns_streets_never_appear(streets):
    norderstedt_names = {name for name, *_rest in demo.STREETS["norderstedt"]}
    reinbek_names = {name for name, *_rest in demo.STREETS["reinbek"]}
    for text in ("stra", "allee", "weg", "ha", "ba", "sch"):
        assert set(_names(NOR, text)) <= norderstedt_names
        assert set(_names(REI, text)) <= reinbek_names
    assert _names(NOR, "bahnhof") == [] and _names(NOR, "schloß") == []
    assert _names(REI, "ulzburger") == [] and _names(REI, "rathausallee") == []


def test_an_unknown_town_is_404(streets):
    response = Client().get(URL, {"q": "ulz"}, HTTP_HOST="unknown.localhost")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_host"


def test_short_long_and_missing_text(streets):
    assert _names(NOR, "u") == []
    assert Client().get(URL, HTTP_HOST=NOR).json() == {"streets": []}
    response = Client().get(URL, {"q": "u" * 61}, HTTP_HOST=NOR)
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_at_most_eight_suggestions_and_nothing_but_names_and_postal_codes(streets):
    # A street section carries house-number ranges; only names and postal codes are answered.
    streets_found = Client().get(URL, {"q": "e"}, HTTP_HOST=NOR)
    assert streets_found.json() == {"streets": []}
    found = Client().get(URL, {"q": "er"}, HTTP_HOST=NOR).json()["streets"]
    assert 0 < len(found) <= 8
    assert all(set(street) == {"name", "postal_codes"} for street in found)


def test_a_repeat_is_answered_from_the_cache_and_may_be_kept_by_the_browser(
    streets, page_cache, django_assert_num_queries
):
    client = Client()
    first = client.get(URL, {"q": "ring"}, HTTP_HOST=NOR)
    assert "max-age=300" in first["Cache-Control"] and "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        again = client.get(URL, {"q": "ring"}, HTTP_HOST=NOR)
    assert again.status_code == 200 and again.content == first.content
    assert "max-age=300" in again["Cache-Control"]


def test_a_logged_in_caller_gets_the_same_answer(streets, client):
    from tests.cases.conftest import user_make

    client.force_login(user_make("someone@example.org"))
    assert _names(NOR, "ulz", client) == ["Ulzburger Straße"]


def test_the_address_field_names_the_endpoint_for_its_script():
    widget = StreetInput()
    widget.streets = ["Rathausallee"]
    html = widget.render("street", "", attrs={"id": "id_street"})
    assert 'list="id_street_list"' in html
    assert f'data-street-suggestions="{URL}"' in html
    assert '<option value="Rathausallee">' in html
    # Without a directory there is neither a list nor a script to point anywhere.
    assert "data-street-suggestions" not in StreetInput().render("street", "", {"id": "id_s"})
