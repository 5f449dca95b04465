"""Citizen pages against the trivial health endpoint of the same server, in the same run."""

from __future__ import annotations

from . import Scenario, Target

HOST = "norderstedt.localhost"
SERVICE_PAGE = "/leistungen/fuehrungszeugnis/"
FALLBACK_PAGE = "/impressum/"


def targets(server) -> list[Target]:
    # Use the catalogue's service page when the catalogue has it, else a page of similar weight.
    service_path = SERVICE_PAGE if server.status(SERVICE_PAGE, host=HOST) == 200 else FALLBACK_PAGE
    return [
        Target(name="start_page", path="/", host=HOST),
        Target(name="service_page", path=service_path, host=HOST),
        Target(name="healthz", path="/healthz", host=HOST, baseline=True),
    ]


SCENARIO = Scenario(
    name="pages",
    description="Start page and a service page versus /healthz, 32 clients",
    targets=targets,
    goals={"min_ratio_to_baseline": 0.5, "max_p95_ms": 50.0},
)
