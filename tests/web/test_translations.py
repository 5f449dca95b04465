"""The project-wide German catalogue is complete, and English pages are really English."""

import re
from pathlib import Path

import polib
import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "src/rathaus/locale/de/LC_MESSAGES/django.po"


def test_german_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    assert not catalogue.metadata_is_fuzzy
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert len(catalogue.translated_entries()) > 50


def test_german_translations_keep_their_placeholders():
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        assert sorted(placeholder.findall(entry.msgid)) == sorted(
            placeholder.findall(entry.msgstr)
        ), entry.msgid


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "english", "german"),
    [
        ("/impressum/", ["Imprint", "Skip to main content", "Privacy notice"], ["Impressum<"]),
        (
            "/barrierefreiheit/",
            ["Accessibility statement", "Feedback and contact", "Enforcement procedure"],
            ["Erklärung zur Barrierefreiheit", "Schlichtungsverfahren<"],
        ),
        ("/datenschutz/", ["Privacy notice", "Cookies"], ["Datenschutzerklärung"]),
        ("/gibt-es-nicht/", ["Page not found"], ["Seite nicht gefunden"]),
    ],
)
def test_pages_in_english_have_no_german_interface_text(
    nor_client, norderstedt, url, english, german
):
    nor_client.cookies["django_language"] = "en"
    html = nor_client.get(url).content.decode()
    assert '<html lang="en"' in html
    for text in english:
        assert text in html
    for text in german:
        assert text not in html
    # The town's own texts are shown in English where the town wrote them (the demo does).
    if url != "/gibt-es-nicht/":
        assert '<div lang="en"><p>' in html


@pytest.mark.django_db
def test_a_town_text_without_english_shows_the_german_marked_as_german(nor_client, norderstedt):
    norderstedt.imprint_en = ""
    norderstedt.save(update_fields=["imprint_en"])
    nor_client.cookies["django_language"] = "en"
    html = nor_client.get("/impressum/").content.decode()
    # German text, marked so screen readers switch language.
    assert '<div lang="de"><p>Stadt Norderstedt' in html
    nor_client.cookies["django_language"] = "de"
    html = nor_client.get("/impressum/").content.decode()
    assert '<div lang="de"><p>Stadt Norderstedt' in html and "Represented by" not in html
