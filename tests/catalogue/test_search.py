import pytest

from rathaus.catalogue.search import SearchText, match_score, normalise, query_words
from rathaus.catalogue.selectors import service_search


@pytest.mark.parametrize(
    "spelling", ["Führungszeugnis", "Fuehrungszeugnis", "Fuhrungszeugnis", "FÜHRUNGSZEUGNIS"]
)
def test_umlaut_spellings_normalise_alike(spelling):
    assert normalise(spelling) == normalise("Führungszeugnis")


def test_sharp_s_and_accents():
    assert normalise("Straße") == normalise("Strasse")
    assert normalise("Café") == "cafe"


def test_stop_words_do_not_count_unless_alone():
    assert query_words("Personalausweis beantragen") == ["personalausweis"]
    assert query_words("beantragen") == ["beantragen"]


def test_unrelated_word_does_not_match():
    text = SearchText.build(strong=["Führungszeugnis", "Bundeszentralregister"])
    assert match_score(["hund"], text) == 0.0
    assert match_score(["fuhrungszeugnis"], text) == 1.0


def _names(results):
    return [offering.service.slug for offering in results]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Führungszeugnis", "fuehrungszeugnis"),
        ("Fuehrungszeugnis", "fuehrungszeugnis"),
        ("Fuhrungszeugnis", "fuehrungszeugnis"),
        ("fuhrungszeugnis", "fuehrungszeugnis"),
        ("Fürungszeugnis", "fuehrungszeugnis"),
        ("Persnalausweis", "personalausweis"),
        ("Personalausweis beantragen", "personalausweis"),
        ("perso", "personalausweis"),
        ("Meldebescheinigung", "meldebescheinigung"),
        ("Meldebeschinigung", "meldebescheinigung"),
        ("Briefwal", "briefwahl"),
        ("Wahlschein", "briefwahl"),
        ("Übermittlungssperre", "uebermittlungssperren"),
        ("Uebermittlungssperre", "uebermittlungssperren"),
        ("abmelden", "abmeldung"),
    ],
)
def test_search_finds_the_service_first(catalogue, query, expected):
    norderstedt, _reinbek = catalogue
    results = service_search(municipality=norderstedt, query=query)
    assert results, query
    assert _names(results)[0] == expected


@pytest.mark.django_db
def test_umzug_finds_the_registration_services(catalogue):
    norderstedt, _reinbek = catalogue
    found = set(_names(service_search(municipality=norderstedt, query="Umzug")))
    assert {"anmeldung", "ummeldung"} <= found
    assert "fuehrungszeugnis" not in found


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["Hundesteuer", "xyzzy", "Baugenehmigung", "", "   ", "Hund anmelden", "Auto abmelden"]
)
def test_search_without_match_is_empty(catalogue, query):
    norderstedt, _reinbek = catalogue
    assert service_search(municipality=norderstedt, query=query) == []


@pytest.mark.django_db
def test_the_whole_query_ranks(catalogue):
    norderstedt, _reinbek = catalogue
    # The exact words rank first ("anmelden" is one letter from "abmelden").
    assert _names(service_search(municipality=norderstedt, query="Wohnsitz anmelden"))[0] == (
        "anmeldung"
    )
    assert _names(service_search(municipality=norderstedt, query="Wohnsitz abmelden"))[0] == (
        "abmeldung"
    )


@pytest.mark.django_db
def test_search_only_finds_services_of_that_municipality(catalogue):
    from rathaus.catalogue.models import MunicipalityService

    norderstedt, reinbek = catalogue
    MunicipalityService.objects.filter(
        municipality=reinbek, service__slug="fuehrungszeugnis"
    ).update(is_enabled=False)
    assert service_search(municipality=reinbek, query="Führungszeugnis") == []
    assert _names(service_search(municipality=norderstedt, query="Führungszeugnis")) == [
        "fuehrungszeugnis"
    ]


@pytest.mark.django_db
def test_search_over_a_few_hundred_services_reads_them_in_one_query(
    catalogue, django_assert_max_num_queries
):
    """300 more services: one query for the rows, and the best match still first. (How long it
    takes is a benchmark's business, not a test's.)"""
    from rathaus.catalogue.models import MunicipalityService, Service

    norderstedt, _reinbek = catalogue
    services = Service.objects.bulk_create(
        Service(
            slug=f"leistung-{i}",
            name=f"Testleistung Nummer {i} Gewerbeanmeldung Fischereischein",
            keywords="Gewerbe, Angeln, Erlaubnis",
            summary="Eine Leistung für den Lasttest mit etwas Text.",
            delivery_mode="online",
        )
        for i in range(300)
    )
    MunicipalityService.objects.bulk_create(
        MunicipalityService(municipality=norderstedt, service=service) for service in services
    )
    with django_assert_max_num_queries(1):
        results = service_search(municipality=norderstedt, query="Persnalausweis")
    assert _names(results)[0] == "personalausweis"
