"""The browser harness itself finds what it is meant to find."""

import pytest

from .harness import NARROW, PageGuard, format_violations, horizontal_overflow, run_axe

pytestmark = pytest.mark.browser


@pytest.fixture
def blank_page(browser):
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    yield page
    context.close()


def test_axe_reports_violations_readably(blank_page):
    blank_page.set_content(
        "<!DOCTYPE html><html><head><title>t</title></head><body><main>"
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text">'
        "</main></body></html>"
    )
    violations = run_axe(blank_page)
    ids = {violation["id"] for violation in violations}
    assert {"html-has-lang", "image-alt", "label"} <= ids
    message = format_violations(violations)
    assert "image-alt" in message and "img" in message


def test_overflow_is_measured(blank_page):
    blank_page.set_content('<html lang="de"><body><p>short</p></body></html>')
    assert horizontal_overflow(blank_page) == 0
    blank_page.set_content('<html lang="de"><body><div id="w">x</div></body></html>')
    blank_page.add_style_tag(content="#w { width: 500px; }")
    assert horizontal_overflow(blank_page) == 500 - NARROW["width"] + 8  # plus body margin


def test_guard_blocks_and_records_third_party_requests(blank_page):
    guard = PageGuard(blank_page, "http://norderstedt.localhost:1")
    blank_page.set_content('<html lang="de"><body><img src="http://cdn.example.org/x.png" alt="">')
    assert guard.foreign == ["http://cdn.example.org/x.png"]
