"""The interface every identity provider (BundID, eID, demo) implements."""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class VerifiedIdentity:
    """What an identity provider vouches for: the names and date of birth read from the ID card
    (eID) or asserted by BundID. Only this, never the editable profile, matches a citizen to the
    resident register."""

    given_names: str
    family_name: str
    birth_date: datetime.date


class IdentityProvider(ABC):
    """A way for citizens to prove who they are, at a given trust level.

    The provider's own views run the protocol (SAML for BundID) and end by calling
    ``rathaus.accounts.services.session_start(..., trust_level=..., provider=key, identity=...)``
    with the ``VerifiedIdentity`` the protocol delivered.
    """

    key: str
    label: str
    trust_level: str

    @abstractmethod
    def is_available(self, request: HttpRequest) -> bool:
        """Whether the provider may be offered on this installation."""

    @abstractmethod
    def start_url(self, request: HttpRequest, *, next_url: str) -> str:
        """Where the citizen's browser goes to begin identification."""
