"""Profile postal-vote applications in-process, on a database seeded like the benchmark's.

Run in the benchmark server's environment after ``briefwahl_seed seed`` (same database, same
keys)::

    python -m bench.lib.briefwahl_profile --details-file var/bench/briefwahl.json --count 300

Each application is one POST of the application form through the Django test client (CSRF
enforced; a new browser each time, with only the CSRF cookie and token, as the load generator
sends them) for a voter the surge
has not used, so every one is an exact match accepted by the system. Prints the wall and CPU time
per application, the queries of one application, and the functions that took the most time
(cProfile on CPU time, cumulative and own time). Nothing here changes how the application runs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HOST = "norderstedt.localhost"
FORM_TYPE = "application/x-www-form-urlencoded"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def profile(*, election: str, first_voter: int, count: int, top: int) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from bench.lib.briefwahl_seed import voter_fields

    path = f"/briefwahl/{election}/antrag/"
    client = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    page = client.get(path)
    token = TOKEN.search(page.content.decode())
    if page.status_code != 200 or token is None:
        raise RuntimeError(f"application page answered {page.status_code} without a CSRF token")

    csrf_cookie = client.cookies[settings.CSRF_COOKIE_NAME].value

    def post(index: int):
        # A new voter's browser: the CSRF cookie of its first visit and nothing else.
        client.cookies.clear()
        client.cookies[settings.CSRF_COOKIE_NAME] = csrf_cookie
        body = {
            "csrfmiddlewaretoken": token.group(1),
            **voter_fields(index),
            "voter_number": "",
            "delivery": "registered",
            "for_someone_else": "no",
            "declaration": "on",
        }
        # URL-encoded as the load generator and a browser send it (the test client's default,
        # multipart, costs the server a parser the real requests never run).
        response = client.post(path, urlencode(body), content_type=FORM_TYPE)
        if response.status_code != 302:
            raise RuntimeError(f"voter {index}: {response.status_code}")

    index = first_voter
    for _ in range(20):  # warm caches and connections, as a running server has them
        post(index)
        index += 1
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # Django's query log is reset at each request's start: record through a wrapper instead.
    with connection.execute_wrapper(record):
        post(index)
        index += 1
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        post(index)
        index += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    # CPU time, not wall time: waiting for PostgreSQL is not work this process could remove.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(count):
        post(index)
        index += 1
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top // 2)
    print(out.getvalue())
    queries = [sql[:160] for sql in statements]
    for sql in queries:
        print("  ", sql)
    report = {
        "applications": count,
        "wall_ms_per_application": round(wall * 1000 / count, 2),
        "cpu_ms_per_application": round(cpu * 1000 / count, 2),
        "queries_per_application": len(queries),
    }
    print(json.dumps(report))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--details-file", required=True)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--first-voter", type=int, default=50_001)
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
    import django

    django.setup()
    details = json.loads(Path(args.details_file).read_text())
    profile(
        election=details["election"], first_voter=args.first_voter, count=args.count, top=args.top
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
