"""What a Meldebescheinigung shows (§18 BMG). Pure rules: no database access here.

A simple certificate (§18(1)) names the person and their current addresses; an extended one
(§18(2)) adds the further data the law allows. Nothing else of the register ever appears."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    SIMPLE = "simple", _("Simple certificate (names, date and place of birth, addresses)")
    EXTENDED = "extended", _("Extended certificate (also sex, nationalities and date of moving in)")


class Delivery(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronically, at once, free of charge (PDF)")
    POST = "post", _("Printed and sent by post (fee)")


SIMPLE_FIELDS = [
    ("family_name", _("Family name")),
    ("birth_name", _("Former names")),
    ("given_names", _("Given names")),
    ("doctorate", _("Doctorate")),
    ("birth_date", _("Date of birth")),
    ("birth_place", _("Place of birth")),
]
EXTENDED_FIELDS = [
    ("sex", _("Sex")),
    ("nationalities", _("Nationalities")),
]


def _shown(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value or "")


def certificate_rows(*, person, residences, kind: str, sex_label: str = "") -> list[tuple]:
    """(label, value) rows of the certificate for ``person`` and their open ``residences``."""
    rows = [(label, _shown(getattr(person, name))) for name, label in SIMPLE_FIELDS]
    if kind == CertificateKind.EXTENDED:
        rows += [
            (label, sex_label if name == "sex" else _shown(getattr(person, name)))
            for name, label in EXTENDED_FIELDS
        ]
    for residence in residences:
        address = (
            f"{residence.street} {residence.house_number}, {residence.postal_code} {residence.city}"
        )
        rows.append((residence.get_kind_display(), address))
        if kind == CertificateKind.EXTENDED:
            rows.append((_("Moved in"), _shown(residence.moved_in)))
    return [(str(label), value) for label, value in rows if value]
