"""Briefwahl in the browser, keyboard only, axe on every page, in German and English, everyone from
the town's start page by clicking: a voter applies without an account (first with a mistake, then an
umlaut-less near match), looks up the status, and the election office checks the near match, issues
the Wahlscheine and replaces a lost one."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.demo import DEMO_STAFF, STAFF_PASSWORD
from rathaus.elections import services
from rathaus.elections.constants import ApplicationStatus
from rathaus.elections.models import Application, District, Election, Wahlschein
from rathaus.tenants.models import Municipality

from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    focus,
    follow_error_link,
    main_text,
    submit_form,
    type_into,
)
from .helpers_navigation import (
    follow,
    open_service_start,
    open_start_page,
    staff_log_in_from_start,
)

pytestmark = pytest.mark.browser

HEADER = "number;district;family_name;given_names;birth_date;street;house_number;postal_code;city"
REGISTER = f"""{HEADER}
1;001;Müller;Anna Maria;1980-05-17;Rathausallee;50;22846;Norderstedt
2;001;Schmidt;Jonas;1975-03-12;Ulzburger Straße;3;22846;Norderstedt
""".encode()


def _election() -> Election:
    day = timezone.localdate() + datetime.timedelta(days=40)
    day += datetime.timedelta(days=(6 - day.weekday()) % 7)  # a Sunday
    election = Election.objects.create(
        municipality=Municipality.objects.get(slug="norderstedt"),
        kind="federal",
        title="Bundestagswahl",
        election_day=day,
    )
    District.objects.create(election=election, code="001", name="Mitte")
    services.voter_register_import(election=election, data=REGISTER)
    return election


def _type_application(page, *, family_name: str) -> None:
    for selector, text in [
        ("#id_family_name", family_name),
        ("#id_given_names", "Anna Maria"),
        ("#id_birth_date", "17.05.1980"),
        ("#id_street", "Rathausallee"),
        ("#id_house_number", "50"),
        ("#id_postal_code", "22846"),
        ("#id_city", "Norderstedt"),
    ]:
        type_into(page, selector, text)
    focus(page, "#id_delivery_0")
    page.keyboard.press("Space")
    focus(page, "#id_for_someone_else_0")
    page.keyboard.press("Space")
    focus(page, "#id_declaration")
    if not page.locator("#id_declaration").is_checked():
        page.keyboard.press("Space")


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_citizen_applies_and_looks_up_the_status(new_page, town_url, locale):
    base = town_url()
    election = _election()
    page = new_page(locale=locale)
    open_start_page(page, base)
    open_service_start(page, "briefwahl")
    activate(page, f"main a[href*='{election.public_id}']")
    assert "/antrag/" in page.url
    checked_page(page)

    submit_form(page)  # nothing filled in
    assert_error_summary_focused(page)
    checked_page(page)
    assert follow_error_link(page) == "id_family_name"

    # Not in the register: a clear message with what to do, the input kept.
    _type_application(page, family_name="Unbekannt")
    submit_form(page)
    assert_error_summary_focused(page)
    assert page.locator("#id_family_name").input_value() == "Unbekannt"
    assert "§25" in main_text(page)
    checked_page(page)

    # "Muller" for "Müller": a near match, for the election office to check.
    _type_application(page, family_name="Muller")
    submit_form(page)
    assert "/briefwahl/antrag/BW-" in page.url
    checked_page(page)
    application = Application.objects.get(election=election)
    assert application.status == ApplicationStatus.REVIEW
    assert application.reference in main_text(page)

    activate(page, "main a[href$='/briefwahl/status/']")
    checked_page(page)
    type_into(page, "#id_reference", application.reference)
    type_into(page, "#id_birth_date", "18.05.1980")  # wrong: nothing found
    submit_form(page)
    not_found = main_text(page)
    checked_page(page)
    type_into(page, "#id_birth_date", "17.05.1980")
    submit_form(page)
    found = main_text(page)
    assert found != not_found
    assert "Bundestagswahl" in found and "Bundestagswahl" not in not_found
    checked_page(page)


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_election_office_checks_issues_and_replaces(new_page, town_url, locale):
    base = town_url()
    election = _election()
    near = services.application_submit(
        election=election,
        data=services.ApplicationData(
            family_name="Muller",
            given_names="Anna Maria",
            birth_date=datetime.date(1980, 5, 17),
            street="Rathausallee",
            house_number="50",
            postal_code="22846",
            city="Norderstedt",
            delivery="other",
            delivery_name="Anna Müller",
            delivery_street="Seeweg 1",
            delivery_postal_code="18119",
            delivery_city="Rostock",
        ),
    ).application
    _slug, _role, email, _g, _f, key = next(
        row for row in DEMO_STAFF if row[0] == "norderstedt" and row[1] == StaffRole.CLERK
    )
    page = new_page(locale=locale)
    staff_log_in_from_start(page, base, email=email, password=STAFF_PASSWORD, hex_key=key)
    follow(page, "header nav a[href$='/verwaltung/briefwahl/']")  # "Postal vote"
    follow(page, f"main a[href*='{election.public_id}']")
    activate(page, "main a[href$='/pruefen/']")
    checked_page(page)
    activate(page, f"main a[href*='{near.reference}']")
    checked_page(page)

    submit_form(page, "main form:has(input[value=accept])")  # no entry chosen
    assert_error_summary_focused(page)
    checked_page(page)
    focus(page, "#id_accept-voter_0")
    page.keyboard.press("Space")
    submit_form(page, "main form:has(input[value=accept])")
    near.refresh_from_db()
    assert near.status == ApplicationStatus.ACCEPTED
    checked_page(page)

    services.election_lists_approve(election=election, actor=None)
    follow(page, "header nav a[href$='/verwaltung/briefwahl/']")
    follow(page, f"main a[href*='{election.public_id}']")
    submit_form(page, "main form[action$='/ausstellen/']")
    assert Wahlschein.objects.filter(election=election).count() == 1
    checked_page(page)
    status, head = page.evaluate(
        """async (url) => {
            const response = await fetch(url);
            const bytes = new Uint8Array(await response.arrayBuffer());
            return [response.status, String.fromCharCode(...bytes.slice(0, 5))];
        }""",
        page.locator("main a[href$='/listen/versand.pdf']").get_attribute("href"),
    )
    assert (status, head) == (200, "%PDF-")

    activate(page, "main a[href$='/wahlscheine/']")
    checked_page(page)
    submit_form(page, "main form[action$='/1/ungueltig/']")
    assert not Wahlschein.objects.get(number=1).valid
    assert Wahlschein.objects.get(number=2).valid
    checked_page(page)
    assert "2" in main_text(page)
