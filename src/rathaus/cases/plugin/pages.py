"""Question pages: what a procedure asks, one page at a time (GOV.UK "one thing per page").

Every page is a form that receives the journey context (``self.context``: the municipality, the
acting person, the case and the answers so far, and the services a procedure may call), so its
``clean()`` can check an address against the town's directory or compare with earlier answers.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm

if TYPE_CHECKING:  # only for annotations: the context module imports the procedure types
    from .context import JourneyContext

Answers = Mapping[str, Any]


def answer_to_json(value: Any) -> Any:
    """A cleaned form value as JSON: dates as ISO strings, decimals as strings."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [answer_to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: answer_to_json(item) for key, item in value.items()}
    return value


def answer_display(field: forms.Field, value: Any) -> str:
    """An answer as the citizen reads it on the check page (choice labels, yes/no, dates)."""
    if value in (None, "", []):
        return ""
    if isinstance(field, forms.BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(field, forms.DateField) and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    choices = dict(getattr(field, "choices", ()) or ())
    if choices:
        if isinstance(value, list):
            return ", ".join(str(choices.get(item, item)) for item in value)
        return str(choices.get(value, value))
    return str(value)


def _stored_value(field: forms.Field, value: Any) -> Any:
    """A stored JSON value as a form accepts it again: ISO dates become dates, so a field with
    its own input formats (``31.12.2026``) still validates what was stored."""
    if isinstance(value, str) and value:
        try:
            if isinstance(field, forms.DateTimeField):
                return datetime.datetime.fromisoformat(value)
            if isinstance(field, forms.DateField):
                return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def form_data(form_class: type[forms.Form], values: Answers) -> dict[str, Any]:
    """The stored answers of ``form_class``'s fields as form data (for validating them again)."""
    return {
        name: _stored_value(field, values[name])
        for name, field in form_class.base_fields.items()
        if name in values and values[name] is not None
    }


class QuestionPage(KernForm):
    """One page of questions. ``slug`` names it in the URL; ``condition`` decides, from the
    answers of the pages before it, whether the page is asked at all (branching).

    ``prefill`` maps a field to ``(source key, value name)``: while the field has no answer, the
    page offers that value from the source (``prefill.PrefillSource``, e.g. the account) and
    says so; the citizen confirms it by saving the page.
    """

    slug: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    prefill: ClassVar[dict[str, tuple[str, str]]] = {}
    # A template shown above the questions (it sees the page as ``form``): what the journey
    # already knows and the person cannot change, e.g. the organisation they confirm for.
    intro_template: str = ""

    def __init__(self, *args, context: JourneyContext | None = None, **kwargs):
        self.context = context
        super().__init__(*args, **kwargs)

    @classmethod
    def condition(cls, answers: Answers) -> bool:
        return True

    @classmethod
    def field_names(cls) -> list[str]:
        return list(cls.base_fields)

    @classmethod
    def is_answered(cls, answers: Answers, context: JourneyContext | None = None) -> bool:
        if not all(name in answers for name in cls.field_names()):
            return False
        return cls(data=form_data(cls, answers), context=context).is_valid()

    @classmethod
    def summary_rows(cls, answers: Answers) -> list[tuple[str, str, str]]:
        """(field name, label, display value) for the check page. A hidden field without a label
        is no question (a value the journey keeps for itself) and is left out."""
        return [
            (name, str(field.label), answer_display(field, answers.get(name)))
            for name, field in cls.base_fields.items()
            if not (field.widget.is_hidden and field.label is None)
        ]


class AttachmentPage(QuestionPage):
    """A question page with one optional file (PDF, JPEG or PNG).

    Served by the engine's attachment view (its slug must start with "anhang"). The answer stored
    for the field is the file's display name, so that the check page lists it."""

    slug = "anhang"
    attachment = forms.FileField(label=_("File"), required=False)
    #: The error when the page is sent without a file; None: the optional file's own message.
    missing_message: ClassVar[str | None] = None
    #: True: the page may be left without a file (it is asked without a yes/no question before
    #: it, and the file only supports the application); False: reaching it means adding one.
    file_optional: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.slug.startswith(AttachmentPage.slug):
            raise TypeError(f"{cls.__name__}.slug must start with {AttachmentPage.slug!r}")


class AddAnotherForm(KernForm):
    """The question under a repeating group's list: add another item, or go on."""

    add_another = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
    )

    def __init__(self, *args, question: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add_another"].label = question
        self.fields["add_another"].error_messages["required"] = _("Select yes or no.")


class RepeatingGroupPage(QuestionPage):
    """A repeating group (persons moving, children …) in the GOV.UK "add another" pattern.

    The answer under ``group`` is a list of items, each filled in with ``item_form`` on a page
    of its own; the group's page lists them with "Change" and "Remove" links and asks whether
    to add another. At least ``min_items`` and at most ``max_items`` items.
    """

    group: ClassVar[str] = ""
    item_form: ClassVar[type[KernForm]] = KernForm
    min_items: ClassVar[int] = 1
    max_items: ClassVar[int] = 10
    item_title: ClassVar[Any] = _("Item %(number)s")
    add_title: ClassVar[Any] = _("Add an item")
    add_another_question: ClassVar[Any] = _("Do you need to add another item?")
    too_few_message: ClassVar[Any] = _("Add at least one item.")
    # Like ``QuestionPage.prefill``, for the item form of the first item (while the group is
    # empty it is usually the applicant themself): ``{"field": (source key, value name)}``.
    first_item_prefill: ClassVar[dict[str, tuple[str, str]]] = {}

    @classmethod
    def field_names(cls) -> list[str]:
        return [cls.group]

    @classmethod
    def items(cls, answers: Answers) -> list[dict[str, Any]]:
        value = answers.get(cls.group)
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

    @classmethod
    def item_is_valid(cls, item: Answers, context: JourneyContext | None = None) -> bool:
        form = cls.item_form(data=form_data(cls.item_form, item))
        form.context = context
        return form.is_valid()

    @classmethod
    def is_answered(cls, answers: Answers, context: JourneyContext | None = None) -> bool:
        if cls.group not in answers:
            return False
        items = cls.items(answers)
        return cls.min_items <= len(items) <= cls.max_items and all(
            cls.item_is_valid(item, context) for item in items
        )

    @classmethod
    def item_label(cls, item: Answers) -> str:
        """How an item is named in the list and on the check page (override per group)."""
        return ", ".join(str(value) for value in item.values() if value not in (None, ""))

    @classmethod
    def item_number_title(cls, index: int) -> str:
        return str(cls.item_title) % {"number": index + 1}

    @classmethod
    def summary_rows(cls, answers: Answers) -> list[tuple[str, str, str]]:
        return [
            (f"{cls.group}.{index}", cls.item_number_title(index), cls.item_display(item))
            for index, item in enumerate(cls.items(answers))
        ]

    @classmethod
    def item_display(cls, item: Answers) -> str:
        parts = []
        for name, field in cls.item_form.base_fields.items():
            shown = answer_display(field, item.get(name))
            if shown:
                parts.append(shown)
        return ", ".join(parts)
