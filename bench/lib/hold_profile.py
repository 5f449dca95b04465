"""CPU per appointment hold (``POST /api/v1/holds``), in-process, for this process and its
PostgreSQL backend.

Runs against a database the release-storm benchmark left behind (``rathaus_bench_storm``: office
``dauer`` of Norderstedt with its 50,760 free slots), with the production settings and fresh random
keys, so each run takes ``--count`` free slots of that calendar::

    .venv/bin/python -m bench.lib.hold_profile --count 600
    .venv/bin/python -m bench.lib.hold_profile --src /tmp/other-checkout/src   # another version

Each hold is one POST through the Django test client with a freshly solved challenge, after
``close_old_connections()`` as at the start of every real request (so the connection health check
runs as in production). Then each time just taken is asked for again with a fresh solution: a
refusal (409), the other half of the "decided" requests. Prints the statements of one hold and of
one refusal, then per hold and per refusal: this process's CPU and the CPU of its PostgreSQL
backend (from ``/proc/<pid>/stat``, so other processes on the machine do not count), and wall
time; with ``--profile FILE`` a cProfile of the second half of each (``FILE.hold.txt``,
``FILE.refusal.txt``: cumulative and own time; ``.prof`` beside them). CPU time, not wall time,
is what to compare on a shared machine: run two versions in alternating turns.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import sys
import time
from pathlib import Path

from bench.lib.profiling import cpu_profile

HOST = "norderstedt.localhost"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/rathaus_bench_storm"


def _environment(database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="rathaus.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        DATABASE_URL=database_url,
        RATHAUS_ENCRYPTION_KEYS="bench:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        RATHAUS_HASH_KEY=secrets.token_urlsafe(32),
        RATHAUS_VAR_DIR="/tmp/hold-profile-var",
        RATHAUS_NO_VIRUS_SCANNER="1",
        SECURE_SSL_REDIRECT="0",
        RATHAUS_POW_MAX_NUMBER="2000",
    )


def _ticks(pid: int) -> int:
    """User + system CPU of a process, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


def run(*, count: int, profile_file: str | None) -> dict:
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rathaus.appointments import challenge as pow_
    from rathaus.appointments.models import Office, Slot
    from rathaus.tenants.models import Municipality

    berlin = ZoneInfo("Europe/Berlin")
    town = Municipality.objects.get(slug="norderstedt")
    office = Office.objects.get(slug="dauer", municipality=town)
    free = list(
        Slot.objects.filter(office=office, taken=0)
        .order_by("?")
        .values_list("start", flat=True)[: count + 60]
    )
    # A solution for each hold, and one for each refusal: the refusals ask again for the
    # times the measured holds took, so each is a clean 409 (a spent solution, a full slot).
    refusals = count - 51
    solutions = [
        pow_.challenge_solve(
            pow_.challenge_create(municipality=town, client_address=f"127.1.{i // 250}.{i % 250}")
        )
        for i in range(count + 60 + refusals)
    ]
    client = Client(HTTP_HOST=HOST)

    def post(index: int, solution: int | None = None):
        close_old_connections()  # what Django does when a request starts
        body = {
            "office": "dauer",
            "services": [{"service": "anmeldung", "count": 1}],
            "start": free[index].astimezone(berlin).isoformat(),
            "challenge": solutions[index if solution is None else solution],
        }
        return client.post("/api/v1/holds", json.dumps(body), content_type="application/json")

    def refuse(index: int):
        return post(index, solution=count + 60 + index - 51)

    for index in range(50):  # warm: caches, prepared statements
        answer = post(index)
    assert answer.status_code == 201, answer.content
    with CaptureQueriesContext(connection) as queries:
        answer = post(50)
    statements = [query["sql"][:140] for query in queries.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def measure(request, indexes) -> dict:
        cpu, wall, server = time.process_time(), time.perf_counter(), _ticks(backend)
        statuses = [request(index).status_code for index in indexes]
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        server = (_ticks(backend) - server) / tick
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] == backend, "the connection was replaced while measuring"
        return {
            "requests": len(statuses),
            "statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
            "process_cpu_ms": round(1000 * cpu / len(statuses), 3),
            "postgres_cpu_ms": round(1000 * server / len(statuses), 3),
            "wall_ms": round(1000 * wall / len(statuses), 3),
        }

    half = 51 + (count - 51) // 2 if profile_file else count
    result = {"statements": statements, "hold": measure(post, range(51, half))}
    with CaptureQueriesContext(connection) as queries:
        answer = refuse(51)
    assert answer.status_code == 409, answer.content
    result["refusal_statements"] = [query["sql"][:140] for query in queries.captured_queries]
    result["refusal"] = measure(refuse, range(52, half))
    if profile_file:
        for kind, request in (("hold", post), ("refusal", refuse)):
            text = cpu_profile(
                lambda request=request: [request(index) for index in range(half, count)],
                top=70,
                dump=f"{profile_file}.{kind}.prof",
            )
            Path(f"{profile_file}.{kind}.txt").write_text(text)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--src", default="src", help="the source folder of the version to run")
    parser.add_argument("--profile", help="write a cProfile of the second half to this file")
    args = parser.parse_args()
    _environment(args.database_url)
    sys.path.insert(0, str(Path(args.src).resolve()))
    result = run(count=args.count, profile_file=args.profile)
    for kind in ("statements", "refusal_statements"):
        print(f"{kind}:")
        for statement in result.pop(kind):
            print("  ", statement)
    print(json.dumps({"src": args.src, **result}))


if __name__ == "__main__":
    main()
