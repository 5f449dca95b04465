"""Benchmark scenarios. Each module defines ``SCENARIO``; ``bench/run.py --scenario NAME`` runs it.

A scenario prepares data before the server starts (``prepare``) and names its targets once the
server answers (``targets``). Later scenarios (a back-office inbox with 200,000 cases, an
appointment release storm) add a module here with their own data loader and targets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

SCENARIOS = ("pages", "inbox", "release_storm", "briefwahl", "suggestions", "meldebescheinigung")


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    host: str = "norderstedt.localhost"
    baseline: bool = False  # the trivial endpoint that page targets are compared with
    cookies: tuple[tuple[str, str], ...] = ()  # e.g. a logged-in session: ((name, value), ...)
    # Paths the clients go through in turn instead of ``path`` (e.g. what citizens type).
    rotate: tuple[str, ...] = ()
    # Whether the scenario's goals apply; False for a target measured for information only.
    goal: bool = True


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    targets: Callable  # (server) -> list[Target]
    prepare: Callable = lambda server: None  # (server) -> None, after the demo data is loaded
    goals: dict = field(default_factory=dict)
    clients: int = 32  # default concurrency when --clients is not given
    # A scenario that is not a set of GET targets runs itself: (server, args) -> report fields.
    run: Callable | None = None


def load(name: str) -> Scenario:
    if name not in SCENARIOS:
        raise SystemExit(f"unknown scenario {name!r}; choose from {', '.join(SCENARIOS)}")
    return import_module(f"bench.scenarios.{name}").SCENARIO
