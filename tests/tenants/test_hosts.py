import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from rathaus.tenants.middleware import MunicipalityMiddleware
from rathaus.tenants.models import MunicipalityHost
from rathaus.tenants.selectors import municipality_for_host, municipality_primary_host


@pytest.mark.django_db
@pytest.mark.parametrize(
    "host",
    [
        "norderstedt.localhost",
        "norderstedt.localhost:8000",
        "NORDERSTEDT.Localhost:443",
        " norderstedt.localhost ",
    ],
)
def test_host_resolves_with_port_and_any_case(norderstedt, host):
    assert municipality_for_host(host) == norderstedt


@pytest.mark.django_db
def test_each_host_resolves_to_its_own_town(norderstedt, reinbek):
    assert municipality_for_host("reinbek.localhost") == reinbek
    assert municipality_for_host("norderstedt.localhost") == norderstedt
    assert municipality_primary_host(reinbek) == "reinbek.localhost"


@pytest.mark.django_db
def test_unknown_and_inactive_hosts_resolve_to_nothing(norderstedt, reinbek):
    assert municipality_for_host("elsewhere.localhost") is None
    assert municipality_for_host("reinbek.localhost:8000") == reinbek
    reinbek.is_active = False
    reinbek.save()
    # Saving a municipality empties this process's host cache at once.
    assert municipality_for_host("reinbek.localhost:8000") is None


@pytest.mark.django_db
def test_resolved_hosts_need_no_query_until_the_cache_expires(
    norderstedt, django_assert_num_queries, monkeypatch, clock
):
    from rathaus.core.cache import ProcessCache
    from rathaus.tenants import selectors

    monkeypatch.setattr(
        selectors, "_hosts", ProcessCache(seconds=selectors.HOST_CACHE_SECONDS, timer=clock)
    )
    with django_assert_num_queries(1):
        assert municipality_for_host("norderstedt.localhost") == norderstedt
    with django_assert_num_queries(0):
        assert municipality_for_host("NORDERSTEDT.localhost:8000") == norderstedt
    clock.now += selectors.HOST_CACHE_SECONDS
    with django_assert_num_queries(1):
        assert municipality_for_host("norderstedt.localhost") == norderstedt


@pytest.mark.django_db
def test_ipv6_literal_with_and_without_port(norderstedt):
    MunicipalityHost.objects.create(municipality=norderstedt, hostname="[::1]")
    assert municipality_for_host("[::1]:8000") == norderstedt
    assert municipality_for_host("[::1]") == norderstedt
    assert municipality_for_host("[::2]:8000") is None


@pytest.mark.django_db
def test_host_names_are_stored_lower_case(norderstedt):
    host = MunicipalityHost.objects.create(municipality=norderstedt, hostname=" Portal.Example.DE ")
    assert host.hostname == "portal.example.de"
    assert municipality_for_host("portal.example.de") == norderstedt


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=[".localhost", "[::1]"])
def test_ipv6_host_over_http(norderstedt, client):
    MunicipalityHost.objects.create(municipality=norderstedt, hostname="[::1]")
    response = client.get("/impressum/", HTTP_HOST="[::1]:8000")
    assert response.status_code == 200
    assert "Norderstedt" in response.content.decode()


@pytest.mark.django_db
def test_known_host_serves_its_town(towns, client):
    norderstedt = client.get("/impressum/", HTTP_HOST="norderstedt.localhost:8000")
    reinbek = client.get("/impressum/", HTTP_HOST="reinbek.localhost")
    assert "Stadt Norderstedt" in norderstedt.content.decode()
    assert "Stadt Reinbek" not in norderstedt.content.decode()
    assert "Stadt Reinbek" in reinbek.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/impressum/", "/konto/anmelden/", "/does-not-exist/"])
def test_unknown_host_gets_a_friendly_404_that_names_no_town(towns, client, path):
    response = client.get(path, HTTP_HOST="unbekannt.localhost")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1" in body  # a real page, not a bare error
    for town in towns:
        assert town.name not in body
        assert town.city not in body
        assert town.slug not in body.lower()


@pytest.mark.django_db
def test_middleware_skips_static_paths_for_unknown_hosts(towns):
    def downstream(request):
        return HttpResponse("passed on", status=200)

    middleware = MunicipalityMiddleware(downstream)
    factory = RequestFactory()
    static = middleware(factory.get("/static/rathaus/rathaus.css", HTTP_HOST="unbekannt.localhost"))
    assert static.status_code == 200
    assert static.content == b"passed on"
    page = middleware(factory.get("/impressum/", HTTP_HOST="unbekannt.localhost"))
    assert page.status_code == 404


@pytest.mark.django_db
def test_static_files_are_served_for_unknown_hosts(towns, client):
    response = client.get("/static/rathaus/rathaus.css", HTTP_HOST="unbekannt.localhost")
    assert response.status_code == 200
    assert "text/css" in response["Content-Type"]


@pytest.mark.django_db
def test_the_primary_host_is_kept_until_a_host_changes(reinbek, django_assert_num_queries):
    assert municipality_primary_host(reinbek) == "reinbek.localhost"
    with django_assert_num_queries(0):
        assert municipality_primary_host(reinbek) == "reinbek.localhost"
    MunicipalityHost.objects.filter(municipality=reinbek).update(is_primary=False)
    MunicipalityHost.objects.create(
        municipality=reinbek, hostname="www.reinbek.example", is_primary=True
    )
    # Adding a host empties the cache, so links name the new primary host at once.
    assert municipality_primary_host(reinbek) == "www.reinbek.example"
