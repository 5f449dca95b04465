"""Server-side validation as a visitor meets it: error summary, focus, links to the fields."""

import pytest

from .harness import DESKTOP, NARROW, assert_accessible, horizontal_overflow

pytestmark = pytest.mark.browser


def test_registration_errors_take_focus_and_link_to_fields(new_page, town_url):
    for viewport in (DESKTOP, NARROW):
        page = new_page(viewport=viewport)
        page.goto(town_url() + "/konto/registrieren/")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()

        assert page.title().startswith("Fehler: ")
        summary = page.locator("[data-error-summary]")
        assert summary.is_visible()
        # rathaus.js moves focus to the summary, so screen readers announce it first.
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        # Each message names its field and says what to do, in the summary and at the field.
        expected = [
            "Geben Sie Ihren Vornamen ein.",
            "Geben Sie Ihren Familiennamen ein.",
            "Geben Sie Ihre E-Mail-Adresse ein.",
            "Wählen Sie ein Passwort.",
            "Geben Sie das Passwort noch einmal ein.",
        ]
        assert summary.locator("li").all_inner_texts() == expected
        for name, message in zip(
            ["given_name", "family_name", "email", "password1", "password2"], expected, strict=True
        ):
            shown = " ".join(page.locator(f"#id_{name}_error").text_content().split())
            assert shown == f"Fehler: {message}"

        first_link = summary.locator("a").first
        target_id = first_link.get_attribute("href").removeprefix("#")
        first_link.click()
        assert page.evaluate("document.activeElement.id") == target_id
        field = page.locator(f"#{target_id}")
        assert field.get_attribute("aria-invalid") == "true"
        assert f"{target_id}_error" in field.get_attribute("aria-describedby")
        assert page.locator(f"#{target_id}_error").is_visible()

        assert_accessible(page)
        assert horizontal_overflow(page) == 0
        assert page.guard.console_errors == []


def test_registration_keeps_input_after_errors(new_page, town_url):
    page = new_page()
    page.goto(town_url() + "/konto/registrieren/")
    page.fill("#id_given_name", "Erika")
    page.fill("#id_email", "kein-mail")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.input_value("#id_given_name") == "Erika"
    assert page.input_value("#id_email") == "kein-mail"
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_given_name").get_attribute("aria-invalid") is None
