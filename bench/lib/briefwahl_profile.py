"""Profile postal-vote applications in-process, on a database seeded like the benchmark's.

Run in the benchmark server's environment after ``briefwahl_seed seed`` (same database, same
keys)::

    python -m bench.lib.briefwahl_profile --details-file var/bench/briefwahl.json --count 300

Each application is one POST of the application form through the Django test client (CSRF
enforced; a new browser each time, with only the CSRF cookie and token, as the load generator
sends them). The kinds of the final-hour rush are measured one after the other (``--kinds``):

* ``exact``: a voter no application has used yet, an exact match accepted by the system (the
  surge's only kind; 60 % of the rush): answered with the confirmation's redirect;
* ``duplicate``: a voter accepted earlier in this run applies again (25 % of the rush): answered
  with the page saying that an application exists;
* ``near``: a voter not used yet, the umlaut of the family name typed without its dots (15 % of
  the rush): stored for the clerk queue, answered with the confirmation's redirect.

For each kind it prints the functions that took the most time (cProfile on CPU time, cumulative
and own time; ``--top 0`` for none) and the statements of one application, then one JSON line:
wall and CPU time per application and statements per kind, and the CPU of the rush's mix. New
voters start after the highest voter number that has an application (``--first-voter`` to
choose), so the profile can be run again on the same database. Nothing here changes how the
application runs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.lib.profiling import cpu_profile

HOST = "norderstedt.localhost"
FORM_TYPE = "application/x-www-form-urlencoded"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KINDS = ("exact", "duplicate", "near")
# The final-hour rush's mix (bench/scenarios/briefwahl.py): new voters, repeats, near matches.
RUSH_MIX = {"exact": 0.60, "duplicate": 0.25, "near": 0.15}
# The answer each kind gets: the confirmation's redirect, or the page saying one exists.
EXPECTED_STATUS = {"exact": 302, "duplicate": 200, "near": 302}
WARM_UP = 20


def _first_unused_voter(election: str) -> int:
    from django.db.models import Max

    from rathaus.elections.models import Application

    highest = Application.objects.filter(election__public_id=election).aggregate(
        highest=Max("voter__number")
    )["highest"]
    return (highest or 0) + 1


def profile(
    *, election: str, first_voter: int | None, count: int, top: int, kinds: list[str]
) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from bench.lib.briefwahl_seed import APPLICATION_ANSWERS, near_fields, voter_fields

    path = f"/briefwahl/{election}/antrag/"
    client = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    page = client.get(path)
    token = TOKEN.search(page.content.decode())
    if page.status_code != 200 or token is None:
        raise RuntimeError(f"application page answered {page.status_code} without a CSRF token")

    csrf_cookie = client.cookies[settings.CSRF_COOKIE_NAME].value
    fresh = iter(range(first_voter or _first_unused_voter(election), 10**9))
    accepted: list[int] = []

    def voter(kind: str) -> tuple[int, dict]:
        if kind == "duplicate":
            if not accepted:
                raise RuntimeError("duplicates repeat the exact matches: measure 'exact' first")
            index = accepted.pop(0)
            accepted.append(index)
            return index, voter_fields(index)
        index = next(fresh)
        return index, near_fields(index) if kind == "near" else voter_fields(index)

    def post(kind: str):
        index, fields = voter(kind)
        # A new voter's browser: the CSRF cookie of its first visit and nothing else.
        client.cookies.clear()
        client.cookies[settings.CSRF_COOKIE_NAME] = csrf_cookie
        body = {"csrfmiddlewaretoken": token.group(1), **fields, **APPLICATION_ANSWERS}
        # URL-encoded as the load generator and a browser send it (the test client's default,
        # multipart, costs the server a parser the real requests never run).
        response = client.post(path, urlencode(body), content_type=FORM_TYPE)
        if response.status_code != EXPECTED_STATUS[kind]:
            raise RuntimeError(f"{kind} voter {index}: {response.status_code}")
        if kind == "exact":
            accepted.append(index)

    report: dict = {"applications_per_kind": count}
    out = io.StringIO()
    for kind in kinds:
        for _ in range(WARM_UP):  # warm caches and connections, as a running server has them
            post(kind)
        statements: list[str] = []

        def record(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        # Django's query log is reset at each request's start: record through a wrapper instead.
        with connection.execute_wrapper(record):
            post(kind)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            post(kind)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if top:
            # CPU time, not wall time: waiting for PostgreSQL is not work this process could
            # remove.
            print(f"=== {kind} ===", file=out)
            out.write(cpu_profile(lambda kind=kind: [post(kind) for _ in range(count)], top=top))
        print(f"statements of one {kind} application:", file=out)
        for sql in statements:
            print("  ", sql[:160], file=out)
        report[kind] = {
            "wall_ms_per_application": round(wall * 1000 / count, 3),
            "cpu_ms_per_application": round(cpu * 1000 / count, 3),
            "queries_per_application": len(statements),
        }
    if all(kind in report for kind in RUSH_MIX):
        report["rush_mix_cpu_ms_per_application"] = round(
            sum(share * report[kind]["cpu_ms_per_application"] for kind, share in RUSH_MIX.items()),
            3,
        )
    print(out.getvalue())
    print(json.dumps(report))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--details-file", required=True)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument(
        "--first-voter",
        type=int,
        default=None,
        help="the first new voter (default: after the highest one with an application)",
    )
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument(
        "--kinds",
        default=",".join(KINDS),
        help="which kinds to measure, in this order (duplicates need 'exact' before them)",
    )
    args = parser.parse_args(argv)
    kinds = [kind for kind in args.kinds.split(",") if kind]
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
    import django

    django.setup()
    details = json.loads(Path(args.details_file).read_text())
    profile(
        election=details["election"],
        first_voter=args.first_voter,
        count=args.count,
        top=args.top,
        kinds=kinds,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
