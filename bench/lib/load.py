"""A small closed-loop HTTP load generator for loopback benchmarks.

Each of ``clients`` workers holds one keep-alive connection (``bench/lib/http.py``, plain asyncio:
the generator shares the cores with the server, so it must be cheap per request), sends one
request, waits for the full response, records the latency and sends the next one. A run is
bounded twice: by ``duration`` seconds and by ``max_requests``; it always stops by itself. Only
loopback targets are accepted.
"""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from bench.lib.http import Connection, HttpError, ensure_loopback

DEFAULT_MAX_REQUESTS = 1_000_000


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list: the smallest value such that at least
    ``fraction`` of all values are less than or equal to it."""
    if not sorted_values:
        raise ValueError("percentile of an empty list")
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    rank = math.ceil(fraction * len(sorted_values))
    return sorted_values[rank - 1]


@dataclass
class LoadResult:
    """Latencies in milliseconds; ``rps`` counts completed requests (any status) per second."""

    name: str
    url: str
    host: str
    clients: int
    duration_s: float
    requests: int
    errors: int
    status_counts: dict[str, int]
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    error_samples: list[str] = field(default_factory=list)
    client_cpu_share: float | None = None  # CPU seconds of the load generator per wall second
    # Each client's (connection's) mean latency, slowest and fastest: far apart when the server
    # gave some keep-alive connections more waiting than others (e.g. more on one worker).
    client_mean_ms_max: float | None = None
    client_mean_ms_min: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def summarise(
    *,
    name: str,
    url: str,
    host: str,
    clients: int,
    duration_s: float,
    latencies_s: list[float],
    statuses: Counter,
    errors: list[str],
) -> LoadResult:
    ordered = sorted(value * 1000 for value in latencies_s)
    empty = not ordered
    return LoadResult(
        name=name,
        url=url,
        host=host,
        clients=clients,
        duration_s=round(duration_s, 3),
        requests=len(ordered),
        errors=len(errors),
        status_counts={str(code): count for code, count in sorted(statuses.items())},
        rps=round(len(ordered) / duration_s, 1) if duration_s > 0 else 0.0,
        p50_ms=math.nan if empty else round(percentile(ordered, 0.50), 2),
        p95_ms=math.nan if empty else round(percentile(ordered, 0.95), 2),
        p99_ms=math.nan if empty else round(percentile(ordered, 0.99), 2),
        mean_ms=math.nan if empty else round(statistics.fmean(ordered), 2),
        max_ms=math.nan if empty else round(ordered[-1], 2),
        error_samples=errors[:5],
    )


async def _run(
    *,
    url: str,
    host: str,
    clients: int,
    duration: float,
    max_requests: int,
    timeout: float,
    record: bool,
    cookies: dict[str, str] | None = None,
    rotate: tuple[str, ...] = (),
) -> tuple[float, list[float], Counter, list[str], list[float]]:
    latencies: list[float] = []
    client_means: list[float] = []
    statuses: Counter = Counter()
    errors: list[str] = []
    sent = 0
    parts = urlsplit(url)
    base_url = f"{parts.scheme}://{parts.netloc}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    paths = tuple(rotate) or (target,)
    # One connection per client, as a browser keeps one; a logged-in client sends fixed cookies.
    connections = [
        Connection(base_url, host=host, cookies=cookies, timeout=timeout) for _ in range(clients)
    ]
    started = time.perf_counter()
    deadline = started + duration

    async def worker(connection: Connection) -> None:
        nonlocal sent
        own: list[float] = []
        while time.perf_counter() < deadline and sent < max_requests:
            path = paths[sent % len(paths)]
            sent += 1
            begin = time.perf_counter()
            try:
                status = (await connection.get(path)).status
            except HttpError as exc:
                if record:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            if record:
                latencies.append(time.perf_counter() - begin)
                own.append(latencies[-1])
                statuses[status] += 1
        if own:
            client_means.append(statistics.fmean(own))

    try:
        await asyncio.gather(*(worker(connection) for connection in connections))
    finally:
        for connection in connections:
            connection.close()
        await asyncio.sleep(0)  # let the transports finish closing before the loop ends
    elapsed = time.perf_counter() - started
    return elapsed, latencies, statuses, errors, client_means


def run_load(
    *,
    name: str,
    url: str,
    host: str,
    clients: int = 32,
    warmup: float = 5.0,
    duration: float = 20.0,
    max_requests: int = DEFAULT_MAX_REQUESTS,
    timeout: float = 10.0,
    before_measure=None,
    cookies: dict[str, str] | None = None,
    rotate: tuple[str, ...] = (),
) -> LoadResult:
    """Warm up (results discarded), then measure for ``duration`` seconds.

    ``before_measure`` (optional, no arguments) is called between warm-up and measurement, e.g. to
    read the server's CPU counters. ``cookies`` (optional) are sent with every request, e.g. a
    logged-in session. ``rotate`` (optional): paths (with query) the requests go through in turn
    instead of ``url``'s, on the same server."""
    ensure_loopback(url)
    if clients < 1 or duration <= 0:
        raise ValueError("clients must be >= 1 and duration > 0")
    common = {
        "url": url,
        "host": host,
        "clients": clients,
        "timeout": timeout,
        "cookies": cookies,
        "rotate": tuple(rotate),
    }
    if warmup > 0:
        asyncio.run(_run(duration=warmup, max_requests=max_requests, record=False, **common))
    if before_measure is not None:
        before_measure()
    cpu_before = time.process_time()
    elapsed, latencies, statuses, errors, client_means = asyncio.run(
        _run(duration=duration, max_requests=max_requests, record=True, **common)
    )
    client_cpu = time.process_time() - cpu_before
    result = summarise(
        name=name,
        url=url,
        host=host,
        clients=clients,
        duration_s=elapsed,
        latencies_s=latencies,
        statuses=statuses,
        errors=errors,
    )
    result.client_cpu_share = round(client_cpu / elapsed, 2) if elapsed > 0 else None
    if client_means:
        result.client_mean_ms_max = round(max(client_means) * 1000, 2)
        result.client_mean_ms_min = round(min(client_means) * 1000, 2)
    return result
