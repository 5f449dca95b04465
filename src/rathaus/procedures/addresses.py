"""A dwelling's address on a question page, checked against the town's street directory (the
register's), with the directory's street names offered as the citizen types."""

from __future__ import annotations

import datetime

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rathaus.register.constants import RegisterErrorCode

# Which field a street-directory refusal belongs to.
ADDRESS_ERROR_FIELD = {
    RegisterErrorCode.UNKNOWN_STREET: "street",
    RegisterErrorCode.NOT_A_HOUSE_NUMBER: "house_number",
    RegisterErrorCode.HOUSE_NUMBER_OUT_OF_RANGE: "house_number",
    RegisterErrorCode.WRONG_POSTAL_CODE: "postal_code",
}


class StreetInput(forms.TextInput):
    """A text input with the town's street names as a ``<datalist>``: suggestions as one types,
    without script, read out by screen readers as the browser's own list. With script,
    ``rathaus.js`` replaces the list's options by the directory's best matches for what was typed
    (``data-street-suggestions``: the JSON endpoint, which folds umlauts and "Str." as the address
    check does); the markup stays this template's."""

    template_name = "procedures/widgets/street_input.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.streets: list[str] = []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if self.streets and widget_attrs.get("id"):
            widget_attrs["list"] = f"{widget_attrs['id']}_list"
            widget_attrs["data-street-suggestions"] = reverse("api-v1:list_street_suggestions")
        context["widget"]["streets"] = self.streets
        return context


def street_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label=kwargs.pop("label", _("Street")),
        max_length=120,
        widget=StreetInput,
        help_text=kwargs.pop("help_text", _("Suggestions from the town's street directory.")),
        **kwargs,
    )


def house_number_field() -> forms.CharField:
    return forms.CharField(
        label=_("House number"),
        max_length=10,
        help_text=_("For example 12 or 12a"),
        widget=forms.TextInput(attrs={"class": "kern-form-input__input", "size": 6}),
    )


def postal_code_field() -> forms.CharField:
    return forms.RegexField(
        label=_("Postal code"),
        regex=r"^\s*\d{5}\s*$",
        error_messages={"invalid": _("Enter a postal code of five digits, such as 22846.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )


def streets_offer(form, context, field_name: str = "street") -> None:
    """Fill the street field's suggestions from the town's directory."""
    register = context.services.get("register") if context is not None else None
    if register is None or context.municipality is None or field_name not in form.fields:
        return
    form.fields[field_name].widget.streets = register.street_names(
        municipality=context.municipality
    )


def address_validate(form, cleaned: dict, context) -> None:
    """Check street, house number and postal code against the directory; the refusal is shown
    on the field it concerns."""
    register = context.services.get("register") if context is not None else None
    if register is None or context.municipality is None:
        return
    if not all(cleaned.get(name) for name in ("street", "house_number", "postal_code")):
        return
    refusal = register.address_check(
        municipality=context.municipality,
        street=cleaned["street"],
        house_number=cleaned["house_number"],
        postal_code=cleaned["postal_code"],
    )
    if refusal is not None:
        form.add_error(ADDRESS_ERROR_FIELD.get(refusal, "street"), str(refusal.label))


def date_de(value) -> str:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d.%m.%Y") if value else ""


def address_line(answers, prefix: str = "") -> str:
    street = answers.get(f"{prefix}street", "")
    number = answers.get(f"{prefix}house_number", "")
    addition = answers.get(f"{prefix}address_addition", "")
    postal_code = answers.get(f"{prefix}postal_code", "")
    city = answers.get(f"{prefix}city", "")
    first = f"{street} {number}".strip() + (f" ({addition})" if addition else "")
    return f"{first}, {postal_code} {city}".strip(", ")


def town_city(municipality) -> str:
    """The town's name as it is written in an address ("Norderstedt", not "Stadt Norderstedt")."""
    return municipality.city or municipality.name
