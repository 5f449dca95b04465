"""Back-office inbox and search with 200,000 cases, versus /healthz of the same server.

``prepare`` seeds the cases (``bench/lib/inbox_seed.py``, ``BENCH_INBOX_CASES`` to change the
number) and runs EXPLAIN ANALYZE on the inbox's queries (``bench/lib/inbox_explain.py``; set
``BENCH_INBOX_EXPLAIN=0`` to skip), writing ``bench/results/inbox-explain-<timestamp>.json``.
``targets`` logs the Norderstedt demo clerk in over HTTP (password, then the TOTP code computed
from the demo device's key) and measures the pages with that session. A back office has few
clerks working at once: 8 clients by default.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench.lib.inbox_cpu import target_paths
from bench.lib.staff_login import staff_login

from . import Scenario, Target

HOST = "norderstedt.localhost"
PROJECT_DIR = Path(__file__).resolve().parents[2]
RESULTS_DIR = PROJECT_DIR / "bench" / "results"


def details_file(server) -> Path:
    return server.var_dir / "inbox_details.json"


def _python(server, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT_DIR, env=server.env, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:1])} failed with exit code {result.returncode}")


def prepare(server) -> None:
    cases = os.environ.get("BENCH_INBOX_CASES", "200000")
    path = details_file(server)
    print(f"seeding {cases} cases ...")
    _python(server, "bench.lib.inbox_seed", "--cases", cases, "--details-file", str(path))
    details = json.loads(path.read_text())
    details["host"] = HOST
    details["paths"] = target_paths(details["search"])
    path.write_text(json.dumps(details, indent=2) + "\n")
    print(f"seeded: {json.dumps(details['seed'])}")
    if os.environ.get("BENCH_INBOX_EXPLAIN", "1") != "0":
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        output = RESULTS_DIR / f"inbox-explain-{stamp}.json"
        print(f"EXPLAIN ANALYZE of the inbox queries -> {output.relative_to(PROJECT_DIR)}")
        _python(
            server,
            "bench.lib.inbox_explain",
            "--details-file",
            str(path),
            "--output",
            str(output),
            "--quiet",
        )


def targets(server) -> list[Target]:
    details = json.loads(details_file(server).read_text())
    login = details["login"]
    cookies = staff_login(
        base_url=server.base_url,
        host=HOST,
        email=login["email"],
        password=login["password"],
        totp_key_hex=login["totp_key_hex"],
        step=login["totp_step"],
        digits=login["totp_digits"],
        t0=login["totp_t0"],
    )
    session = tuple(sorted(cookies.items()))
    return [
        *(
            # The goal is the inbox's: its first page, filter and searches. The case page is
            # measured beside them for information.
            Target(name=name, path=path, host=HOST, cookies=session, goal=name != "case_page")
            for name, path in details["paths"].items()
        ),
        Target(name="healthz", path="/healthz", host=HOST, baseline=True),
    ]


SCENARIO = Scenario(
    name="inbox",
    description=(
        "Back-office inbox (first page, status filter), search by reference and by name, and the "
        "case page, 200,000 cases, logged-in clerk, versus /healthz; 8 clients"
    ),
    targets=targets,
    prepare=prepare,
    goals={"max_p95_ms": 100.0},
    clients=8,
)
