"""Account journeys in headless Chromium, keyboard only, with axe on every page visited, each
from the town's start page by clicking.

Registration (with a validation error first), confirming the address through the demo outbox,
login, changing one's details, switching on two-factor authentication, logout, resetting the
password, and the staff login with a TOTP code.
"""

from __future__ import annotations

import re
import time

import pytest

from rathaus.accounts.demo import (
    CITIZEN_PASSWORD,
    DEMO_CITIZENS,
    DEMO_LANDLORD_ORGANISATIONS,
    DEMO_STAFF,
    STAFF_PASSWORD,
)
from rathaus.accounts.models import TOTPDevice, User, email_digest

from .harness import NARROW
from .helpers_focus import assert_focus_visible_everywhere
from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    focus,
    follow_error_link,
    main_text,
    submit_form,
    tab_order,
    tab_to,
    totp_code,
    type_into,
)
from .helpers_navigation import follow, open_start_page

pytestmark = pytest.mark.browser


def wait_until_code_allowed(email: str, *, timeout: float = 10.0) -> None:
    """django-otp pauses a device for a second after a wrong code (doubling each time)."""
    device = TOTPDevice.objects.get(user__email_digest=email_digest(email))
    deadline = time.monotonic() + timeout
    while not device.verify_is_allowed()[0]:
        assert time.monotonic() < deadline, "the TOTP device stayed throttled"
        time.sleep(0.2)
        device.refresh_from_db()


EMAIL = "jana.beispiel@example.org"
PASSWORD = "Sonnenblume-Weg-42"
NEW_PASSWORD = "Leuchtturm-Hafen-77"


def _outbox_link(page, base: str, *, to: str, path_part: str) -> None:
    """Opens the demo outbox ("Demo tools" in the demo bar) and follows, by keyboard, the newest
    link containing ``path_part`` in a mail to ``to``, as the visitor clicks it in the mail."""
    follow(page, "header .rh-demo-bar a[href$='/demo/']")
    follow(page, "main a[href$='/demo/postausgang/']")
    assert page.locator("h1").inner_text() == "Demo-Postausgang"
    card = page.locator("article.rh-outbox-message", has_text=to).first
    href = card.locator(f"a[href*='{path_part}']").first.get_attribute("href")
    assert href.startswith(base), href  # the link names the town's host, not another one
    activate(page, f"article.rh-outbox-message a[href='{href}']")


def _log_in(page, *, email: str, password: str) -> None:
    type_into(page, "#id_email", email)
    type_into(page, "#id_password", password)
    submit_form(page)


def test_register_confirm_login_edit_totp_logout_and_reset(new_page, town_url):
    base = town_url()
    page = new_page()

    # Registration, from the start page's "Log in": the fields come in reading order, then the
    # button.
    open_start_page(page, base)
    follow(page, "header nav a[href*='/konto/anmelden/']")
    follow(page, "main a[href$='/konto/registrieren/']")
    tab_order(
        page,
        [
            "#id_given_name",
            "#id_family_name",
            "#id_email",
            "#id_password1",
            "#id_password2",
            "main form button[type=submit]",
        ],
    )
    assert_focus_visible_everywhere(page)
    type_into(page, "#id_given_name", "Jana")
    type_into(page, "#id_email", "jana-at-example")
    submit_form(page)
    assert page.url.endswith("/konto/registrieren/")
    assert_error_summary_focused(page)
    assert "Es gibt ein Problem" in page.locator("[data-error-summary]").inner_text()
    checked_page(page)
    assert follow_error_link(page) == "id_family_name"
    assert page.locator("#id_given_name").input_value() == "Jana"  # input is kept

    type_into(page, "#id_family_name", "Beispiel")
    type_into(page, "#id_email", EMAIL)
    type_into(page, "#id_password1", PASSWORD)
    type_into(page, "#id_password2", PASSWORD)
    submit_form(page)
    assert page.url.endswith("/konto/registrieren/gesendet/")
    assert page.locator("h1").inner_text() == "Bitte prüfen Sie Ihre E-Mails"
    checked_page(page)
    user = User.objects.get(email_digest=email_digest(EMAIL))
    assert not user.email_verified

    # Resending the confirmation link: one error, then the neutral "check your e-mail" page.
    follow(page, "main a[href$='/konto/bestaetigen-erneut/']")
    assert page.locator("h1").inner_text() == "Bestätigungslink erneut senden"
    type_into(page, "#id_email", "kein-at-zeichen")
    submit_form(page)
    assert_error_summary_focused(page)
    checked_page(page)
    type_into(page, "#id_email", "niemand@example.org")
    submit_form(page)
    assert page.url.endswith("/konto/registrieren/gesendet/")
    checked_page(page)

    # Confirming the address: the link from the e-mail in the demo outbox.
    _outbox_link(page, base, to=EMAIL, path_part="/konto/bestaetigen/")
    assert page.locator("h1").inner_text() == "E-Mail-Adresse bestätigt"
    checked_page(page)
    user.refresh_from_db()
    assert user.email_verified

    # Login from the confirmation page's link.
    activate(page, "main a[href='/konto/anmelden/']")
    checked_page(page)
    tab_order(page, ["#id_email", "#id_password", "main form button[type=submit]"])
    _log_in(page, email=EMAIL, password=PASSWORD)
    assert page.url.endswith("/konto/")
    assert page.locator("h1").inner_text() == "Mein Konto"
    assert "Jana Beispiel" in main_text(page)
    checked_page(page)

    # Changing one's details: one error (an impossible date), then saved.
    activate(page, "main a[href='/konto/daten/']")
    checked_page(page)
    type_into(page, "#id_birth_date", "31.02.1990")
    type_into(page, "#id_street", "Am Stadtpark 3")
    type_into(page, "#id_postal_code", "22846")
    type_into(page, "#id_city", "Norderstedt")
    submit_form(page)
    assert_error_summary_focused(page)
    checked_page(page)
    assert follow_error_link(page) == "id_birth_date"
    type_into(page, "#id_birth_date", "28.02.1990")
    submit_form(page)
    assert page.url.endswith("/konto/")
    assert "Ihre Angaben wurden gespeichert." in main_text(page)
    assert "Am Stadtpark 3" in main_text(page)
    assert "28.02.1990" in main_text(page)
    checked_page(page)

    # Two-factor authentication: the key shown on the page makes the code.
    activate(page, "main a[href='/konto/zwei-faktor/']")
    checked_page(page)
    secret = page.locator(".rh-secret").inner_text()
    type_into(page, "#id_code", "abcdef")
    submit_form(page)
    assert_error_summary_focused(page)
    checked_page(page)
    assert page.locator(".rh-secret").inner_text() == secret  # same key after the error
    type_into(page, "#id_code", totp_code(base32_secret=secret))
    submit_form(page)
    assert page.url.endswith("/konto/")
    assert "Die Zwei-Faktor-Authentifizierung ist jetzt eingeschaltet." in main_text(page), (
        main_text(page)
    )
    checked_page(page)

    # Logout is a button in the header, reached by Tab from the skip link.
    page.keyboard.press("Control+Home")
    page.locator(".rh-skip-link").focus()
    tab_to(page, "header form[action='/konto/abmelden/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/konto/anmelden/")
    assert "Sie wurden abgemeldet." in main_text(page)
    checked_page(page)

    # Password reset: request, mail, new password, login with it (and the TOTP code now).
    activate(page, "main a[href='/konto/passwort-vergessen/']")
    assert page.locator("h1").inner_text() == "Passwort zurücksetzen"
    checked_page(page)
    submit_form(page)  # empty: one error
    assert_error_summary_focused(page)
    checked_page(page)
    type_into(page, "#id_email", EMAIL)
    submit_form(page)
    assert page.url.endswith("/konto/passwort-vergessen/gesendet/")
    checked_page(page)
    _outbox_link(page, base, to=EMAIL, path_part="/konto/passwort-neu/")
    assert "/konto/passwort-neu/" in page.url
    checked_page(page)
    type_into(page, "#id_new_password1", NEW_PASSWORD)
    type_into(page, "#id_new_password2", NEW_PASSWORD)
    submit_form(page)
    assert page.url.endswith("/konto/passwort-neu/fertig/")
    checked_page(page)

    follow(page, "main a[href$='/konto/anmelden/']")
    _log_in(page, email=EMAIL, password=NEW_PASSWORD)
    assert page.url.endswith("/konto/anmelden/code/")
    checked_page(page)
    type_into(page, "#id_code", totp_code(base32_secret=secret))
    submit_form(page)
    assert page.url.endswith("/konto/"), main_text(page)
    assert page.locator("h1").inner_text() == "Mein Konto"
    checked_page(page)


def test_staff_login_with_totp_code(new_page, town_url):
    base = town_url()
    _slug, _role, email, given, family, key = next(
        row for row in DEMO_STAFF if row[0] == "norderstedt"
    )
    page = new_page()
    open_start_page(page, base)
    follow(page, "header nav a[href*='/konto/anmelden/']")
    follow(page, "main a[href$='/konto/mitarbeitende/anmelden/']")
    assert page.locator("h1").inner_text() == "Anmeldung für Mitarbeitende"
    _log_in(page, email=email, password="falsch-falsch-falsch")
    assert_error_summary_focused(page)
    checked_page(page)
    _log_in(page, email=email, password=STAFF_PASSWORD)
    assert page.url.endswith("/konto/anmelden/code/")
    checked_page(page)
    tab_order(page, ["#id_code", "main form button[type=submit]"])
    type_into(page, "#id_code", "000000" if totp_code(hex_key=key) != "000000" else "111111")
    submit_form(page)
    assert_error_summary_focused(page)
    checked_page(page)
    assert follow_error_link(page) == "id_code"
    wait_until_code_allowed(email)
    type_into(page, "#id_code", totp_code(hex_key=key))
    submit_form(page)
    assert page.url.endswith("/verwaltung/"), main_text(page)  # the inbox
    checked_page(page)
    # The account's page: the town's name leads to the start page, which has "My account".
    follow(page, "header a.rh-brand")
    follow(page, "header nav a[href$='/konto/']")
    text = main_text(page)
    assert f"{given} {family}" in text
    assert "Norderstedt" in text and "Ihre Rollen" in text
    checked_page(page)
    assert re.search(r"Zwei-Faktor-Authentifizierung\s+an", text), text


def test_demo_bundid_identification_and_account_deletion(new_page, town_url):
    base = town_url()
    leyla = DEMO_CITIZENS[2]
    page = new_page()

    # Identification with the demo BundID, from the login page: the resident is chosen with the
    # arrow keys.
    open_start_page(page, base)
    follow(page, "header nav a[href*='/konto/anmelden/']")
    follow(page, "main a[href*='/konto/identifizieren/']")
    assert page.locator("h1").inner_text() == "Identität nachweisen"
    activate(page, page.locator("main a", has_text="BundID (Demo)"))
    assert page.locator("h1").inner_text() == "BundID (Demo)"
    checked_page(page)
    focus(page, "#resident-1")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("#resident-3").is_checked()
    assert leyla["given_name"] in page.locator("label[for=resident-3]").inner_text()
    submit_form(page)
    assert page.url.endswith("/konto/"), main_text(page)
    text = main_text(page)
    assert f"{leyla['given_name']} {leyla['family_name']}" in text
    assert re.search(r"Vertrauensniveau der Anmeldung\s+hoch", text), text
    checked_page(page)

    # Deleting the account needs the password: a wrong one first.
    activate(page, "main a[href='/konto/loeschen/']")
    assert page.locator("h1").inner_text() == "Konto löschen"
    checked_page(page)
    type_into(page, "#id_password", "nicht-das-passwort")
    submit_form(page)
    assert_error_summary_focused(page)
    assert "Das Passwort ist nicht korrekt." in page.locator("[data-error-summary]").inner_text()
    checked_page(page)
    assert follow_error_link(page) == "id_password"
    type_into(page, "#id_password", CITIZEN_PASSWORD)
    submit_form(page)
    assert page.url.endswith("/konto/geloescht/")
    assert page.locator("h1").inner_text() == "Konto gelöscht"
    checked_page(page)
    assert not User.objects.filter(email_digest=email_digest(leyla["email"])).exists()


def test_demo_totp_page_shows_the_current_codes(new_page, town_url):
    page = new_page(viewport=NARROW)
    open_start_page(page, town_url())
    follow(page, "header .rh-demo-bar a[href$='/demo/']")  # "Demo tools"
    follow(page, "main a[href$='/konto/demo/totp/']")
    assert page.locator("h1").inner_text() == "Demo-TOTP-Codes"
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_focus_visible_everywhere(page)
    _slug, _role, email, _g, _f, key = DEMO_STAFF[0]
    row = page.locator("main table tbody tr", has_text=email)
    shown = row.locator("code").inner_text()
    # The page and the test may straddle a 30-second step: accept the code of either step.
    assert shown in {totp_code(hex_key=key), totp_code(hex_key=key, offset=-1)}
    activate(page, "main a[href='/konto/demo/totp/']")
    # The staff and the members of the demo landlord organisations.
    assert page.locator("main table tbody tr").count() == len(DEMO_STAFF) + len(
        DEMO_LANDLORD_ORGANISATIONS
    )
