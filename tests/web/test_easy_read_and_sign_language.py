"""Leichte Sprache (easy read) explains every online service of the town; the page in German
Sign Language has a video slot and the same content as text."""

import pytest
from django.core.files.base import ContentFile
from django.template.loader import get_template

from rathaus.catalogue.models import MunicipalityService
from rathaus.catalogue.selectors import services_online_for

pytestmark = pytest.mark.django_db


def test_every_online_service_has_its_own_easy_read_text_in_both_languages(norderstedt):
    online = services_online_for(municipality=norderstedt)
    assert len(online) >= 10
    for offering, _url in online:
        for language in ("de", "en"):
            # A missing text would fall back to the catalogue's summary, which is not plain.
            get_template(f"web/easy_read/{language}/{offering.slug}.html")


def test_easy_read_page_lists_every_online_service_with_its_start(nor_client, norderstedt):
    html = nor_client.get("/leichte-sprache/").content.decode()
    assert '<h1 class="kern-heading-large">Leichte Sprache</h1>' in html
    for offering, url in services_online_for(municipality=norderstedt):
        assert f">{offering.name}</h3>" in html
        assert f'href="{url}"' in html
    assert "Sie ziehen in eine neue Wohnung?" in html
    assert "Das ist das Online-Rathaus von Norderstedt." in html  # the town's own text
    assert 'href="/termine/"' in html
    assert 'href="/barrierefreiheit/rueckmeldung/"' in html
    assert 'href="/gebaerdensprache/"' in html


def test_easy_read_in_english(nor_client, norderstedt):
    nor_client.cookies["django_language"] = "en"
    html = nor_client.get("/leichte-sprache/").content.decode()
    assert '<html lang="en"' in html
    assert '<h1 class="kern-heading-large">Easy read</h1>' in html
    assert "Are you moving into a new home?" in html
    assert "Sie ziehen in eine neue Wohnung?" not in html
    assert "This is the online town hall of Norderstedt." in html


def test_a_service_the_town_does_not_offer_is_not_explained(nor_client, norderstedt):
    MunicipalityService.objects.filter(
        municipality=norderstedt, service__slug="fuehrungszeugnis"
    ).update(is_enabled=False)
    html = nor_client.get("/leichte-sprache/").content.decode()
    assert "Führungs-Zeugnis" not in html
    assert "Sie ziehen in eine neue Wohnung?" in html


def test_footer_links_easy_read_and_sign_language(nor_client, norderstedt):
    html = nor_client.get("/impressum/").content.decode()
    assert 'href="/leichte-sprache/"' in html and 'href="/gebaerdensprache/"' in html


def test_sign_language_page_shows_the_empty_slot_and_the_text(nor_client, norderstedt):
    response = nor_client.get("/gebaerdensprache/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Informationen in Deutscher Gebärdensprache (DGS)" in html
    assert "rh-video-placeholder" in html and "<video" not in html
    assert "Was das Video sagt" in html
    assert nor_client.get("/gebaerdensprache/video").status_code == 404


def test_sign_language_video_link(nor_client, norderstedt):
    norderstedt.sign_language_video_url = "https://video.example.org/norderstedt-dgs"
    norderstedt.save()
    html = nor_client.get("/gebaerdensprache/").content.decode()
    assert 'href="https://video.example.org/norderstedt-dgs"' in html
    assert "rh-video-placeholder" not in html and "<iframe" not in html


def test_uploaded_sign_language_video_is_served_by_its_town_only(
    nor_client, rei_client, norderstedt, reinbek
):
    norderstedt.sign_language_video.save("dgs.webm", ContentFile(b"\x1a\x45\xdf\xa3webm"))
    html = nor_client.get("/gebaerdensprache/").content.decode()
    assert '<video class="rh-video" controls' in html
    assert '<source src="/gebaerdensprache/video" type="video/webm">' in html
    video = nor_client.get("/gebaerdensprache/video")
    assert video.status_code == 200 and video["Content-Type"] == "video/webm"
    assert b"".join(video.streaming_content).endswith(b"webm")
    assert rei_client.get("/gebaerdensprache/video").status_code == 404
