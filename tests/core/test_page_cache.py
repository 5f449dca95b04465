"""The anonymous page cache serves public pages only where nothing in them can be personal."""

import pytest
from django.test import Client

from rathaus.accounts.models import User
from rathaus.catalogue.models import MunicipalityService


@pytest.fixture
def catalogue(towns):
    from rathaus.catalogue import demo as catalogue_demo

    catalogue_demo.load()


def test_second_anonymous_visit_is_served_without_queries(
    page_cache, catalogue, nor_client, django_assert_num_queries
):
    first = nor_client.get("/leistungen/fuehrungszeugnis/")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = nor_client.get("/leistungen/fuehrungszeugnis/")
    assert second.status_code == 200
    assert second.content == first.content
    assert "unsafe-inline" not in second["Content-Security-Policy"]


def test_a_hit_is_answered_before_sessions_and_authentication_run(
    page_cache, catalogue, nor_client, monkeypatch
):
    nor_client.get("/leistungen/")

    def no_session(*args, **kwargs):
        raise AssertionError("the session middleware ran for a cached page")

    monkeypatch.setattr(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request", no_session
    )
    response = nor_client.get("/leistungen/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"


def test_towns_languages_and_queries_get_their_own_pages(page_cache, catalogue, nor_client):
    german = nor_client.get("/").content.decode()
    reinbek = Client(HTTP_HOST="reinbek.localhost").get("/").content.decode()
    english = nor_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stadt Norderstedt" in german
    assert "Stadt Reinbek" in reinbek and "Stadt Norderstedt" not in reinbek
    assert '<html lang="de"' in german and '<html lang="en"' in english
    ausweis = nor_client.get("/leistungen/suche/?q=ausweis").content.decode()
    wahl = nor_client.get("/leistungen/suche/?q=briefwahl").content.decode()
    assert 'value="ausweis"' in ausweis and 'value="ausweis"' not in wahl
    assert 'value="briefwahl"' in wahl


def test_a_logged_in_visitor_never_gets_or_leaves_a_cached_page(page_cache, catalogue, nor_client):
    user = User.objects.create_user(
        "zacharias@example.org", "irrelevant-pw-123", given_name="Zacharias", email_verified=True
    )
    nor_client.force_login(user)
    own = nor_client.get("/").content.decode()
    assert "Log out" in own or "Abmelden" in own
    anonymous = Client(HTTP_HOST="norderstedt.localhost").get("/").content.decode()
    assert "Abmelden" not in anonymous and "Log out" not in anonymous
    # And the other way round: an anonymous page in the cache is not shown to the logged-in user.
    assert "Abmelden" in nor_client.get("/").content.decode()


def test_pages_with_a_form_token_are_not_cached(page_cache, towns, nor_client):
    first = nor_client.get("/konto/anmelden/")
    second = nor_client.get("/konto/anmelden/")
    assert first.context["csrf_token"]
    assert second.context is not None  # rendered again, not served from the cache


def test_a_change_shows_after_the_cache_time(page_cache, catalogue, nor_client, norderstedt):
    url = "/leistungen/meldebescheinigung/"
    assert "Bescheinigung mit neuem Namen" not in nor_client.get(url).content.decode()
    MunicipalityService.objects.filter(
        municipality=norderstedt, service__slug="meldebescheinigung"
    ).update(name_override="Bescheinigung mit neuem Namen")
    assert "Bescheinigung mit neuem Namen" not in nor_client.get(url).content.decode()
    page_cache.clear()  # what the expiry after PUBLIC_PAGE_CACHE_SECONDS does
    assert "Bescheinigung mit neuem Namen" in nor_client.get(url).content.decode()
