"""The electronic Meldebescheinigung (§18(3) BMG) from the request to the PDF, with 100,000
residents per town, versus /healthz of the same server in the same run (issue 13).

1. ``prepare`` (``bench/lib/melde_seed.py``): ``load_residents`` adds ``BENCH_MELDE_RESIDENTS``
   (default 100,000) residents to each town's register; 16 adults of Norderstedt whom the register
   matches exactly get an account and a session as the demo BundID gives it (trust level "high").
2. Each client opens the start page once (CSRF cookie and token, as a browser), then runs
   journeys in a closed loop (``bench/lib/melde_journey.py``: seven requests, every redirect
   followed, down to the PDF) — ``--warmup`` seconds discarded, ``--duration`` seconds measured.
3. ``/healthz`` with the same number of clients; then the database: certificates issued, cases
   not approved, drafts left.

Goals: journey p95 ≤ 1.5 s at 16 clients and ≥ 15 certificates/s.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.lib.load import percentile, run_load
from bench.lib.melde_journey import STEPS, JourneyFailed, client_open, journey_run
from bench.lib.server import database_cpu_seconds

from . import Scenario

CLIENTS = 16
PROJECT_DIR = Path(__file__).resolve().parents[2]
GOALS = {"max_p95_s": 1.5, "min_certificates_per_s": 15.0}


def details_file(server) -> Path:
    return server.var_dir / "melde.json"


def melde_seed(server, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bench.lib.melde_seed", *args],
        cwd=PROJECT_DIR,
        env=server.env,
        check=False,
        capture_output=capture,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"melde_seed {args[0]} failed: {result.stderr or ''}")
    return result.stdout or ""


def prepare_with(server, *, citizens: int) -> None:
    residents = os.environ.get("BENCH_MELDE_RESIDENTS", "100000")
    print(f"load_residents --count {residents} per town, {citizens} citizens logged in ...")
    melde_seed(
        server,
        "seed",
        "--details-file",
        str(details_file(server)),
        "--residents",
        residents,
        "--citizens",
        str(citizens),
    )


def _ms(values: list[float]) -> dict:
    ordered = sorted(v * 1000 for v in values)
    if not ordered:
        return {"n": 0}
    return {
        "n": len(ordered),
        "p50_ms": round(percentile(ordered, 0.5), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "p99_ms": round(percentile(ordered, 0.99), 1),
        "max_ms": round(ordered[-1], 1),
    }


async def journeys(base: str, host: str, sessions: list[dict], seconds: float) -> dict:
    """Every client runs journeys until ``seconds`` have passed; a journey under way at the end
    is finished and counted (closed loop)."""
    pairs = await asyncio.gather(*(client_open(base, host=host, session=s) for s in sessions))
    totals: list[float] = []
    steps: dict[str, list[float]] = {name: [] for name in STEPS}
    failures: Counter = Counter()
    samples: list[str] = []
    pdf_bytes: list[int] = []
    per_client: list[int] = [0] * len(pairs)
    started = time.perf_counter()
    client_cpu = time.process_time()
    deadline = started + seconds

    async def client(index, connection, token) -> None:
        while time.perf_counter() < deadline:
            try:
                done = await journey_run(connection, token)
            except JourneyFailed as exc:
                failures[exc.step] += 1
                samples.append(str(exc)[:200])
                continue
            totals.append(done.total)
            per_client[index] += 1
            pdf_bytes.append(done.pdf_bytes)
            for name, value in done.steps.items():
                steps[name].append(value)

    try:
        await asyncio.gather(*(client(i, c, t) for i, (c, t) in enumerate(pairs)))
    finally:
        for connection, _token in pairs:
            connection.close()
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    return {
        "clients": len(sessions),
        "seconds": round(elapsed, 2),
        "certificates": len(totals),
        "certificates_per_s": round(len(totals) / elapsed, 2),
        "requests_per_s": round(len(totals) * len(STEPS) / elapsed, 1),
        "journey": _ms(totals),
        "steps": {name: _ms(values) for name, values in steps.items()},
        "failures": dict(failures),
        "failure_samples": samples[:5],
        "pdf_bytes_mean": round(sum(pdf_bytes) / len(pdf_bytes)) if pdf_bytes else None,
        # Each client keeps one connection, which one server worker accepted: an uneven share of
        # the connections between the workers shows as fast and slow clients.
        "certificates_per_client": sorted(per_client),
        # The load generator's own CPU (this process), which the server does not get.
        "client_cpu_ms_per_certificate": (
            round(client_cpu * 1000 / len(totals), 1) if totals else None
        ),
    }


def run(server, args) -> dict:
    details = json.loads(details_file(server).read_text())
    host, sessions = details["host"], details["sessions"][: args.clients or CLIENTS]
    load_before = os.getloadavg()
    if args.warmup > 0:
        warm = asyncio.run(journeys(server.base_url, host, sessions, args.warmup))
        print(f"warm-up: {warm['certificates']} certificates, failures {warm['failures']}")
    cpu = (server.cpu_seconds(), database_cpu_seconds())
    measured = asyncio.run(journeys(server.base_url, host, sessions, args.duration))
    cpu_after = (server.cpu_seconds(), database_cpu_seconds())
    load_after = os.getloadavg()
    count = measured["certificates"] or 1
    measured["server_cpu_ms_per_certificate"] = round((cpu_after[0] - cpu[0]) * 1000 / count, 1)
    measured["database_cpu_ms_per_certificate"] = round((cpu_after[1] - cpu[1]) * 1000 / count, 1)
    print(f"journeys: {json.dumps(measured)}")
    healthz = run_load(
        name="healthz",
        url=server.base_url + "/healthz",
        host=host,
        clients=len(sessions),
        warmup=2.0,
        duration=min(args.duration, 10.0),
    ).as_dict()
    print(f"healthz: {healthz['rps']} req/s, p95 {healthz['p95_ms']} ms")
    database = json.loads(melde_seed(server, "verify", capture=True).strip().splitlines()[-1])
    p95_s = measured["journey"].get("p95_ms", float("inf")) / 1000
    return {
        "load_average": {"before": load_before, "after_journeys": load_after},
        "register": {k: details[k] for k in ("register_persons", "load_residents_seconds")},
        "summary": {
            "certificates_per_s": measured["certificates_per_s"],
            "journey_p95_ms": measured["journey"].get("p95_ms"),
            "healthz_rps": healthz["rps"],
            "failures": measured["failures"],
        },
        "journeys": measured,
        "healthz": healthz,
        "database": database,
        "ratios": {
            "certificates_per_s/healthz": round(measured["certificates_per_s"] / healthz["rps"], 4),
            "journey_requests_per_s/healthz": round(measured["requests_per_s"] / healthz["rps"], 4),
        },
        "goals": GOALS,
        "verdict": {
            "p95_ok": p95_s <= GOALS["max_p95_s"],
            "certificates_per_s_ok": measured["certificates_per_s"]
            >= GOALS["min_certificates_per_s"],
            "no_failures": not measured["failures"],
        },
    }


SCENARIO = Scenario(
    name="meldebescheinigung",
    description=(
        "Electronic Meldebescheinigung from the request to the PDF (seven requests per journey), "
        "16 citizens logged in at trust level high, 100,000 residents per town; "
        "p95 and certificates/s, ratio to /healthz"
    ),
    targets=lambda server: [],
    prepare=lambda server: prepare_with(server, citizens=CLIENTS),
    goals=GOALS,
    clients=CLIENTS,
    run=run,
)
