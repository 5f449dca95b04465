"""Keyboard-only driving of pages: focus a control, then Tab, Enter, Space and typing.

No mouse: nothing here clicks. ``focus`` places the caret the way a skip link or the error
summary's link would; ``tab_to`` proves that the control is reachable in tab order.
"""

from __future__ import annotations

import base64
import binascii

from django_otp.oath import TOTP

from .harness import assert_accessible, horizontal_overflow

ACTIVE_DESCRIPTION = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "";
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " +
        (el.getAttribute("name") || "") + " " + (el.textContent || "").trim().slice(0, 40);
}"""


def active_matches(page, selector: str) -> bool:
    return page.evaluate(
        "(selector) => !!document.activeElement && document.activeElement.matches(selector)",
        selector,
    )


def focus(page, target) -> None:
    """Focuses ``target`` (a CSS selector or a Locator) and checks that it took focus."""
    locator = page.locator(target).first if isinstance(target, str) else target
    locator.focus()
    assert locator.evaluate("el => el === document.activeElement"), f"{target} took no focus"


def tab_to(page, selector: str, *, max_steps: int = 80, backwards: bool = False) -> int:
    """Presses Tab (or Shift+Tab) until the focused element matches ``selector``.

    Returns the number of key presses; fails when the control is not in the tab order.
    """
    key = "Shift+Tab" if backwards else "Tab"
    visited = []
    for step in range(1, max_steps + 1):
        page.keyboard.press(key)
        if active_matches(page, selector):
            return step
        visited.append(page.evaluate(ACTIVE_DESCRIPTION))
    raise AssertionError(f"{selector} not reached by {key}; focus went: {visited}")


def tab_order(page, selectors: list[str]) -> None:
    """Each control in ``selectors`` is the next stop after the previous one (Tab once each)."""
    focus(page, selectors[0])
    for selector in selectors[1:]:
        page.keyboard.press("Tab")
        assert active_matches(page, selector), (
            f"after Tab expected {selector}, focus is on {page.evaluate(ACTIVE_DESCRIPTION)}"
        )


def type_into(page, selector: str, text: str, *, clear: bool = True) -> None:
    focus(page, selector)
    if clear:
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
    if text:
        page.keyboard.type(text)


def activate(page, target, key: str = "Enter") -> None:
    """Focuses a link or button (selector or Locator) and presses ``key``; waits for the page."""
    with page.expect_navigation():
        focus(page, target)
        page.keyboard.press(key)
    page.wait_for_load_state()


def submit_form(page, form_selector: str = "main form[method=post]") -> None:
    """Reaches the form's submit button with Tab from its first field and presses Enter."""
    fields = page.locator(
        f"{form_selector} :is(input:not([type=hidden]), select, textarea, button)"
    )
    first = fields.first
    first.focus()
    button = f"{form_selector} button[type=submit]"
    if not active_matches(page, button):
        tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def assert_error_summary_focused(page) -> None:
    assert page.title().startswith("Fehler: ") or page.title().startswith("Error: "), page.title()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')"), (
        f"focus is on {page.evaluate(ACTIVE_DESCRIPTION)}, not the error summary"
    )


def follow_error_link(page) -> str:
    """Tabs from the error summary to its first link and presses Enter: focus lands on the field."""
    link = "[data-error-summary] a"
    tab_to(page, link, max_steps=3)
    target = page.evaluate("document.activeElement.getAttribute('href')").removeprefix("#")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == target
    return target


def checked_page(page) -> None:
    """Every page a journey visits: axe clean, no console errors (CSP), nothing external."""
    assert_accessible(page)
    assert page.guard.console_errors == [], page.guard.console_errors
    assert page.guard.foreign == [], page.guard.foreign


def checked_page_fitting(page) -> None:
    """``checked_page``, and nothing wider than the viewport (at 320 px too)."""
    checked_page(page)
    assert horizontal_overflow(page) == 0, page.url


def choose_radio(page, selector: str) -> None:
    """Focuses the radio group's first option and moves with the arrow keys to ``selector``."""
    group = page.locator(selector).get_attribute("name")
    focus(page, f"main input[name={group}]")
    page.keyboard.press("Space")
    for _ in range(10):
        if page.locator(selector).is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{selector} not reached with the arrow keys")


def totp_code(
    *, hex_key: str | None = None, base32_secret: str | None = None, offset: int = 0
) -> str:
    """The six-digit code an authenticator app shows for the key (``offset`` steps away)."""
    if base32_secret is not None:
        key = base64.b32decode(base32_secret.replace(" ", "").upper())
    else:
        key = binascii.unhexlify(hex_key)
    totp = TOTP(key)
    totp.time = totp.time + offset * totp.step
    return f"{totp.token():06d}"


def main_text(page) -> str:
    return page.locator("main").inner_text()


def assert_summary_actions_aligned(page) -> None:
    """Every "Change" link of a summary list stands on its value's line (on wide screens also on
    its key's), and all of them end at the same right edge, so they read as one column."""
    rows = page.evaluate(
        """() => [...document.querySelectorAll('.rh-summary-list .kern-description-list-item')]
            .filter((item) => item.querySelector('.rh-summary-list__action a'))
            .map((item) => {
                const box = (el) => {
                    const r = el.getBoundingClientRect();
                    return {top: r.top, left: r.left, right: r.right};
                };
                return {
                    key: box(item.querySelector('.kern-description-list-item__key')),
                    value: box(item.querySelector('.kern-description-list-item__value')),
                    action: box(item.querySelector('.rh-summary-list__action a')),
                };
            })"""
    )
    assert rows, "no summary list with a Change link"
    wide = page.viewport_size["width"] >= 768
    for row in rows:
        assert abs(row["action"]["top"] - row["value"]["top"]) < 8, row
        assert row["action"]["left"] > row["value"]["left"], row
        if wide:
            assert abs(row["action"]["top"] - row["key"]["top"]) < 8, row
        else:
            assert row["key"]["top"] < row["value"]["top"], row
    rights = [row["action"]["right"] for row in rows]
    assert max(rights) - min(rights) < 2, rights
