"""CPU and statements per electronic Meldebescheinigung, in process, step by step (issue 13).

Once, on an empty PostgreSQL database of your own (``createdb -U postgres rathaus_melde_prof``)::

    .venv/bin/python -m bench.lib.melde_profile prepare \\
        --database-url postgres://postgres@127.0.0.1:5432/rathaus_melde_prof \\
        --redis-url redis://127.0.0.1:6379/11 --residents 20000

``prepare`` makes the keys the benchmark server would make (secret, encryption and hash key) and
keeps them in ``--var-dir``/keys.json, so that later runs read what it encrypted; then, with
``rathaus.settings.production`` and the server's environment (``bench/lib/server.py``), it runs
``migrate``, ``collectstatic``, ``compile_translations``, ``load_demo_data`` and
``bench.lib.melde_seed seed`` (residents added to each town's register). Then::

    .venv/bin/python -m bench.lib.melde_profile run --database-url … --redis-url … \\
        --journeys 60 --suggestions 600 [--profile var/melde-profile/journey] [--src /tmp/other/src]

Citizens the register matches exactly are logged in as the demo BundID logs them in, and each
runs the journey of the benchmark itself (``melde_journey.journey_run``: seven requests, every
redirect followed, down to the PDF), its requests answered in this process by Django's WSGI
handler as the server calls it (``request_started`` included: the connection's health check),
with the session and CSRF cookies the load generator sends, after ``rathaus.wsgi`` has loaded
the application as the server does. Around each request it reads ``time.process_time()`` and
counts the statements sent. Printed: per step, CPU ms (median and mean) and statements; per
journey, this process's CPU (the steps' means added up), the PostgreSQL backend's CPU (``/proc``,
so other processes on the machine do not count) and wall time; with ``--statements`` the SQL of
one journey; with ``--profile FILE`` a cProfile (CPU time) of as many journeys again, cumulative
and own time.

``--suggestions N`` then sends N street suggestions (``GET /api/v1/streets?q=…``, the queries of
the ``suggestions`` scenario in turn) with the first citizen's session cookie and nothing else, as
the scenario's ``suggestions_session`` target does: the page cache never answers them, so sessions,
authentication and the directory query run every time. Printed: their median and mean CPU ms and
statements per request; with ``--statements`` one request's SQL; with ``--profile FILE`` a
cProfile of as many again in ``FILE-suggestions``. ``--journeys 0`` measures the suggestions alone.

``--src`` runs another version's source (an exported commit) for before/after figures: run the
two in alternating turns, the machine's load changes the figures more than a small change.
HTTP parsing, the web server and the network are not included: compare these figures with each
other, not with ``bench/run.py``'s.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

from bench.lib.http import Response
from bench.lib.melde_journey import START, STEPS, csrf_token, journey_run
from bench.lib.profiling import cpu_profile

PROJECT_DIR = Path(__file__).resolve().parents[2]
HOST = "norderstedt.localhost"
SELECTED_COLUMNS = re.compile(r"^SELECT .*? FROM", re.DOTALL)


def environment(*, database_url: str, redis_url: str | None, var_dir: Path) -> dict[str, str]:
    """The benchmark server's environment (``bench/lib/server.py``), with keys kept in
    ``var_dir``/keys.json so that every run reads what ``prepare`` wrote."""
    var_dir.mkdir(parents=True, exist_ok=True)
    keys_file = var_dir / "keys.json"
    if not keys_file.exists():
        keys = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "RATHAUS_ENCRYPTION_KEYS": "bench:"
            + base64.b64encode(secrets.token_bytes(32)).decode(),
            "RATHAUS_HASH_KEY": secrets.token_urlsafe(32),
        }
        keys_file.write_text(json.dumps(keys))
    env = {
        **json.loads(keys_file.read_text()),
        "DJANGO_SETTINGS_MODULE": "rathaus.settings.production",
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "RATHAUS_VAR_DIR": str(var_dir),
        "RATHAUS_NO_VIRUS_SCANNER": "1",
        "SECURE_SSL_REDIRECT": "0",
        # One backend for the whole run, so that its CPU can be read from /proc (the server's
        # connections live 60 s; a reconnect a minute is no cost worth measuring).
        "DB_CONN_MAX_AGE": "3600",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def prepare(env: dict[str, str], *, residents: int, citizens: int) -> None:
    run_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("RATHAUS_", "DJANGO_"))},
        **env,
        "PYTHONPATH": str(PROJECT_DIR / "src"),
    }
    commands = [
        ["manage.py", "migrate", "--noinput"],
        ["manage.py", "collectstatic", "--noinput", "--clear"],
        ["manage.py", "compile_translations"],
        ["manage.py", "load_demo_data"],
    ]
    details = str(Path(env["RATHAUS_VAR_DIR"]) / "melde.json")
    seed = ["-m", "bench.lib.melde_seed", "seed", "--details-file", details]
    commands.append([*seed, "--residents", str(residents), "--citizens", str(citizens)])
    for command in commands:
        print(" ".join(command[:3]), "...", flush=True)
        subprocess.run([sys.executable, *command], cwd=PROJECT_DIR, env=run_env, check=True)


class InProcessConnection:
    """Stands in for ``bench.lib.http.Connection`` in ``journey_run``: the same requests, answered
    by Django's WSGI handler in this process. Records each request's CPU seconds and
    statements."""

    def __init__(self, caller, counter: StatementCounter):
        self.caller = caller
        self.counter = counter
        self.samples: list[tuple[float, int]] = []

    async def get(self, path: str) -> Response:
        return self._send("GET", path, b"", "")

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str | None = None
    ) -> Response:
        return self._send(method, path, body, content_type or "")

    def _send(self, method: str, path: str, body: bytes, content_type: str) -> Response:
        if self.counter.sql is not None:
            self.counter.sql.append(f"-- {method} {path}")
        statements = self.counter.count
        cpu = time.process_time()
        status, header_list, content = self.caller.request(method, path, body, content_type)
        cpu = time.process_time() - cpu
        self.samples.append((cpu, self.counter.count - statements))
        headers: dict[str, str] = {}
        for name, value in header_list:
            name = name.lower()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return Response(int(status.split()[0]), headers, content)


def complete(coroutine):
    """Run a coroutine that never waits (each of its awaits is answered at once, as
    ``InProcessConnection``'s are) to its end, without an event loop."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()
    raise RuntimeError("the coroutine waited for something")


class StatementCounter:
    """Counts the statements sent on the connection (and keeps their text while ``sql`` is a
    list): Django's query log is reset at each request's start."""

    def __init__(self):
        self.count = 0
        self.sql: list[str] | None = None

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.sql is not None:
            self.sql.append(sql)
        return execute(sql, params, many, context)


def _ticks(pid: int) -> int:
    """User + system CPU of a process, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def suggestion_paths() -> list[str]:
    """The ``suggestions`` scenario's requests: what citizens type into Norderstedt's street
    field, in its order."""
    from bench.lib.melde_seed import TOWN, street_queries
    from bench.scenarios.suggestions import PATH
    from rathaus.register.demo import STREETS

    queries = street_queries(sorted({name for name, *_ in STREETS[TOWN]}))
    return [f"{PATH}?{urlencode({'q': query})}" for query in queries]


def figures(samples: list[tuple[float, int]]) -> dict:
    """CPU ms (median, mean) and the statements seen, of (CPU seconds, statements) samples."""
    cpu_ms = [cpu * 1000 for cpu, _count in samples]
    return {
        "cpu_ms": round(statistics.median(cpu_ms), 2),
        "cpu_ms_mean": round(statistics.fmean(cpu_ms), 2),
        "statements": sorted({count for _cpu, count in samples}),
    }


def run(
    *, journeys: int, suggestions: int, citizens: int, profile_file: str | None, statements: bool
) -> dict:
    from django.db import connection

    # As the server loads it: Django set up, the views loaded, the start-up objects frozen.
    import rathaus.wsgi  # noqa: F401
    from bench.lib.inbox_cpu import WsgiCaller
    from bench.lib.melde_seed import citizen_sessions, citizens_pick
    from rathaus.tenants.models import Municipality

    town = Municipality.objects.get(slug="norderstedt")
    persons = citizens_pick(municipality=town, count=citizens)
    counter = StatementCounter()
    sessions = citizen_sessions(municipality=town, persons=persons)
    clients = []
    for session in sessions:
        caller = WsgiCaller(HOST, session)
        status, _headers, page = caller.get(START)  # a browser's first visit: the CSRF cookie
        if not status.startswith("200") or "csrftoken" not in caller.cookies:
            raise RuntimeError(f"start page answered {status} without a CSRF cookie")
        clients.append((InProcessConnection(caller, counter), csrf_token(page.decode())))
    # The load generator sends the session cookie alone, the same on every request.
    suggester = WsgiCaller(HOST, sessions[0])
    paths = suggestion_paths()

    def turn(count: int) -> list[list[tuple[float, int]]]:
        """``count`` journeys, the citizens taking turns: each journey's (CPU, statements) per
        step."""
        done = []
        for index in range(count):
            client, token = clients[index % len(clients)]
            client.samples = []
            complete(journey_run(client, token))
            done.append(client.samples)
        return done

    def suggest(count: int) -> list[tuple[float, int]]:
        """``count`` suggestions with the session cookie: each one's (CPU, statements)."""
        client = InProcessConnection(suggester, counter)
        for index in range(count):
            suggester.cookies = dict(sessions[0])
            response = complete(client.get(paths[index % len(paths)]))
            if response.status != 200 or b'"streets"' not in response.body:
                raise RuntimeError(f"a suggestion answered {response.status}")
        return client.samples

    result: dict = {}
    with connection.execute_wrapper(counter):
        turn(3 * len(clients))  # warm: templates, caches, prepared statements, fonts
        suggest(min(len(paths), 200))
        if statements:
            counter.sql = []
            turn(1)
            suggest(1)
            for sql in counter.sql:
                print("  ", SELECTED_COLUMNS.sub("SELECT … FROM", sql, count=1)[:200])
            counter.sql = None
        if journeys:
            result.update(measure_journeys(turn, journeys))
            if profile_file:
                text = cpu_profile(lambda: turn(journeys), top=90, dump=f"{profile_file}.prof")
                Path(profile_file).write_text(text)
        if suggestions:
            result["suggestion_session"] = figures(suggest(suggestions))
            if profile_file:
                name = f"{profile_file}-suggestions"
                text = cpu_profile(lambda: suggest(suggestions), top=90, dump=f"{name}.prof")
                Path(name).write_text(text)
    return {**result, "load_average": os.getloadavg()}


def measure_journeys(turn, journeys: int) -> dict:
    """``journeys`` journeys measured: per step and per journey (see the module's text)."""
    backend = _backend_pid()
    ticks = _ticks(backend)
    wall = time.perf_counter()
    measured = turn(journeys)
    wall = time.perf_counter() - wall
    database = (_ticks(backend) - ticks) / os.sysconf("SC_CLK_TCK")
    if _backend_pid() != backend:
        raise RuntimeError("the database connection was replaced while measuring")
    per_step: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for journey in measured:
        for name, sample in zip(STEPS, journey, strict=True):
            per_step[name].append(sample)
    steps = {name: figures(per_step[name]) for name in STEPS}
    return {
        "journeys": journeys,
        "steps": steps,
        "cpu_ms_per_journey": round(sum(step["cpu_ms_mean"] for step in steps.values()), 1),
        "statements_per_journey": sum(max(step["statements"]) for step in steps.values()),
        "postgres_cpu_ms_per_journey": round(database * 1000 / journeys, 1),
        "wall_ms_per_journey": round(wall * 1000 / journeys, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("prepare", "run"))
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL"))
    parser.add_argument("--var-dir", type=Path, default=PROJECT_DIR / "var" / "melde-profile")
    parser.add_argument("--residents", type=int, default=20_000, help="prepare: per town")
    parser.add_argument("--citizens", type=int, default=4)
    parser.add_argument("--journeys", type=int, default=60)
    parser.add_argument("--suggestions", type=int, default=0, help="run: with the session cookie")
    parser.add_argument("--profile", help="run: write a cProfile of more journeys to this file")
    parser.add_argument("--statements", action="store_true", help="run: print one journey's SQL")
    parser.add_argument("--src", default="src", help="run: the source folder of the version")
    args = parser.parse_args(argv)
    env = environment(
        database_url=args.database_url, redis_url=args.redis_url, var_dir=args.var_dir.resolve()
    )
    if args.command == "prepare":
        prepare(env, residents=args.residents, citizens=args.citizens)
        return 0
    os.environ.update(env)
    sys.path.insert(0, str(Path(args.src).resolve()))
    result = run(
        journeys=args.journeys,
        suggestions=args.suggestions,
        citizens=args.citizens,
        profile_file=args.profile,
        statements=args.statements,
    )
    print(json.dumps({"src": args.src, **result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
