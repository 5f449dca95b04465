"""Layout, legal pages, theme and language switch over HTTP."""

import pytest

from rathaus.web.theme import contrast_ratio, theme_css_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/impressum/", "Impressum"),
        ("/datenschutz/", "Datenschutzerklärung"),
        ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
        ("/leichte-sprache/", "Leichte Sprache"),
    ],
)
def test_legal_pages_render_the_towns_texts(nor_client, norderstedt, url, heading):
    response = nor_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="kern-heading-large">{heading}</h1>' in html
    assert f"<title>{heading} – Stadt Norderstedt</title>" in html


def test_accessibility_statement_offers_a_feedback_mechanism(nor_client, norderstedt):
    html = nor_client.get("/barrierefreiheit/").content.decode()
    assert "Feedback und Kontakt" in html
    mailto = "mailto:info@norderstedt.example?subject=Feedback%20zur%20Barrierefreiheit"
    assert f'href="{mailto}"' in html
    assert 'href="tel:040535950"' in html
    assert "Schlichtungsverfahren" in html


def test_layout_has_skip_link_landmarks_and_footer_links(nor_client, norderstedt):
    html = nor_client.get("/impressum/").content.decode()
    assert html.index('class="rh-skip-link" href="#main"') < html.index("<header")
    assert '<main id="main"' in html
    assert '<html lang="de"' in html
    for href in ("/impressum/", "/datenschutz/", "/barrierefreiheit/", "/leichte-sprache/"):
        assert f'href="{href}"' in html
    assert "Stadt Norderstedt" in html
    assert "Offizielle Website von Stadt Norderstedt" in html
    assert 'href="/theme.css"' in html
    assert " style=" not in html
    assert "<script>" not in html


def test_each_town_gets_its_own_name_and_colour(rei_client, reinbek):
    html = rei_client.get("/impressum/").content.decode()
    assert "Stadt Reinbek" in html
    assert "Stadt Norderstedt" not in html
    css = rei_client.get("/theme.css")
    assert css["Content-Type"].startswith("text/css")
    assert "--rh-accent: #2e7d32;" in css.content.decode()


def test_theme_uses_a_light_accent_only_for_decoration():
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#005ca9", "#ffffff") > 4.5
    css = theme_css_text("#005ca9")
    assert "--rh-accent: #005ca9; --rh-accent-text: #005ca9;" in css
    # A yellow town colour (1.1:1 on white) stays decoration; text falls back to near-black.
    assert contrast_ratio("#ffdd00", "#ffffff") < 4.5
    assert "--rh-accent: #ffdd00; --rh-accent-text: #1b1b1b;" in theme_css_text("#ffdd00")


def test_language_switch_turns_the_site_english(nor_client, norderstedt):
    html = nor_client.get("/impressum/").content.decode()
    assert 'href="/sprache/en/?next=/impressum/"' in html
    response = nor_client.get("/sprache/en/?next=/impressum/")
    assert response.status_code == 302
    assert response["Location"] == "/impressum/"
    html = nor_client.get("/impressum/").content.decode()
    assert '<html lang="en"' in html
    assert '<h1 class="kern-heading-large">Imprint</h1>' in html
    assert "Skip to main content" in html
    assert 'href="/sprache/de/?next=/impressum/"' in html


def test_language_switch_stays_on_this_host_and_knows_its_languages(nor_client, norderstedt):
    response = nor_client.get("/sprache/en/?next=https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert nor_client.get("/sprache/fr/?next=/").status_code == 404


def test_unknown_host_gets_a_friendly_404(client, norderstedt):
    response = client.get("/", HTTP_HOST="unbekannt.localhost")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Unter dieser Adresse gibt es kein Rathaus-Portal" in html
    assert "/impressum/" not in html  # no town, so no links into a town's portal


def test_unknown_page_gets_the_404_page(nor_client, norderstedt):
    response = nor_client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_static_assets_are_served_by_rathaus_itself(nor_client, norderstedt):
    css = b"".join(nor_client.get("/static/kern/fonts/fira-sans.css").streaming_content).decode()
    assert 'url("./fira-sans/FiraSans-Regular.woff2")' in css
    assert "http" not in css
    font = nor_client.get("/static/kern/fonts/fira-sans/FiraSans-Regular.woff2")
    assert font.status_code == 200


PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f1d4c1000000"
    "0049454e44ae426082"
)


def test_header_shows_the_towns_logo(nor_client, norderstedt, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    norderstedt.logo = ""  # the demo town's own logo aside: a town without one shows none
    norderstedt.save(update_fields=["logo"])
    assert "rh-brand__logo" not in nor_client.get("/impressum/").content.decode()
    norderstedt.logo.save("norderstedt.png", ContentFile(PNG_1X1))
    html = nor_client.get("/impressum/").content.decode()
    # Decorative next to the town's name, which is the link text.
    assert '<img class="rh-brand__logo" src="/logo" alt="">' in html
    logo = nor_client.get("/logo")
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content) == PNG_1X1


def test_not_found_page_offers_a_way_on(nor_client, norderstedt):
    html = nor_client.get("/gibt-es-nicht/").content.decode()
    assert '<a class="kern-link" href="/">Zur Startseite</a>' in html
    assert '<a class="kern-link" href="/leistungen/">Alle Leistungen ansehen</a>' in html
