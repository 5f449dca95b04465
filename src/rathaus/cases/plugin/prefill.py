"""Pre-fill sources: where a question page may take values the citizen then confirms.

A source offers named values for a journey (``values(context)``); a page maps its fields to
them (``QuestionPage.prefill``). The engine ships the account as a source; other apps (a
resident register) register theirs under a key of their own when Django starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from rathaus.core.registry import Registry

from .context import JourneyContext


class PrefillSource(Protocol):
    key: str
    label: Any  # shown to the citizen: "from your user account"

    def values(self, context: JourneyContext) -> Mapping[str, Any]: ...


class AccountSource:
    """The logged-in citizen's account: name, date of birth, e-mail and postal address."""

    key = "account"
    label = _("your user account")

    def values(self, context: JourneyContext) -> Mapping[str, Any]:
        person = context.person
        if person is None:
            return {}
        return {
            "full_name": person.full_name,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "email": person.email,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "street": person.street,
            "postal_code": person.postal_code,
            "city": person.city,
        }


prefill_sources: Registry[PrefillSource] = Registry("pre-fill source")
prefill_sources.register(AccountSource.key)(AccountSource())
