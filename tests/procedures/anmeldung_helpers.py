"""Filling in the Wohnungsgeberbestätigung and the Anmeldung page by page, as the journey does
(every page validated with its journey context)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from rathaus.accounts.identity.base import VerifiedIdentity
from rathaus.accounts.services import identity_record
from rathaus.cases import services
from rathaus.cases.plugin import RepeatingGroupPage, procedure_get
from tests.cases.conftest import user_make


def person(email, given, family, born):
    """An account whose holder proved names and date of birth with the eID."""
    user = user_make(email, given=given, family=family)
    user.birth_date = born
    return identity_record(
        user=user,
        identity=VerifiedIdentity(given_names=given, family_name=family, birth_date=born),
    )


def fill(case, user, pages):
    """``pages``: (slug, data) for question pages, (slug, [items]) for repeating groups."""
    procedure = procedure_get(case.procedure_key)
    for slug, data in pages:
        page = procedure.page(slug)
        if issubclass(page, RepeatingGroupPage):
            for item in data:
                form = page.item_form(data=item)
                form.context = services.case_context(case=case, actor=user, trust_level="high")
                assert form.is_valid(), form.errors
                services.case_group_item_save(
                    case=case, page=page, index=None, cleaned_data=form.cleaned_data, actor=user
                )
            continue
        form = page(
            data=data, context=services.case_context(case=case, actor=user, trust_level="high")
        )
        if not form.is_valid():
            return form
        services.case_draft_answers_save(
            case=case, page=page, cleaned_data=form.cleaned_data, actor=user
        )
    return None


def draft(town, user, key):
    return services.case_draft_start(
        municipality=town,
        procedure=procedure_get(key),
        actor=user,
        owner_token="t",
        trust_level="high",
    )


def submit(case, user):
    case, _created = services.case_submit(
        case=case, actor=user, idempotency_key=case.idempotency_key, trust_level="high"
    )
    return case


def today_de(offset_days=0):
    return (timezone.localdate() + datetime.timedelta(days=offset_days)).strftime("%d.%m.%Y")


def landlord_confirm(
    town,
    landlord,
    *,
    street="Ohechaussee",
    number="17",
    postal_code="22848",
    moved_in=None,
    tenants=(("Max", "Mustermann"),),
):
    case = draft(town, landlord, "wohnungsgeberbestaetigung")
    error = fill(
        case,
        landlord,
        [
            (
                "wohnungsgeber",
                {
                    "role": "landlord",
                    "landlord_name": landlord.full_name,
                    "landlord_address": "Ulzburger Straße 210, 22850 Norderstedt",
                    "owner_differs": "no",
                },
            ),
            (
                "wohnung",
                {
                    "street": street,
                    "house_number": number,
                    "postal_code": postal_code,
                    "moved_in": moved_in or today_de(),
                },
            ),
            ("personen", [{"given_names": g, "family_name": f} for g, f in tenants]),
        ],
    )
    assert error is None, error.errors
    return submit(case, landlord)


def anmeldung_pages(
    *,
    street="Ohechaussee",
    number="17",
    postal_code="22848",
    moved_in=None,
    kind="main",
    family_moving=(),
    movers=(),
    method="code",
    code="",
    previous=None,
):
    pages = [
        (
            "wohnung",
            {
                "street": street,
                "house_number": number,
                "postal_code": postal_code,
                "kind": kind,
                "moved_in": moved_in or today_de(),
            },
        ),
        (
            "vorher",
            previous
            or {
                "previous_place": "de",
                "prev_street": "Schloßstraße",
                "prev_house_number": "4",
                "prev_postal_code": "21465",
                "prev_city": "Reinbek",
            },
        ),
        (
            "person",
            {
                "sex": "m",
                "nationality": "deutsch",
                "religion": "",
                "id_kind": "personalausweis",
                "id_number": "L01X00T47",
            },
        ),
        (
            "familie",
            {"family_moving": list(family_moving), "others_moving": "yes" if movers else "no"},
        ),
    ]
    if movers:
        pages.append(("mitziehende", list(movers)))
    pages.append(("bestaetigung", {"method": method, "code": code}))
    return pages
