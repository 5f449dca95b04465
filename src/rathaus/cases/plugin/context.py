"""The journey context: what every question page and every hook of a procedure receives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rathaus.core.registry import Registry

if TYPE_CHECKING:  # only for annotations
    from .procedure import Procedure


class JourneyServices:
    """Services a procedure may call, plugged in by the apps that provide them.

    The engine cannot import the apps above it (appointments, a resident register …), so they
    register an object under a name when Django starts (``journey_services.provide``), and a
    procedure reaches it as ``context.services.get("booking")``. A missing service is ``None``:
    a procedure must cope with an installation that lacks it.
    """

    def __init__(self) -> None:
        self._providers: Registry[Any] = Registry("journey service")

    def provide(self, name: str, provider: Any) -> None:
        self._providers.register(name)(provider)

    def get(self, name: str) -> Any:
        return self._providers.get(name)


journey_services = JourneyServices()


@dataclass
class JourneyContext:
    """Who acts, for which town, on which case, with which answers so far.

    ``actor`` is the logged-in user or None (an anonymous visitor, or the system in a periodic
    task; ``system`` tells them apart). ``trust_level`` is the identity proof of this session
    (``accounts.constants.TrustLevel``), None without one.
    """

    municipality: Any
    procedure: Procedure
    actor: Any = None
    trust_level: str | None = None
    case: Any = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    system: bool = False
    services: JourneyServices = field(default_factory=lambda: journey_services)
    _prefill_cache: dict[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def person(self):
        """The logged-in citizen, or None."""
        actor = self.actor
        return actor if actor is not None and actor.is_authenticated else None

    def prefill_values(self, source_key: str) -> Mapping[str, Any]:
        """The values a pre-fill source offers for this journey (asked once per context)."""
        from .prefill import prefill_sources  # prefill imports this module for its annotations

        if source_key not in self._prefill_cache:
            source = prefill_sources.get(source_key)
            self._prefill_cache[source_key] = source.values(self) if source is not None else {}
        return self._prefill_cache[source_key]

    def with_answers(self, answers: Mapping[str, Any]) -> JourneyContext:
        return JourneyContext(
            municipality=self.municipality,
            procedure=self.procedure,
            actor=self.actor,
            trust_level=self.trust_level,
            case=self.case,
            answers=answers,
            system=self.system,
            services=self.services,
            _prefill_cache=self._prefill_cache,
        )
