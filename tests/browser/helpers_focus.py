"""Walks a page's whole tab order and checks every stop: visible, and with a visible focus ring."""

from __future__ import annotations

FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
        || (style.boxShadow && style.boxShadow !== "none");
    return {
        name: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
            + " " + (el.textContent || el.getAttribute("name") || "").trim().slice(0, 30),
        visible: box.width > 0 && box.height > 0 && style.visibility !== "hidden",
        ring: !!ring,
        offRight: box.right > document.documentElement.clientWidth + 1,
    };
}"""


def tab_stops(page, *, limit: int = 150) -> list[dict]:
    """Every element Tab reaches from the top of the page, in order, once."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    stops: list[dict] = []
    first = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None:
            break
        handle = page.evaluate_handle("document.activeElement")
        if first is None:
            first = handle
        elif page.evaluate("([a, b]) => a === b", [first, handle]):
            break  # wrapped round to the first stop
        stops.append(state)
    return stops


def assert_focus_visible_everywhere(page) -> list[dict]:
    stops = tab_stops(page)
    assert stops, "no focusable element reached by Tab"
    hidden = [stop["name"] for stop in stops if not stop["visible"]]
    ringless = [stop["name"] for stop in stops if stop["visible"] and not stop["ring"]]
    clipped = [stop["name"] for stop in stops if stop["offRight"]]
    assert not hidden, f"Tab reaches invisible elements on {page.url}: {hidden}"
    assert not ringless, f"no visible focus indicator on {page.url}: {ringless}"
    assert not clipped, f"focused elements outside the viewport on {page.url}: {clipped}"
    return stops
