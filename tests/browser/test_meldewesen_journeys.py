"""Meldewesen journeys in the browser, keyboard only, axe on every page, German and English, each
from the start page by clicking: the Abmeldung abroad with the (demo) eID and the family from the
register, decided at once, its
confirmation verified on /pruefen/; and an Übermittlungssperre set and then revoked, each
confirmation verified."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.documents.models import IssuedDocument
from rathaus.register.constants import BlockKind
from rathaus.register.models import Block, Person, Residence

from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    focus,
    main_text,
    submit_form,
    type_into,
)
from .helpers_navigation import (
    begin_procedure,
    open_document_check,
    open_my_case,
    open_service_start,
)

pytestmark = pytest.mark.browser


def _tick(page, selector: str) -> None:
    focus(page, selector)
    page.keyboard.press("Space")


def _submit_declared(page) -> None:
    assert page.url.endswith("/pruefen/")
    checked_page(page)
    _tick(page, "#id_declaration")
    submit_form(page)
    assert "/anliegen/eingereicht/" in page.url
    checked_page(page)


def _document_verified(page, case, expected_title: str) -> None:
    """From the case page: fetch the issued file, type its code on /pruefen/, upload it."""
    document = IssuedDocument.objects.filter(case=case).last()
    open_my_case(page, case.reference)
    link = page.locator(f"main a[href*='{document.public_id}']")
    assert link.count() == 1
    pdf = bytes(
        page.evaluate(
            """async (href) => {
                const response = await fetch(href);
                return Array.from(new Uint8Array(await response.arrayBuffer()));
            }""",
            link.get_attribute("href"),
        )
    )
    assert pdf.startswith(b"%PDF-")
    open_document_check(page)
    type_into(page, "#id_code", document.verification_code)
    submit_form(page)
    # Written in the account's language (German for the demo citizen), whatever the browser's.
    assert expected_title in document.title and document.title in main_text(page)
    checked_page(page)
    page.locator("#id_document").set_input_files(
        files=[{"name": "dokument.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    submit_form(page)
    assert page.locator(".kern-alert--success").count() == 1
    checked_page(page)


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_abmeldung_abroad(new_page, town_url, locale):
    german = locale.startswith("de")
    base = town_url()
    page = new_page(locale=locale)
    begin_procedure(page, base, "abmeldung")  # Erika Mustermann, trust level "high"

    assert page.url.endswith("/grund/")
    checked_page(page)
    _tick(page, "#id_reason_2")  # within Germany: the form stops and says why
    submit_form(page)
    assert_error_summary_focused(page)
    assert ("innerhalb Deutschlands" if german else "within Germany") in main_text(page)
    checked_page(page)
    _tick(page, "#id_reason_0")  # abroad
    submit_form(page)

    assert page.url.endswith("/auszug/")
    checked_page(page)
    too_early = timezone.localdate() + datetime.timedelta(days=20)
    type_into(page, "#id_moved_out", too_early.strftime("%d.%m.%Y"))
    submit_form(page)
    assert_error_summary_focused(page)
    assert page.locator("#id_moved_out").input_value() == too_early.strftime("%d.%m.%Y")
    checked_page(page)
    moving = timezone.localdate() + datetime.timedelta(days=5)
    type_into(page, "#id_moved_out", moving.strftime("%d.%m.%Y"))
    submit_form(page)

    assert page.url.endswith("/ausland/")
    checked_page(page)
    type_into(page, "#id_country", "Dänemark" if german else "Denmark")
    type_into(page, "#id_foreign_address", "Nørregade 7, 1165 København")
    submit_form(page)

    # Her husband and her daughter from the register move out too.
    assert page.url.endswith("/familie/")
    checked_page(page)
    assert "Hans Mustermann" in main_text(page) and "Paula Mustermann" in main_text(page)
    _tick(page, "#id_family_leaving_0")
    _tick(page, "#id_family_leaving_1")
    submit_form(page)
    assert "Hans Mustermann" in main_text(page) and "Paula Mustermann" in main_text(page)
    _submit_declared(page)

    case = Case.objects.get(procedure_key="abmeldung")
    assert case.status == CaseStatus.APPROVED
    for name in ("Erika", "Hans", "Paula"):
        person = next(
            p
            for p in Person.objects.filter(municipality=case.municipality)
            if p.given_names == name
        )
        assert not Residence.objects.filter(person=person, moved_out__isnull=True).exists()
    _document_verified(page, case, "Abmeldebestätigung")


@pytest.fixture
def objection_types(transactional_db):
    """The objection data of the register's data migration: a browser test's database is
    emptied after each test (``transactional_db``), migration data included."""
    migration = importlib.import_module("rathaus.register.migrations.0002_objection_types")
    migration.objections_load(apps, None)


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_uebermittlungssperre_set_and_revoked(new_page, town_url, objection_types, locale):
    german = locale.startswith("de")
    base = town_url()
    page = new_page(locale=locale)
    begin_procedure(page, base, "uebermittlungssperren")  # Erika Mustermann

    assert page.url.endswith("/widersprueche/")
    checked_page(page)
    assert page.locator("input[value=bundeswehr]").count() == 0
    submit_form(page)  # nothing ticked, nothing in force: nothing changed
    assert_error_summary_focused(page)
    checked_page(page)
    _tick(page, "input[value=parteien-wahlen]")
    submit_form(page)
    _submit_declared(page)
    first = Case.objects.get(procedure_key="uebermittlungssperren")
    assert first.status == CaseStatus.APPROVED
    blocks = Block.objects.filter(kind=BlockKind.UEBERMITTLUNGSSPERRE)
    assert [b.objection.key for b in blocks if b.in_force(timezone.localdate())] == [
        "parteien-wahlen"
    ]
    title = "Übermittlungssperren"
    _document_verified(page, first, title)

    # Revoke it: the page shows it ticked, from the register.
    open_service_start(page, "uebermittlungssperren")
    activate(page, "main form button[type=submit]")
    assert page.locator("input[value=parteien-wahlen]").is_checked()
    checked_page(page)
    _tick(page, "input[value=parteien-wahlen]")
    submit_form(page)
    summary = main_text(page)
    assert ("Kein Widerspruch" if german else "No objection") in summary
    _submit_declared(page)
    second = Case.objects.filter(procedure_key="uebermittlungssperren").exclude(pk=first.pk).get()
    assert second.status == CaseStatus.APPROVED
    assert not any(
        b.in_force(timezone.localdate())
        for b in Block.objects.filter(kind=BlockKind.UEBERMITTLUNGSSPERRE)
    )
    _document_verified(page, second, title)
