"""A journey as a new visitor goes: from the town's start page, by following links and buttons.

The start page is the one address a journey types (``open_start_page``); everything after it is
reached from the page the visitor is on, by keyboard (``activate``), and every page reached is
checked with axe (``checked_page``). Links are picked by where they lead or by their text (a
reference number), never by a typed URL.
"""

from __future__ import annotations

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.demo import DEMO_STAFF

from .helpers_keyboard import (
    activate,
    checked_page,
    checked_page_fitting,
    focus,
    main_text,
    submit_form,
    totp_code,
    type_into,
)


def open_start_page(page, base: str) -> None:
    """The visitor's entry: the town's start page, the only address a journey types."""
    page.goto(base + "/")
    checked_page(page)


def follow(page, target) -> None:
    """Activates a link or button (selector or Locator) by keyboard and checks the page reached."""
    activate(page, target)
    checked_page(page)


def open_service(page, slug: str) -> None:
    """From any citizen page: "Services" in the header, then the service's card."""
    follow(page, "header nav a[href$='/leistungen/']")
    follow(page, f"main a[href$='/leistungen/{slug}/']")


def open_service_start(page, slug: str) -> None:
    """From any citizen page to the service's page and its "Start online" button."""
    open_service(page, slug)
    follow(page, ".rh-catalogue-start a.kern-btn--primary")  # "Start online"


def start_online(page, base: str, slug: str) -> None:
    """From the start page to the service's page and its "Start online" button."""
    open_start_page(page, base)
    open_service_start(page, slug)


def log_in_with_eid(page, resident: int = 1) -> None:
    """On a page that asks for a login (the procedure's start page): "Log in", then the identity
    provider's link, then the demo BundID's resident (1: Erika Mustermann). Back where it began."""
    follow(page, "main a.kern-btn[href*='/konto/anmelden/']")
    follow(page, "main a[href*='/konto/identifizieren/']")
    follow(page, "main a[href*='/konto/demo/bundid/']")
    focus(page, f"#resident-{resident}")
    page.keyboard.press("Space")
    submit_form(page)
    checked_page(page)


def begin_from_service_page(page, *, resident: int = 1) -> None:
    """On a service's page: "Start online", log in with the (demo) eID, "Start now". The journey
    continues on the procedure's first question page (the caller checks it)."""
    follow(page, ".rh-catalogue-start a.kern-btn--primary")  # "Start online"
    log_in_with_eid(page, resident)
    assert "/start/" in page.url, main_text(page)
    activate(page, "main form button[type=submit]")


def begin_procedure(page, base: str, slug: str, *, resident: int = 1) -> None:
    """A new visitor starts the online procedure of the service ``slug`` from the start page with
    the (demo) eID and presses "Start now": the journey continues on the first question page."""
    open_start_page(page, base)
    open_service(page, slug)
    begin_from_service_page(page, resident=resident)


def log_in_with_password(page, *, email: str, password: str) -> None:
    """ "Log in" in the header, then e-mail address and password; ends on the account's page."""
    follow(page, "header nav a[href*='/konto/anmelden/']")
    type_into(page, "#id_email", email)
    type_into(page, "#id_password", password)
    submit_form(page)
    checked_page(page)


def open_my_requests(page) -> None:
    """ "My requests" in the header of a logged-in citizen."""
    follow(page, "header nav a[href$='/anliegen/meine/']")


def open_my_case(page, reference: str) -> None:
    """ "My requests" in the header, then the case by its reference number."""
    open_my_requests(page)
    follow(page, page.locator("main").get_by_role("link", name=reference, exact=True))


def open_document_check(page) -> None:
    """ "Check a document" in the footer of every town page."""
    follow(page, "footer a[href$='/pruefen/']")


def staff_log_in_from_start(page, base: str, *, email: str, password: str, hex_key: str) -> None:
    """A member of staff: start page, "Log in", "Staff login", password, then the authenticator's
    code; ends in the back office's inbox."""
    open_start_page(page, base)
    follow(page, "header nav a[href*='/konto/anmelden/']")
    follow(page, "main a[href*='/konto/mitarbeitende/anmelden/']")
    type_into(page, "#id_email", email)
    type_into(page, "#id_password", password)
    submit_form(page)
    assert page.url.endswith("/konto/anmelden/code/"), main_text(page)
    checked_page(page)
    type_into(page, "#id_code", totp_code(hex_key=hex_key))
    submit_form(page)
    assert page.url.endswith("/verwaltung/"), main_text(page)
    checked_page(page)


def open_backoffice_case(page, reference: str) -> None:
    """In the back office: "Inbox" in the staff navigation, search the reference number, open the
    case from the list."""
    follow(page, "header nav a[href$='/verwaltung/']")
    link = page.locator("main table").get_by_role("link", name=reference, exact=True)
    if link.count() == 0:
        type_into(page, "#id_search", reference)
        submit_form(page, "main form.bo-filters")
        checked_page(page)
    follow(page, page.locator("main table").get_by_role("link", name=reference, exact=True))


def demo_clerk(slug: str = "norderstedt") -> tuple[str, str]:
    """A town's demo clerk: e-mail address and TOTP key (hex)."""
    row = next(r for r in DEMO_STAFF if r[0] == slug and r[1] == StaffRole.CLERK)
    return row[2], row[5]


def counter_check_and_approve(page, case_url: str) -> None:
    """On an open case at the counter: "identity checked", then the approval — directly, or
    through a confirmation page where the back office has one."""
    activate(page, f"main form[action='{case_url}pruefen/'] button")
    checked_page_fitting(page)
    activate(
        page,
        f"main :is(form[action='{case_url}genehmigen/'] button, a[href='{case_url}genehmigen/'])",
    )
    if page.url.endswith("/genehmigen/"):
        checked_page_fitting(page)
        submit_form(page)
    assert page.url.endswith(case_url), page.url
    checked_page_fitting(page)
