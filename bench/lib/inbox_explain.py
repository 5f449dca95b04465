"""EXPLAIN ANALYZE the queries behind the inbox benchmark's targets, on the seeded database.

Run in the benchmark server's environment after seeding (``bench/run.py --scenario inbox
--explain`` does it)::

    python -m bench.lib.inbox_explain --details-file var/bench/inbox_details.json

Each target page is requested once in-process (Django test client, the demo clerk logged in with a
verified device); every query on the cases table it ran is then run again under
``EXPLAIN (ANALYZE, BUFFERS)``. Prints the plans and returns the execution times.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def explain_paths(*, paths: dict[str, str], host: str, email: str, repeat: int = 3) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY

    from rathaus.accounts.models import TOTPDevice, User, email_digest

    user = User.objects.get(email_digest=email_digest(email))
    client = Client(HTTP_HOST=host)
    client.force_login(user, backend="rathaus.accounts.backends.EmailBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    report: dict[str, list[dict]] = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{name} {path} answered {response.status_code}")
        entries = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if '"cases_case"' not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            times = []
            plan_text = ""
            with connection.cursor() as cursor:
                for _ in range(repeat):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                    plan = cursor.fetchone()[0]
                    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                    times.append(plan["Execution Time"])
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan_text = "\n".join(row[0] for row in cursor.fetchall())
            entries.append(
                {
                    "sql": sql,
                    "execution_ms": sorted(times),
                    "median_ms": sorted(times)[len(times) // 2],
                    "plan": plan_text,
                }
            )
        report[name] = entries
    return report


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="EXPLAIN ANALYZE the inbox queries.")
    parser.add_argument("--details-file", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--quiet", action="store_true", help="times only, no plans")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
    import django

    django.setup()
    details = json.loads(args.details_file.read_text())
    report = explain_paths(
        paths=details["paths"], host=details["host"], email=details["login"]["email"]
    )
    for name, entries in report.items():
        print(f"=== {name} {details['paths'][name]}")
        for entry in entries:
            print(f"--- {entry['median_ms']:.2f} ms (runs: {entry['execution_ms']})")
            print(entry["sql"][: 120 if args.quiet else 600])
            if not args.quiet:
                print(entry["plan"])
    if args.output:
        args.output.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
