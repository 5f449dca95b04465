"""Sizing: from the CPU a request costs in the benchmarks to the cores a town, a city or a state
needs.

    .venv/bin/python bench/sizing.py              # newest result of each scenario in bench/results/
    .venv/bin/python bench/sizing.py --markdown   # with the assumptions, as in bench/README.md

Each benchmark measures, for its main request, the CPU time the web tier (Granian, and nginx where
it stands in front) and PostgreSQL spent per request over the measured seconds (``/proc``). That
cost in core-milliseconds is the figure that carries over from this machine to a bigger one: a
core serves ``1000 / cost`` such requests per second when nothing else limits it. Wall-clock
throughput does not carry over (it counts the load generator's share of the same two cores).

The peak demand of each scenario for a population is a model with stated assumptions
(``PEAKS``), not a measurement; the cores needed are ``demand × cost / 1000 / UTILISATION``,
rounded up, per scenario. Peaks of different scenarios rarely coincide (a release storm lasts
seconds in the morning, the Briefwahl rush is the last hour before Friday 15:00), so the largest
single need, not the sum, sizes the web tier, plus the base load of pages and inbox.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

# Plan for CPUs at most this busy at the peak: headroom for the variance of arrivals, garbage
# collection and the background workers (which share the machines in the smaller set-ups).
UTILISATION = 0.6

POPULATIONS = {"town": 80_000, "city": 1_000_000, "state": 3_000_000}


@dataclass(frozen=True)
class Peak:
    """Requests per second at the peak, for ``per`` inhabitants, and why."""

    per_second: float
    per: int
    why: str

    def demand(self, population: int) -> float:
        return self.per_second * population / self.per


# The assumptions. Each is written so that it can be checked and changed in one place.
PEAKS = {
    "pages": Peak(
        per_second=6.7,
        per=100_000,
        why=(
            "2 % of the inhabitants visit on a busy day, 8 pages each; 15 % of the day's pages "
            "in the busiest hour, the busiest seconds at 10 × that hour's mean"
        ),
    ),
    "inbox": Peak(
        per_second=4.0,
        per=100_000,
        why=(
            "one clerk per 2,500 inhabitants working in Rathaus at once, each opening a page "
            "every 10 s at the busiest time"
        ),
    ),
    "release_storm": Peak(
        per_second=360.0,
        per=80_000,
        why=(
            "the release_storm scenario's load: 1,000 citizens for the 200 slots a town of 80,000 "
            "releases at one moment, 1.8 hold requests each within ~5 s (their listings come from "
            "a two-second cache at a tenth of a hold's cost and are left out); it grows with the "
            "slots released at the same second, so an installation for many towns that staggers "
            "its offices' release times divides it"
        ),
    ),
    "briefwahl_rush": Peak(
        per_second=0.4,
        per=100_000,
        why=(
            "75 % of the inhabitants entitled to vote, half of them by post, half of those apply "
            "online (≈ 19,000 applications per 100,000); 10 % of them on the last day, a quarter "
            "of the day's in its last hour (≈ 0.13/s), the busiest minute at 3 × that hour's mean"
        ),
    ),
    "meldebescheinigung": Peak(
        per_second=0.004,
        per=100_000,
        why=(
            "one electronic certificate per 20 inhabitants a year, 250 working days, 15 % of a "
            "day's in its busiest hour, the busiest minutes at 5 × that hour's mean"
        ),
    ),
}


@dataclass(frozen=True)
class Cost:
    """Core-milliseconds per request of one scenario's main request, from one result file."""

    scenario: str
    request: str
    server_ms: float
    database_ms: float
    source: str

    @property
    def core_ms(self) -> float:
        return self.server_ms + self.database_ms

    @property
    def per_core_per_second(self) -> float:
        return 1000.0 / self.core_ms


def _target_cost(report: dict, scenario: str, target: str, request: str, source: str) -> Cost:
    row = next(r for r in report["results"] if r["name"] == target)
    return Cost(
        scenario,
        request,
        row["server_cpu_ms_per_request"],
        row.get("database_cpu_ms_per_request") or 0.0,
        source,
    )


def cost_from(report: dict, source: str = "") -> Cost:
    """The cost of a scenario's main request from its result (``bench/results/*.json``)."""
    scenario = report["scenario"]
    if scenario == "pages":
        return _target_cost(report, "pages", "service_page", "service page", source)
    if scenario == "inbox":
        return _target_cost(report, "inbox", "inbox_first_page", "inbox, first page", source)
    if scenario == "release_storm":
        row = report["sustained"]
        return Cost(
            "release_storm",
            "hold (201 or 409)",
            row["server_cpu_ms_per_request"],
            row["database_cpu_ms_per_request"],
            source,
        )
    if scenario == "briefwahl":
        row = report["rush"]
        return Cost(
            "briefwahl_rush",
            "application",
            row["server_cpu_ms_per_application"],
            row["database_cpu_ms_per_application"],
            source,
        )
    if scenario == "meldebescheinigung":
        row = report["journeys"]
        return Cost(
            "meldebescheinigung",
            "certificate (whole journey)",
            row["server_cpu_ms_per_certificate"],
            row["database_cpu_ms_per_certificate"],
            source,
        )
    raise ValueError(f"no sizing for scenario {scenario!r}")


def cores_needed(cost: Cost, demand_per_second: float) -> int:
    return max(1, math.ceil(demand_per_second * cost.core_ms / 1000.0 / UTILISATION))


def newest_results(directory: Path = RESULTS) -> dict[str, tuple[dict, str]]:
    """The newest result file of each scenario the sizing uses."""
    wanted = ("pages", "inbox", "release_storm", "briefwahl", "meldebescheinigung")
    found: dict[str, tuple[dict, str]] = {}
    for name in wanted:
        files = sorted(directory.glob(f"{name}-2*.json"))
        if files:
            found[name] = (json.loads(files[-1].read_text()), files[-1].name)
    return found


def table(costs: list[Cost]) -> list[str]:
    header = "| scenario | request | core-ms (web + PostgreSQL) | per core/s |"
    lines = [header + "".join(f" {k} peak/s | cores |" for k in POPULATIONS)]
    lines.append("| --- | --- | ---: | ---: |" + " ---: | ---: |" * len(POPULATIONS))
    for cost in costs:
        peak = PEAKS[cost.scenario]
        cells = [
            cost.scenario,
            cost.request,
            f"{cost.server_ms:.1f} + {cost.database_ms:.1f}",
            f"{cost.per_core_per_second:,.0f}",
        ]
        for population in POPULATIONS.values():
            demand = peak.demand(population)
            cells += [f"{demand:,.1f}", str(cores_needed(cost, demand))]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="result files (default: newest)")
    parser.add_argument("--markdown", action="store_true", help="the assumptions as well")
    args = parser.parse_args(argv)
    if args.files:
        reports = [(json.loads(p.read_text()), p.name) for p in args.files]
    else:
        reports = list(newest_results().values())
    costs = [cost_from(report, source) for report, source in reports]
    for line in table(costs):
        print(line)
    print()
    for cost in costs:
        print(f"- {cost.scenario}: {cost.source}")
    if args.markdown:
        print()
        for name, peak in PEAKS.items():
            print(f"- **{name}**: {peak.per_second:g}/s per {peak.per:,} inhabitants — {peak.why}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
