"""Appointment release storm: 1,000 clients race for 200 slots released at once, then a sustained
phase on a calendar with 50,000 free slots; versus /healthz of the same server in the same run.

1. ``prepare`` seeds two offices (``bench/lib/release_storm_seed.py``) and sets the proof-of-work
   difficulty ``RATHAUS_POW_MAX_NUMBER`` (``BENCH_POW_MAX_NUMBER``, default 2,000 instead of the
   production default 50,000; printed and written into the results).
2. Every storm client fetches its challenges (``GET /api/v1/challenge``) from its own loopback
   address (127.0.x.y, so each is one citizen for the per-address difficulty) and the benchmark
   solves each of them for real (SHA-256 brute force, two processes) before the release.
3. The storm day becomes bookable at a release time set a few seconds ahead (the office's daily
   release time, as every morning in production). At that moment all clients ``POST
   /api/v1/holds`` for a random time of the day; a client that gets 409 reads the free-slot
   listing and tries a free time with its next solution (at most ``ATTEMPTS`` in all).
4. Sustained phase: ``SUSTAINED_CLIENTS`` clients in a closed loop post holds for random times of
   the 50,000-slot calendar, each with a fresh solved challenge, for ``--duration`` seconds; the
   solutions prepared for it are enough for ``SUSTAINED_RATE_CEILING`` decided requests a second
   over that time (``sustained_solutions_needed``), so the phase ends with its time, not with
   its solutions (a result says so when it did not).
5. The free-slot listing (one day) and ``/healthz`` under the same load generator, then the
   database check: units held by live holds per slot against capacity (oversold units), and the
   ``taken`` counters against the holds.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import os
import random
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.lib.http import Connection, HttpError
from bench.lib.load import percentile, run_load
from bench.lib.server import PhaseCpu

from . import Scenario

HOST = "norderstedt.localhost"
STORM_CLIENTS = 1000
SUSTAINED_CLIENTS = 200
ATTEMPTS = 3  # solutions per storm client: the first pick and two retries from the listing
RELEASE_LEAD_S = 4.0
DEFAULT_POW_MAX_NUMBER = 2000
# The sustained phase's solutions are prepared for this many decided requests a second over its
# whole duration: about twice the best rate measured so far (1,242/s, 2026-11-27), so the phase
# cannot run out of them before its time is up (``BENCH_STORM_SUSTAINED_RATE`` to change it).
SUSTAINED_RATE_CEILING = 1500
PER_ADDRESS = 3  # challenges per source address: the free requests per address and window
PROJECT_DIR = Path(__file__).resolve().parents[2]

GOALS = {
    "min_successful_holds_per_s": 300,
    "min_decided_requests_per_s": 700,
    "max_p95_ms_at_200_clients": 300,
    "max_p99_ms_at_1000_clients": 1500,
    "min_free_slot_listing_rps": 2000,
    "oversold_units": 0,
    "server_errors_5xx": 0,
}


def pow_max_number() -> int:
    return int(os.environ.get("BENCH_POW_MAX_NUMBER", DEFAULT_POW_MAX_NUMBER))


def details_file(server) -> Path:
    return server.var_dir / "release_storm.json"


def _python(server, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bench.lib.release_storm_seed", *args],
        cwd=PROJECT_DIR,
        env=server.env,
        check=False,
        capture_output=capture,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"release_storm_seed {args[0]} failed: {result.stderr or ''}")
    return result.stdout or ""


def prepare(server) -> None:
    server.env["RATHAUS_POW_MAX_NUMBER"] = str(pow_max_number())
    _python(server, "seed", "--details-file", str(details_file(server)))


def raise_fd_limit(needed: int) -> tuple[int, int]:
    """Raise this process's (and so the server's) open-file limit towards the hard limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        soft = min(hard, max(needed, soft)) if hard != resource.RLIM_INFINITY else needed
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


# --- proof-of-work -------------------------------------------------------------------------------
@functools.cache
def _numbers(max_number: int) -> tuple[bytes, ...]:
    return tuple(str(number).encode() for number in range(max_number + 1))


def _solve(challenge: dict) -> str:
    """As a browser does: try numbers until sha256(salt + number) matches.

    Every number is still hashed in turn; only the bookkeeping around the hash is kept small
    (the numbers encoded once per process, the raw digest compared instead of its hex form),
    because preparing tens of thousands of solutions is most of the scenario's set-up time.
    """
    import base64
    import hashlib

    prefix = hashlib.sha256(challenge["salt"].encode())
    target = bytes.fromhex(challenge["challenge"])
    for number, encoded in enumerate(_numbers(challenge["maxnumber"])):
        digest = prefix.copy()
        digest.update(encoded)
        if digest.digest() == target:
            solution = {k: v for k, v in challenge.items() if k != "maxnumber"}
            solution["number"] = number
            return base64.b64encode(json.dumps(solution).encode()).decode()
    raise ValueError("challenge has no solution")


def solve_all(challenges: list[dict]) -> list[str]:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_solve, challenges, chunksize=64))


def sustained_solutions_needed(duration: float, environ=os.environ) -> int:
    """Solutions for the sustained phase: ``BENCH_STORM_SUSTAINED_SOLUTIONS`` if set, otherwise
    enough for ``duration`` seconds at ``BENCH_STORM_SUSTAINED_RATE`` (default
    ``SUSTAINED_RATE_CEILING``) decided requests a second; a whole number of addresses' worth."""
    fixed = environ.get("BENCH_STORM_SUSTAINED_SOLUTIONS")
    if fixed:
        needed = int(fixed)
    else:
        rate = float(environ.get("BENCH_STORM_SUSTAINED_RATE", SUSTAINED_RATE_CEILING))
        needed = math.ceil(duration * rate)
    return PER_ADDRESS * math.ceil(max(needed, 1) / PER_ADDRESS)


def address(index: int, base: int = 0) -> str:
    """A distinct loopback source address per citizen (the whole 127.0.0.0/8 is local)."""
    n = base + index + 2
    return f"127.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def _connection(base_url: str, source: str | None = None) -> Connection:
    """One citizen's keep-alive connection, from ``source`` (a loopback address) if given."""
    return Connection(base_url, host=HOST, source=source, timeout=30)


def _close_all(connections: list[Connection]) -> None:
    for connection in connections:
        connection.close()


async def fetch_challenges(base_url: str, sources: list[str], per_source: int) -> list[list[dict]]:
    gate = asyncio.Semaphore(200)

    async def one(source: str) -> list[dict]:
        async with gate, _connection(base_url, source) as connection:
            found = []
            for _ in range(per_source):
                response = await connection.get("/api/v1/challenge")
                if response.status != 200:
                    raise RuntimeError(f"challenge answered {response.status}")
                found.append(response.json())
            return found

    return await asyncio.gather(*(one(s) for s in sources))


def _hold_body(office: str, service: str, start: str, solution: str) -> dict:
    return {
        "office": office,
        "services": [{"service": service, "count": 1}],
        "start": start,
        "challenge": solution,
    }


def _stats(latencies: list[float]) -> dict:
    ordered = sorted(v * 1000 for v in latencies)
    if not ordered:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "p50_ms": round(percentile(ordered, 0.5), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "p99_ms": round(percentile(ordered, 0.99), 1),
        "max_ms": round(ordered[-1], 1),
    }


# --- storm ---------------------------------------------------------------------------------------
async def storm(base_url: str, details: dict, solutions: list[list[str]], sources, release_at):
    office, service, day = details["office"], details["service"], details["day"]
    starts = details["starts"]
    listing = f"/api/v1/offices/{office}/free-slots"
    listing_params = {"services": service, "from": day, "to": day}
    hold_latencies: list[float] = []
    listing_latencies: list[float] = []
    statuses: Counter = Counter()
    listing_statuses: Counter = Counter()
    errors: list[str] = []
    success_times: list[float] = []
    last_answer = [0.0]
    rng = random.Random(7)
    connections = [_connection(base_url, source) for source in sources]
    release_mono = time.monotonic() + (release_at - datetime.now(UTC)).total_seconds()

    async def client(index: int) -> None:
        connection = connections[index]
        pick = rng.choice(starts)
        await asyncio.sleep(max(0.0, release_mono - time.monotonic()))
        for attempt, solution in enumerate(solutions[index]):
            begin = time.monotonic()
            try:
                response = await connection.post_json(
                    "/api/v1/holds", _hold_body(office, service, pick, solution)
                )
                status = response.status
            except HttpError as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                return
            now = time.monotonic()
            hold_latencies.append(now - begin)
            last_answer[0] = max(last_answer[0], now)
            statuses[status] += 1
            if status == 201:
                success_times.append(now)
                return
            if status != 409 or attempt == len(solutions[index]) - 1:
                return
            begin = time.monotonic()
            try:
                response = await connection.get(listing, params=listing_params)
                free = response.json().get("starts", []) if response.ok else []
                listing_statuses[response.status] += 1
            except HttpError as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                return
            listing_latencies.append(time.monotonic() - begin)
            if not free:
                return  # sold out
            pick = rng.choice(free)

    try:
        await asyncio.gather(*(client(i) for i in range(len(connections))))
    finally:
        _close_all(connections)
    elapsed = max(last_answer[0] - release_mono, 1e-9)
    decided = statuses.get(201, 0) + statuses.get(409, 0)
    holds_window = max((max(success_times) - release_mono) if success_times else 0.0, 1e-9)
    return {
        "clients": len(connections),
        "hold_requests": sum(statuses.values()),
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "listing_status_counts": {str(k): v for k, v in sorted(listing_statuses.items())},
        "errors": len(errors),
        "error_samples": errors[:5],
        "successful_holds": statuses.get(201, 0),
        "decided_requests": decided,
        "seconds_from_release_to_last_answer": round(elapsed, 3),
        "seconds_from_release_to_last_success": round(holds_window, 3),
        "decided_requests_per_s": round(decided / elapsed, 1),
        "successful_holds_per_s": round(statuses.get(201, 0) / holds_window, 1),
        "hold_latency": _stats(hold_latencies),
        "listing_latency": _stats(listing_latencies),
    }


# --- sustained -----------------------------------------------------------------------------------
async def sustained(base_url, details: dict, solutions: list[str], clients: int, duration: float):
    office, service, starts = details["office"], details["service"], details["starts"]
    pool = list(solutions)
    rng = random.Random(11)
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors: list[str] = []
    per_client: list[list[float]] = [[] for _ in range(clients)]
    connections = [_connection(base_url) for _ in range(clients)]
    started = time.monotonic()
    deadline = started + duration

    async def worker(index: int, connection: Connection) -> None:
        while pool and time.monotonic() < deadline:
            body = _hold_body(office, service, rng.choice(starts), pool.pop())
            begin = time.monotonic()
            try:
                response = await connection.post_json("/api/v1/holds", body)
                statuses[response.status] += 1
            except HttpError as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            latencies.append(time.monotonic() - begin)
            per_client[index].append(latencies[-1])

    try:
        await asyncio.gather(*(worker(i, connection) for i, connection in enumerate(connections)))
    finally:
        _close_all(connections)
    elapsed = time.monotonic() - started
    decided = statuses.get(201, 0) + statuses.get(409, 0)
    return {
        "clients": clients,
        "seconds": round(elapsed, 3),
        "seconds_planned": duration,
        # Cut short: the solutions ran out before the time did, so its figures are of a shorter
        # run than asked for (prepare more with BENCH_STORM_SUSTAINED_RATE).
        "ran_out_of_solutions": not pool and elapsed < duration,
        "solutions_left_unused": len(pool),
        "hold_requests": sum(statuses.values()),
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "errors": len(errors),
        "error_samples": errors[:5],
        "successful_holds": statuses.get(201, 0),
        "decided_requests": decided,
        "decided_requests_per_s": round(decided / elapsed, 1),
        "successful_holds_per_s": round(statuses.get(201, 0) / elapsed, 1),
        "hold_latency": _stats(latencies),
        # Each client's mean latency: a wide spread means some connections wait longer than
        # others (e.g. more keep-alive connections on one server worker than on another).
        "client_mean_latency": _stats(
            [sum(values) / len(values) for values in per_client if values]
        ),
    }


def _cpu_per_request(row: dict, before, after, count_field: str) -> None:
    """The server's CPU time (main process and workers, from /proc) per request of one phase."""
    if before is not None and after is not None and row.get(count_field):
        row["server_cpu_ms_per_request"] = round((after - before) * 1000 / row[count_field], 2)


def _fivexx(counts: dict) -> int:
    return sum(n for code, n in counts.items() if str(code).startswith("5"))


def run(server, args) -> dict:
    """The whole scenario against the running server; returns the report's scenario part."""
    limits = raise_fd_limit(4 * STORM_CLIENTS + 1024)
    details = json.loads(details_file(server).read_text())
    base = server.base_url
    duration = args.duration
    sustained_clients = args.clients or SUSTAINED_CLIENTS
    print(
        f"proof-of-work difficulty RATHAUS_POW_MAX_NUMBER={pow_max_number()} "
        f"(production default 50000); open files limit {limits}"
    )

    # Challenges: ATTEMPTS per storm client from its own address; the sustained phase's pool
    # from further addresses, PER_ADDRESS each (the free requests per address and window).
    sustained_needed = sustained_solutions_needed(duration)
    storm_sources = [address(i) for i in range(STORM_CLIENTS)]
    sustained_sources = [address(i, base=10_000) for i in range(sustained_needed // PER_ADDRESS)]
    began = time.monotonic()
    fetched = asyncio.run(fetch_challenges(base, storm_sources, ATTEMPTS))
    fetched_sustained = asyncio.run(fetch_challenges(base, sustained_sources, PER_ADDRESS))
    fetch_s = time.monotonic() - began
    flat = [c for group in fetched for c in group] + [c for g in fetched_sustained for c in g]
    began = time.monotonic()
    solved = solve_all(flat)
    solve_s = time.monotonic() - began
    print(
        f"fetched {len(flat)} challenges ({len(flat) - len(storm_sources) * ATTEMPTS} for the "
        f"sustained phase) in {fetch_s:.1f}s, solved them in {solve_s:.1f}s"
    )
    storm_solutions = [solved[i * ATTEMPTS : (i + 1) * ATTEMPTS] for i in range(STORM_CLIENTS)]
    sustained_solutions = solved[STORM_CLIENTS * ATTEMPTS :]

    release_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=RELEASE_LEAD_S + 1)
    _python(
        server,
        "release",
        "--at",
        release_at.isoformat(),
        "--details-file",
        str(details_file(server)),
    )
    # The storm day is the one the window reaches at the release (it moves across midnight).
    details = json.loads(details_file(server).read_text())
    early = server.status(
        f"/api/v1/offices/{details['storm']['office']}/free-slots?services="
        f"{details['storm']['service']}&from={details['storm']['day']}&to={details['storm']['day']}",
        host=HOST,
    )
    print(f"storm day released at {release_at.isoformat()} (listing before: HTTP {early})")
    cpu = PhaseCpu(server)
    storm_result = asyncio.run(
        storm(base, details["storm"], storm_solutions, storm_sources, release_at)
    )
    cpu.record(storm_result, count_field="hold_requests")
    print(f"storm: {json.dumps(storm_result)}")

    cpu = PhaseCpu(server)
    sustained_result = asyncio.run(
        sustained(base, details["sustained"], sustained_solutions, sustained_clients, duration)
    )
    cpu.record(sustained_result, count_field="hold_requests")
    print(f"sustained: {json.dumps(sustained_result)}")
    if sustained_result["ran_out_of_solutions"]:
        print(
            f"WARNING: the sustained phase ran out of its {len(sustained_solutions)} solutions "
            f"after {sustained_result['seconds']}s of {duration}s"
        )

    listing_day = details["sustained"]["first_day"]
    listing_path = (
        f"/api/v1/offices/{details['sustained']['office']}/free-slots?services="
        f"{details['sustained']['service']}&from={listing_day}&to={listing_day}"
    )
    common = {"host": HOST, "warmup": 2.0, "duration": min(duration, 10.0)}

    def measured(name: str, url: str, clients: int) -> dict:
        marks: list = []
        row = run_load(
            name=name,
            url=url,
            clients=clients,
            before_measure=lambda: marks.append(server.cpu_seconds()),
            **common,
        ).as_dict()
        _cpu_per_request(row, marks[0] if marks else None, server.cpu_seconds(), "requests")
        return row

    listing = measured("free_slots", base + listing_path, sustained_clients)
    healthz = measured("healthz", base + "/healthz", sustained_clients)
    healthz_storm = measured("healthz_1000", base + "/healthz", STORM_CLIENTS)
    for row in (listing, healthz, healthz_storm):
        print(
            f"  {row['name']} ({row['clients']} clients): {row['rps']} req/s, p95 {row['p95_ms']}"
            f", server CPU {row.get('server_cpu_ms_per_request')} ms/request"
        )

    database = json.loads(_python(server, "verify", capture=True).strip().splitlines()[-1])
    base_rps = healthz["rps"] or float("nan")
    base_rps_storm = healthz_storm["rps"] or float("nan")
    fivexx = (
        _fivexx(storm_result["status_counts"])
        + _fivexx(storm_result["listing_status_counts"])
        + _fivexx(sustained_result["status_counts"])
        + _fivexx(listing["status_counts"])
    )
    storm_db = database["sturm"]
    oversold = storm_db["oversold_units"] + database["dauer"]["oversold_units"]
    summary = {
        "storm_successful_holds": storm_result["successful_holds"],
        "storm_slots": storm_db["slots"],
        "oversold_units": oversold,
        "holds_in_database_match_client_count": (
            storm_db["holds"] == storm_result["successful_holds"]
            and database["dauer"]["holds"] == sustained_result["successful_holds"]
        ),
        "taken_matches_holds": storm_db["slots_where_taken_differs_from_holds"] == 0
        and database["dauer"]["slots_where_taken_differs_from_holds"] == 0,
        "server_errors_5xx": fivexx,
        "storm_decided_requests_per_s": storm_result["decided_requests_per_s"],
        "storm_successful_holds_per_s": storm_result["successful_holds_per_s"],
        "storm_hold_p95_ms_at_1000": storm_result["hold_latency"]["p95_ms"],
        "storm_hold_p99_ms_at_1000": storm_result["hold_latency"]["p99_ms"],
        "sustained_decided_requests_per_s": sustained_result["decided_requests_per_s"],
        "sustained_successful_holds_per_s": sustained_result["successful_holds_per_s"],
        "sustained_hold_p95_ms_at_200": sustained_result["hold_latency"]["p95_ms"],
        "sustained_hold_p99_ms_at_200": sustained_result["hold_latency"]["p99_ms"],
        "sustained_ran_out_of_solutions": sustained_result["ran_out_of_solutions"],
        "free_slot_listing_rps": listing["rps"],
        "server_cpu_ms_per_request": {
            "storm_hold": storm_result.get("server_cpu_ms_per_request"),
            "sustained_hold": sustained_result.get("server_cpu_ms_per_request"),
            "free_slot_listing": listing.get("server_cpu_ms_per_request"),
            "healthz": healthz.get("server_cpu_ms_per_request"),
        },
        "healthz_rps_at_200": healthz["rps"],
        "healthz_rps_at_1000": healthz_storm["rps"],
    }
    ratios = {
        "storm_decided_per_s/healthz_1000": round(
            storm_result["decided_requests_per_s"] / base_rps_storm, 3
        ),
        "storm_holds_per_s/healthz_1000": round(
            storm_result["successful_holds_per_s"] / base_rps_storm, 3
        ),
        "sustained_decided_per_s/healthz": round(
            sustained_result["decided_requests_per_s"] / base_rps, 3
        ),
        "sustained_holds_per_s/healthz": round(
            sustained_result["successful_holds_per_s"] / base_rps, 3
        ),
        "free_slots/healthz": round(listing["rps"] / base_rps, 3),
        "storm_hold_p99/healthz_1000_p99": round(
            (storm_result["hold_latency"]["p99_ms"] or 0) / healthz_storm["p99_ms"], 2
        ),
        "sustained_hold_p95/healthz_p95": round(
            (sustained_result["hold_latency"]["p95_ms"] or 0) / healthz["p95_ms"], 2
        ),
    }
    best_holds = max(
        summary["storm_successful_holds_per_s"], summary["sustained_successful_holds_per_s"]
    )
    best_decided = max(
        summary["storm_decided_requests_per_s"], summary["sustained_decided_requests_per_s"]
    )
    verdict = {
        "successful_holds_per_s_ok": best_holds >= GOALS["min_successful_holds_per_s"],
        "decided_requests_per_s_ok": best_decided >= GOALS["min_decided_requests_per_s"],
        "p95_at_200_ok": (summary["sustained_hold_p95_ms_at_200"] or 1e9)
        <= GOALS["max_p95_ms_at_200_clients"],
        "p99_at_1000_ok": (summary["storm_hold_p99_ms_at_1000"] or 1e9)
        <= GOALS["max_p99_ms_at_1000_clients"],
        "free_slot_listing_ok": listing["rps"] >= GOALS["min_free_slot_listing_rps"],
        "no_oversold_units": oversold == 0,
        "no_5xx": fivexx == 0,
    }
    return {
        "proof_of_work": {
            "RATHAUS_POW_MAX_NUMBER": pow_max_number(),
            "production_default": 50_000,
            "challenges_solved": len(solved),
            "sustained_solutions": len(sustained_solutions),
            "fetch_seconds": round(fetch_s, 1),
            "solve_seconds": round(solve_s, 1),
        },
        "open_files_limit": list(limits),
        "storm": storm_result,
        "sustained": sustained_result,
        "free_slot_listing": listing,
        "healthz": healthz,
        "healthz_1000": healthz_storm,
        "database": database,
        "summary": summary,
        "ratios": ratios,
        "goals": GOALS,
        "verdict": verdict,
    }


SCENARIO = Scenario(
    name="release_storm",
    description=(
        "1,000 clients race for 200 appointment slots released at once (real proof-of-work, "
        "lowered difficulty), then 200 clients on a calendar with 50,000 free slots; "
        "free-slot listing; ratios to /healthz of the same server"
    ),
    targets=lambda server: [],
    prepare=prepare,
    goals=GOALS,
    clients=SUSTAINED_CLIENTS,
    run=run,
)
