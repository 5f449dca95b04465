"""The postal-vote rush: an election with 60,000 voters and two loads of online applications
(one POST each, without an account), versus /healthz of the same server in the same run.

1. ``prepare`` creates the election and imports its voter register of ``BENCH_BRIEFWAHL_VOTERS``
   (default 60,000) through the CSV import (``bench/lib/briefwahl_seed.py``).
2. Each client GETs the application page once (CSRF cookie and token, as a browser does).
3. **Surge** (the days after the polling cards arrive): every application is a different voter,
   an exact match — accepted by the system's rule.
4. **Final-hour rush**: a mix of new voters (60 %), repeat applications of voters who applied
   already (25 %, told that one exists) and near matches (15 %, an umlaut dropped: to the clerk
   queue), all at once from every client.
5. ``/healthz`` with the same number of clients, then the database check: no voter with two
   accepted applications; the candidate lists are approved and every Wahlschein issued through
   the service; no voter with two valid Wahlscheine.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from bench.lib.briefwahl_seed import APPLICATION_ANSWERS, near_fields, voter_fields
from bench.lib.http import Connection, HttpError
from bench.lib.load import run_load
from bench.lib.server import PhaseCpu

from . import Scenario

HOST = "norderstedt.localhost"
CLIENTS = 64
PROJECT_DIR = Path(__file__).resolve().parents[2]
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
GOALS = {"min_applications_per_s": 300, "server_errors_5xx": 0, "duplicate_wahlscheine": 0}


def details_file(server) -> Path:
    return server.var_dir / "briefwahl.json"


def _python(server, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bench.lib.briefwahl_seed", *args],
        cwd=PROJECT_DIR,
        env=server.env,
        check=False,
        capture_output=capture,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"briefwahl_seed {args[0]} failed: {result.stderr or ''}")
    return result.stdout or ""


def prepare(server) -> None:
    voters = os.environ.get("BENCH_BRIEFWAHL_VOTERS", "60000")
    _python(server, "seed", "--details-file", str(details_file(server)), "--voters", voters)


def _stats(latencies: list[float]) -> dict:
    ordered = sorted(v * 1000 for v in latencies)
    if not ordered:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}

    def rank(fraction):
        return round(ordered[max(0, int(len(ordered) * fraction + 0.999999) - 1)], 1)

    return {"p50_ms": rank(0.5), "p95_ms": rank(0.95), "p99_ms": rank(0.99)}


async def _client(base: str, path: str, timeout: float = 10.0) -> tuple[Connection, str]:
    """A browser's first visit: the form's CSRF token and cookie; then a connection sending it."""
    async with Connection(base, host=HOST, timeout=timeout) as first:
        response = await first.get(path)
    cookie = response.headers.get("set-cookie", "")
    match = re.search(r"csrftoken=([^;]+)", cookie)
    token = TOKEN.search(response.body)
    if response.status != 200 or match is None or token is None:
        raise RuntimeError(f"application page answered {response.status} without a CSRF token")
    connection = Connection(base, host=HOST, cookies={"csrftoken": match.group(1)}, timeout=timeout)
    return connection, token.group(1).decode()


def _body(token: str, fields: dict) -> bytes:
    return urlencode({"csrfmiddlewaretoken": token, **fields, **APPLICATION_ANSWERS}).encode()


async def phase(
    base,
    path,
    clients,
    work: list[tuple[str, int, dict]],
    duration: float,
    accepted: list[int],
    stop: asyncio.Event | None = None,
    on_answer=None,
    timeout: float = 10.0,
) -> dict:
    """Send the ``work`` (kind, voter index, form fields) from ``clients`` connections until it is
    done, ``duration`` has passed or ``stop`` is set; the indices of new voters answered with the
    confirmation's redirect go to ``accepted``. ``on_answer(status)`` (optional) is called after
    each request, with None for a request that got no answer (tests/system counts them in time).
    ``timeout`` bounds each request in seconds."""
    pairs = await asyncio.gather(*(_client(base, path, timeout) for _ in range(clients)))
    queue = list(reversed(work))
    latencies: list[float] = []
    statuses: Counter = Counter()
    by_kind: Counter = Counter()
    errors: list[str] = []
    started = time.monotonic()
    deadline = started + duration

    async def worker(connection: Connection, token: str) -> None:
        while queue and time.monotonic() < deadline and not (stop and stop.is_set()):
            kind, index, fields = queue.pop()
            begin = time.monotonic()
            try:
                response = await connection.request(
                    "POST", path, _body(token, fields), "application/x-www-form-urlencoded"
                )
            except HttpError as exc:
                errors.append(str(exc)[:200])
                if on_answer is not None:
                    on_answer(None)
                continue
            if on_answer is not None:
                on_answer(response.status)
            latencies.append(time.monotonic() - begin)
            statuses[response.status] += 1
            by_kind[f"{kind}:{response.status}"] += 1
            if kind == "new" and response.status == 302:
                accepted.append(index)

    try:
        await asyncio.gather(*(worker(c, t) for c, t in pairs))
    finally:
        for connection, _token in pairs:
            connection.close()
    elapsed = time.monotonic() - started
    count = sum(statuses.values())
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "applications": count,
        "applications_per_s": round(count / elapsed, 1),
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "by_kind_and_status": dict(sorted(by_kind.items())),
        "errors": len(errors),
        "error_samples": errors[:5],
        "latency": _stats(latencies),
    }


def run(server, args) -> dict:
    details = json.loads(details_file(server).read_text())
    base = server.base_url
    path = f"/briefwahl/{details['election']}/antrag/"
    clients = args.clients or CLIENTS
    duration = args.duration
    voters = details["voters"]
    print(f"voter register: {details}")

    surge_count = min(voters // 2, 20_000)
    surge_work = [("new", i, voter_fields(i)) for i in range(1, surge_count + 1)]
    applied: list[int] = []
    cpu = PhaseCpu(server)
    surge = asyncio.run(phase(base, path, clients, surge_work, duration, applied))
    cpu.record(surge, count_field="applications", per="application")
    print(f"surge: {json.dumps(surge)}")

    rng = random.Random(7)
    fresh = iter(range(surge_count + 1, voters + 1))
    rush_work = []
    for _ in range(min(voters - surge_count, 20_000)):
        roll = rng.random()
        if roll < 0.25:
            index = rng.choice(applied)
            rush_work.append(("repeat", index, voter_fields(index)))
        elif roll < 0.40:
            index = next(fresh)
            rush_work.append(("near", index, near_fields(index)))
        else:
            index = next(fresh)
            rush_work.append(("new", index, voter_fields(index)))
    cpu = PhaseCpu(server)
    rush = asyncio.run(phase(base, path, clients, rush_work, duration, []))
    cpu.record(rush, count_field="applications", per="application")
    print(f"final-hour rush: {json.dumps(rush)}")

    healthz = run_load(
        name="healthz",
        url=base + "/healthz",
        clients=clients,
        host=HOST,
        warmup=2.0,
        duration=min(duration, 10.0),
    ).as_dict()
    print(f"healthz: {healthz['rps']} req/s, p95 {healthz['p95_ms']} ms")
    database = json.loads(_python(server, "verify", capture=True).strip().splitlines()[-1])
    fivexx = sum(
        n
        for phase_result in (surge, rush)
        for code, n in phase_result["status_counts"].items()
        if code.startswith("5")
    )
    # The goal holds for both loads, the surge and the final-hour rush.
    slowest = min(surge["applications_per_s"], rush["applications_per_s"])
    duplicates = database["voters_with_more_than_one_valid_wahlschein"]
    return {
        "load_average_at_end": os.getloadavg(),
        "register": details,
        "surge": surge,
        "rush": rush,
        "healthz": healthz,
        "database": database,
        "ratios": {
            "surge_per_s/healthz": round(surge["applications_per_s"] / healthz["rps"], 3),
            "rush_per_s/healthz": round(rush["applications_per_s"] / healthz["rps"], 3),
        },
        "goals": GOALS,
        "verdict": {
            "applications_per_s_ok": slowest >= GOALS["min_applications_per_s"],
            "no_5xx": fivexx == 0,
            "no_duplicate_wahlscheine": duplicates == 0
            and database["voters_with_more_than_one_accepted_application"] == 0,
        },
    }


SCENARIO = Scenario(
    name="briefwahl",
    description=(
        "Postal-vote applications against an election of 60,000 voters: the surge after the "
        "polling cards (all new voters), the final-hour rush (new, repeated and near-match "
        "applications); zero duplicate Wahlscheine, zero 5xx; ratio to /healthz"
    ),
    targets=lambda server: [],
    prepare=prepare,
    goals=GOALS,
    clients=CLIENTS,
    run=run,
)
