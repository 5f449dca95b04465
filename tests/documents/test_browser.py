"""/pruefen/ and the journey's file page in headless Chromium: axe (WCAG 2.1 AA), keyboard."""

import pytest

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.cases.services import case_document_issue as document_issue
from tests.browser.harness import DESKTOP, NARROW, assert_accessible, horizontal_overflow

pytestmark = pytest.mark.browser


def test_verification_pages_are_accessible_and_keyboard_usable(new_page, town_url):
    case = Case.objects.filter(municipality__slug="norderstedt", status=CaseStatus.APPROVED).first()
    document = document_issue(case=case, document_type="reply_letter", actor=None)
    for viewport in (DESKTOP, NARROW):
        page = new_page(viewport=viewport)
        page.goto(town_url() + "/pruefen/")
        assert_accessible(page)
        # Keyboard only: type the code and press Enter.
        page.keyboard.press("Tab")
        page.focus("#id_code")
        page.keyboard.type(document.verification_code.lower())
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"/pruefen/{document.verification_code}/")
        assert page.locator("h1").count() == 1
        assert_accessible(page)
        assert horizontal_overflow(page) == 0

        # Submitting without a file: error summary takes focus and links to the file input.
        page.focus("#id_document")
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.title().startswith("Fehler: ")
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        assert page.locator("label[for=id_document]").is_visible()
        assert_accessible(page)
        assert page.guard.console_errors == []

        response = page.goto(town_url() + "/pruefen/AAAAAAAAAAAAAAAA/")
        assert response.status == 404  # the friendly "code not found" page
        assert page.locator("h1").count() == 1
        assert_accessible(page)


def test_file_page_of_the_general_request_is_accessible(new_page, town_url):
    page = new_page()
    page.goto(town_url() + "/anliegen/allgemeines-anliegen/start/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.fill("#id_subject", "Laterne")
    page.fill("#id_message", "Die Laterne ist dunkel.")
    page.check("#id_add_file")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/anhang/" in page.url
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.title().startswith("Fehler: ")
    assert_accessible(page)
    assert page.guard.console_errors == []
