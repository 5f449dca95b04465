"""What a procedure declares, and the question-page base class its forms derive from."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.constants import TrustLevel
from rathaus.core.forms import KernForm

Answers = Mapping[str, Any]


class QuestionPage(KernForm):
    """One page of questions. ``slug`` names it in the URL; ``condition`` decides, from the
    answers given so far, whether the page is asked at all (branching)."""

    slug: ClassVar[str] = ""
    title: ClassVar[Any] = ""

    @classmethod
    def condition(cls, answers: Answers) -> bool:
        return True

    @classmethod
    def field_names(cls) -> list[str]:
        return list(cls.base_fields)


def answer_to_json(value: Any) -> Any:
    """A cleaned form value as JSON: dates as ISO strings, decimals as strings."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [answer_to_json(item) for item in value]
    return value


def answer_display(field: forms.Field, value: Any) -> str:
    """An answer as the citizen reads it on the check page (choice labels, yes/no)."""
    if value in (None, "", []):
        return ""
    if isinstance(field, forms.BooleanField):
        return str(_("Yes") if value else _("No"))
    choices = dict(getattr(field, "choices", ()) or ())
    if choices:
        if isinstance(value, list):
            return ", ".join(str(choices.get(item, item)) for item in value)
        return str(choices.get(value, value))
    return str(value)


class Procedure:
    """Base class of a procedure plugin. Subclasses set the class attributes below."""

    key: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    description: ClassVar[Any] = ""
    service_slug: ClassVar[str] = ""  # the catalogue service (Leistung) this procedure serves
    pages: ClassVar[list[type[QuestionPage]]] = []
    trust_level: ClassVar[str] = TrustLevel.BASIC
    account_required: ClassVar[bool] = False
    issuable_document_types: ClassVar[list[str]] = []
    retention: ClassVar[datetime.timedelta] = datetime.timedelta(days=365)
    four_eyes: ClassVar[bool] = False
    # Files a citizen may add (PDF, JPEG, PNG): size of one file and number per case.
    attachment_max_bytes: ClassVar[int] = 10 * 1024 * 1024
    attachment_max_count: ClassVar[int] = 5
    # Target processing time in days from submitting to a decision (back-office "overdue").
    target_days: ClassVar[int] = 14
    # What the confirmation page says happens next.
    next_steps: ClassVar[Any] = ""

    # --- questions ---------------------------------------------------------------------------
    def active_pages(self, answers: Answers) -> list[type[QuestionPage]]:
        """The pages asked for these answers, in order. A page's condition sees only the
        answers of the pages before it."""
        active: list[type[QuestionPage]] = []
        seen: dict[str, Any] = {}
        for page in self.pages:
            if page.condition(seen):
                active.append(page)
                seen.update({name: answers.get(name) for name in page.field_names()})
        return active

    def page(self, slug: str) -> type[QuestionPage] | None:
        return next((page for page in self.pages if page.slug == slug), None)

    def clean_answers(self, answers: Answers) -> dict[str, Any]:
        """Only the answers of pages that are still asked (a changed branch drops the others)."""
        kept: dict[str, Any] = {}
        for page in self.active_pages(answers):
            for name in page.field_names():
                if name in answers:
                    kept[name] = answers[name]
        return kept

    def page_is_answered(self, page: type[QuestionPage], answers: Answers) -> bool:
        return page(data=self.page_data(page, answers)).is_valid() and all(
            name in answers for name in page.field_names()
        )

    @staticmethod
    def page_data(page: type[QuestionPage], answers: Answers) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in page.field_names():
            value = answers.get(name)
            if value is not None:
                data[name] = value
        return data

    def first_unanswered_page(self, answers: Answers) -> type[QuestionPage] | None:
        for page in self.active_pages(answers):
            if not self.page_is_answered(page, answers):
                return page
        return None

    def summary_rows(self, answers: Answers) -> list[tuple[type[QuestionPage], str, str]]:
        """(page, label, display value) for every question asked."""
        rows = []
        for page in self.active_pages(answers):
            for name, field in page.base_fields.items():
                rows.append((page, str(field.label), answer_display(field, answers.get(name))))
        return rows

    # --- hooks -------------------------------------------------------------------------------
    def applicant_name(self, answers: Answers) -> str:
        """The applicant's name for the case list and name search."""
        return str(answers.get("applicant_name", "")).strip()

    def fee(self, *, municipality) -> decimal.Decimal | None:
        """The fee through the catalogue's fee rule (None: no fee known or free)."""
        from .fees import procedure_fee

        return procedure_fee(municipality=municipality, service_slug=self.service_slug)

    def on_submit(self, *, case) -> None:
        """Runs inside the submit transaction, after the reference is allocated."""
