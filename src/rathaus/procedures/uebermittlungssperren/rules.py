"""Which objections to set and which to end. Pure rules: no database access here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ObjectionChanges:
    to_set: tuple[str, ...]
    to_end: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.to_set and not self.to_end


def objection_changes(
    *, in_force: Iterable[str], wanted: Iterable[str], offered: Iterable[str]
) -> ObjectionChanges:
    """From the objections ``in_force`` now to the ``wanted`` ones. Only objections the law
    still ``offered`` can be set; an objection no longer offered (the Bundeswehr objection,
    ended 1 January 2026) is never set, and one still in force is left to the register's own
    clean-up rather than touched here."""
    current, target, lawful = set(in_force), set(wanted), set(offered)
    return ObjectionChanges(
        to_set=tuple(sorted((target - current) & lawful)),
        to_end=tuple(sorted((current - target) & lawful)),
    )
