"""Run a benchmark scenario against a production-like server on loopback.

    python bench/run.py --scenario pages [--duration 20] [--warmup 5] [--clients 32]

Writes bench/results/<scenario>-<timestamp>.json and prints a table. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench import scenarios  # noqa: E402
from bench.lib.load import run_load  # noqa: E402
from bench.lib.server import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    RUNTIME_MODES,
    SERVERS,
    BenchServer,
    database_cpu_seconds,
)

RESULTS_DIR = PROJECT_DIR / "bench" / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="pages", choices=scenarios.SCENARIOS)
    parser.add_argument(
        "--clients", type=int, default=None, help="concurrent clients (scenario default: 32)"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds per target")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per target")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="cap per target")
    parser.add_argument(
        "--server", default="granian", choices=SERVERS, help="WSGI server (production: granian)"
    )
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument(
        "--instances",
        type=int,
        default=1,
        help="identical server processes behind the proxy, each on its own port (needs --proxy)",
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    parser.add_argument(
        "--runtime-mode",
        default="st",
        choices=RUNTIME_MODES,
        help="Granian's Rust runtime: st (single-threaded, as in production) or mt",
    )
    parser.add_argument(
        "--proxy",
        choices=("nginx",),
        default=None,
        help="put a reverse proxy in front of the server, as in production (bench/lib/proxy.py)",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument(
        "--only", action="append", default=[], help="run only the named target (repeatable)"
    )
    parser.add_argument("--no-redis", action="store_true", help="use local task and cache stores")
    return parser.parse_args(argv)


def _fmt(value: float) -> str:
    return (
        "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value}"
    )


def print_table(results: list[dict], ratios: dict[str, float], goals: dict) -> None:
    header = f"{'target':<14} {'path':<32} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
    header += (
        f"{'p99 ms':>8} {'errors':>6} {'non-2xx':>7} {'srv cpu ms/req':>14} {'client cpu':>10}"
    )
    print(header)
    print("-" * len(header))
    for row in results:
        non_ok = sum(n for code, n in row["status_counts"].items() if not code.startswith("2"))
        print(
            f"{row['name']:<14} {row['path']:<32} {row['rps']:>8} {_fmt(row['p50_ms']):>8} "
            f"{_fmt(row['p95_ms']):>8} {_fmt(row['p99_ms']):>8} {row['errors']:>6} {non_ok:>7} "
            f"{_fmt(row.get('server_cpu_ms_per_request')):>14} {_fmt(row['client_cpu_share']):>10}"
        )
    for name, ratio in ratios.items():
        print(f"ratio {name}: {ratio}")
    if goals:
        print(f"goals: {goals}")


def judge(results: list[dict], goals: dict) -> tuple[dict[str, float], dict[str, bool]]:
    """The ratio of each target's requests/s to the baseline's, and the verdict on the goals:
    p95 of every target the goals apply to (``Target.goal``) and, if asked, every ratio."""
    baseline = next((r for r in results if r["baseline"]), None)
    ratios = {}
    if baseline and baseline["rps"]:
        for row in results:
            if not row["baseline"]:
                ratios[f"{row['name']}/{baseline['name']}"] = round(row["rps"] / baseline["rps"], 3)
    verdict = {}
    if goals:
        judged = [r for r in results if r["goal"] and not r["baseline"]]
        verdict = {"p95_ok": all(r["p95_ms"] < goals["max_p95_ms"] for r in judged)}
        if "min_ratio_to_baseline" in goals:
            verdict["ratio_ok"] = bool(ratios) and all(
                ratios[f"{r['name']}/{baseline['name']}"] >= goals["min_ratio_to_baseline"]
                for r in judged
            )
    return ratios, verdict


def run_self(scenario, server, args) -> int:
    """A scenario with its own ``run`` (e.g. release_storm): it measures, this writes the JSON."""
    with server:
        server.start()
        print(f"{server.description} on {server.base_url}")
        fields = scenario.run(server, args)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "scenario": scenario.name,
        "description": scenario.description,
        "timestamp": stamp,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "server": {
            "kind": server.kind,
            "workers": args.workers,
            "threads": args.threads,
            "runtime_mode": server.runtime_mode if server.kind == "granian" else None,
            "proxy": server.proxy,
            "instances": server.instances,
            "settings": "rathaus.settings.production",
            "database": "postgresql",
            "redis": bool(server.redis_url),
        },
        **fields,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{scenario.name}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    shown = {key: report[key] for key in ("summary", "ratios", "verdict") if key in report}
    print(json.dumps(shown, indent=2))
    print(f"written: {path.relative_to(PROJECT_DIR)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scenario = scenarios.load(args.scenario)
    args.clients = args.clients or scenario.clients
    server = BenchServer(
        kind=args.server,
        workers=args.workers,
        threads=args.threads,
        runtime_mode=args.runtime_mode,
        proxy=args.proxy,
        instances=args.instances,
        database_url=args.database_url,
        redis_url=None if args.no_redis else os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
    )
    server.prepare()
    scenario.prepare(server)
    results: list[dict] = []
    if scenario.run is not None:
        return run_self(scenario, server, args)
    with server:
        server.start()
        targets = [t for t in scenario.targets(server) if not args.only or t.name in args.only]
        print(
            f"{server.description} on {server.base_url}; "
            f"{args.clients} clients, {args.warmup}s warm-up + {args.duration}s per target"
        )
        for target in targets:
            cookies = dict(target.cookies) or None
            status = server.status(target.path, host=target.host, cookies=cookies)
            if status != 200:
                raise SystemExit(f"{target.name} {target.path} answers {status}, not 200")
            cpu_marks: list[tuple[float | None, float | None]] = []
            result = run_load(
                before_measure=lambda marks=cpu_marks: marks.append(
                    (server.cpu_seconds(), database_cpu_seconds())
                ),
                name=target.name,
                url=server.base_url + target.path,
                host=target.host,
                clients=args.clients,
                warmup=args.warmup,
                duration=args.duration,
                max_requests=args.max_requests,
                cookies=cookies,
                rotate=target.rotate,
            ).as_dict()
            after = (server.cpu_seconds(), database_cpu_seconds())
            # Server (and proxy) CPU, and PostgreSQL's, per request of the measured run: what a
            # request costs in core-milliseconds, the figure the sizing in bench/README.md uses.
            for name, before, end in zip(("server", "database"), cpu_marks[0], after, strict=True):
                if before is not None and end is not None and result["requests"]:
                    result[f"{name}_cpu_ms_per_request"] = round(
                        (end - before) * 1000 / result["requests"], 2
                    )
            result["path"] = target.path
            result["baseline"] = target.baseline
            result["goal"] = target.goal
            results.append(result)
            print(f"  {target.name}: {result['rps']} req/s, p95 {result['p95_ms']} ms")

    goals = scenario.goals
    ratios, verdict = judge(results, goals)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "scenario": scenario.name,
        "description": scenario.description,
        "timestamp": stamp,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "server": {
            "kind": server.kind,
            "workers": args.workers,
            "threads": args.threads,
            "runtime_mode": server.runtime_mode if server.kind == "granian" else None,
            "proxy": server.proxy,
            "instances": server.instances,
            "settings": "rathaus.settings.production",
            "database": "postgresql",
            "redis": bool(server.redis_url),
        },
        "load": {"clients": args.clients, "warmup_s": args.warmup, "duration_s": args.duration},
        "results": results,
        "ratios": ratios,
        "goals": goals,
        "verdict": verdict,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{scenario.name}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print()
    print_table(results, ratios, goals)
    print(f"verdict: {verdict}")
    print(f"written: {path.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"took {time.monotonic() - started:.0f}s")
    sys.exit(code)
