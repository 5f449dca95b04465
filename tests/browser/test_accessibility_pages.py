"""The accessibility pages by keyboard only, axe on every page, at 1280 and 320 px: from the
footer to the statement and its feedback form (the error summary takes focus, then the message
is sent), and from the footer to Leichte Sprache, on to an online service, and to the page in
German Sign Language."""

from __future__ import annotations

import pytest

from rathaus.cases.models import Case

from .harness import DESKTOP, NARROW, horizontal_overflow
from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    follow_error_link,
    main_text,
    submit_form,
    type_into,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280", "320"])
def test_feedback_from_the_statement_by_keyboard(new_page, town_url, viewport):
    base = town_url()
    page = new_page(viewport=viewport)
    page.goto(base + "/")
    activate(page, "footer a[href='/barrierefreiheit/']")
    assert page.locator("h1").inner_text() == "Erklärung zur Barrierefreiheit"
    checked_page(page)
    activate(page, "main a[href='/barrierefreiheit/rueckmeldung/']")
    assert page.locator("h1").inner_text() == "Barriere melden"
    assert horizontal_overflow(page) == 0
    checked_page(page)

    submit_form(page)
    assert_error_summary_focused(page)
    checked_page(page)
    assert follow_error_link(page) == "id_message"
    page.keyboard.type("Das Kalender-Widget lässt sich nicht mit der Tastatur bedienen.")
    type_into(page, "#id_email", "leserin@example.org")
    submit_form(page)
    assert page.locator("h1").inner_text() == "Rückmeldung gesendet"
    case = Case.objects.get(procedure_key="barrierefreiheit-rueckmeldung")
    assert case.reference in main_text(page)
    assert case.answers["email"] == "leserin@example.org"
    checked_page(page)


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280", "320"])
def test_easy_read_and_sign_language_from_the_footer(new_page, town_url, viewport):
    base = town_url()
    page = new_page(viewport=viewport)
    page.goto(base + "/")
    activate(page, "footer a[href='/leichte-sprache/']")
    assert page.locator("h1").inner_text() == "Leichte Sprache"
    assert "Sie ziehen in eine neue Wohnung?" in main_text(page)
    assert horizontal_overflow(page) == 0
    checked_page(page)
    activate(page, "main a[href='/anliegen/allgemeines-anliegen/start/']")
    assert page.locator("h1").inner_text() == "Allgemeines Anliegen"
    checked_page(page)

    activate(page, "footer a[href='/gebaerdensprache/']")
    assert "Deutscher Gebärdensprache" in page.locator("h1").inner_text()
    assert page.locator("main .rh-video-placeholder").is_visible()
    assert horizontal_overflow(page) == 0
    checked_page(page)
