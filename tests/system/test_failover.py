"""Failover to a synchronous standby loses no acknowledged booking (docs/operations.md, "Standby
and failover").

Two private PostgreSQL clusters (``postgres_cluster``): a primary whose every commit waits for the
standby (``synchronous_standby_names``, ``synchronous_commit = on``) and a standby made with
``pg_basebackup -R``. Rathaus runs against the primary as in production (production settings,
Granian, ``bench.lib.server``) and citizens book over HTTP.

- While the standby is stopped, a booking confirmation is committed on the primary but not
  answered; the answer comes once the standby is back. (Asynchronous replication would answer at
  once; the failover below alone could not tell the two apart.)
- Right after a booking is acknowledged, the primary is stopped hard, the standby promoted by the
  documented steps and Rathaus restarted against it. Both bookings are there, their personal data
  read through the application, and a new booking works.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from bench.lib.server import PROJECT_DIR, BenchServer

from rathaus.appointments.challenge import challenge_solve

from . import postgres_cluster
from .postgres_cluster import STANDBY_NAME, ClusterPair, PostgresMissing

pytestmark = pytest.mark.system

HOST = "norderstedt.localhost"
OFFICE = "buergerbuero"  # the demo office of Norderstedt (appointments.demo)
SERVICE = "personalausweis"
DATABASE = "rathaus"


@pytest.fixture
def clusters():
    try:
        pair = ClusterPair()
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        pair.start()
        yield pair
    finally:
        pair.close()


# One interpreter for the schema and the demo data the test needs: the towns, the catalogue and
# the offices with their slots (the other demo loaders only cost time here).
PREPARE = """
from django.core.management import call_command
from rathaus.appointments import demo as appointments
from rathaus.catalogue import demo as catalogue
from rathaus.tenants import demo as tenants
call_command("migrate", "--noinput", verbosity=0)
tenants.load()
catalogue.load()
appointments.load()
"""


@pytest.fixture
def rathaus(clusters, tmp_path):
    clusters.primary.sql(f"CREATE DATABASE {DATABASE}")
    server = BenchServer(
        workers=1,
        threads=2,
        database_url=clusters.primary.url(DATABASE),
        redis_url=None,
        var_dir=tmp_path / "var",
    )
    server.env["RATHAUS_POW_MAX_NUMBER"] = "100"  # the proof of work is not under test
    try:
        python(server, PREPARE)
        server.start(timeout=60)
        yield server
    finally:
        server.stop()


def python(server: BenchServer, code: str) -> str:
    """Run ``code`` in the server's environment (its settings, database and keys)."""
    result = subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        cwd=PROJECT_DIR,
        env=server.env,
        capture_output=True,
        text=True,
        # The migrations take some 15 s of CPU: a bound against a hang, not an expectation.
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def api(
    server: BenchServer, path: str, body: dict | None = None, *, timeout: float = 30
) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        server.base_url + "/api/v1" + path,
        data=data,
        headers={"Host": HOST, "Content-Type": "application/json", "Accept-Language": "de"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def free_starts(server: BenchServer) -> list[str]:
    today = dt.datetime.now(ZoneInfo("Europe/Berlin")).date()
    query = f"services={SERVICE}&from={today}&to={today + dt.timedelta(days=21)}"
    status, answer = api(server, f"/offices/{OFFICE}/free-slots?{query}")
    assert status == 200, answer
    return answer["starts"]


def hold(server: BenchServer, start: str) -> tuple[int, dict]:
    status, challenge = api(server, "/challenge")
    assert status == 200, challenge
    body = {
        "office": OFFICE,
        "services": [{"service": SERVICE, "count": 1}],
        "start": start,
        "challenge": challenge_solve(challenge),
    }
    return api(server, "/holds", body)


def confirm(server: BenchServer, held: dict, citizen: dict, *, timeout: float = 30) -> dict:
    """The 202 with the booking code is what the citizen is promised."""
    body = {"hold_token": held["token"], **citizen}
    status, booking = api(server, "/bookings", body, timeout=timeout)
    assert status == 202, booking
    return booking


def book(server: BenchServer, start: str, citizen: dict) -> dict:
    status, held = hold(server, start)
    assert status == 201, held
    return confirm(server, held, citizen)


READ_BOOKINGS = """
import json
from rathaus.appointments import selectors
from rathaus.tenants.models import Municipality
town = Municipality.objects.get(slug="norderstedt")
found = {{}}
for code in {codes!r}:
    booking = selectors.booking_get(municipality=town, code=code)
    found[code] = {{"status": booking.status, "name": booking.name, "email": booking.email,
                   "start": booking.start.isoformat()}}
print(json.dumps(found))
"""


def read_bookings(server: BenchServer, codes: list[str]) -> dict[str, dict]:
    """The bookings as the application reads them, with its keys: name and e-mail decrypted."""
    output = python(server, READ_BOOKINGS.format(codes=codes))
    return json.loads(output.strip().splitlines()[-1])


def replication_state(clusters: ClusterPair) -> list[tuple]:
    return clusters.primary.sql(
        "SELECT application_name, state, sync_state FROM pg_stat_replication"
    )


def wait_for_commit_waiting_on_standby(clusters: ClusterPair, timeout: float = 30) -> None:
    """Poll until a backend of the primary waits in ``SyncRep``: its transaction is committed
    locally, and the primary holds the answer back until a synchronous standby confirms it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = clusters.primary.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'"
        )
        if waiting[0][0]:
            return
        time.sleep(0.05)
    raise AssertionError(f"no commit waited for the standby within {timeout} s")


def test_booking_acknowledged_before_the_primary_fails_is_on_the_promoted_standby(
    clusters, rathaus
):
    # Every commit on the primary waits for this standby to have the WAL on disk.
    assert replication_state(clusters) == [(STANDBY_NAME, "streaming", "sync")]
    assert clusters.primary.sql("SHOW synchronous_commit", database=DATABASE) == [("on",)]
    starts = free_starts(rathaus)
    assert len(starts) >= 3, "the demo office should offer free times in the next three weeks"
    citizens = [
        {"name": f"Erika Mustermann {n}", "email": f"erika.{n}@example.org"} for n in range(3)
    ]

    # While the standby is away, a confirmation is committed on the primary but not answered ...
    status, held = hold(rathaus, starts[0])
    assert status == 201, held
    clusters.standby.stop()
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        pending = pool.submit(confirm, rathaus, held, citizens[0], timeout=90)
        wait_for_commit_waiting_on_standby(clusters)
        assert not pending.done(), "the booking was acknowledged without the standby"
        # ... and is answered once the standby is back and has the commit.
        clusters.standby.start()
        first = pending.result(timeout=90)
    finally:
        # On failure the request ends when the fixtures stop the server; do not wait for it here.
        pool.shutdown(wait=False)
    assert replication_state(clusters) == [(STANDBY_NAME, "streaming", "sync")]

    second = book(rathaus, starts[1], citizens[1])
    # The primary dies right after the answer: no shutdown checkpoint, no goodbye to the standby.
    clusters.primary.stop("immediate")

    # Promotion, as documented: promote, then stop waiting for a standby that no longer exists
    # (else every commit on the new primary would wait for ever), then repoint Rathaus.
    clusters.standby.promote()
    assert clusters.standby.sql("SELECT pg_is_in_recovery()") == [(False,)]
    clusters.standby.sql("ALTER SYSTEM SET synchronous_standby_names = ''")
    clusters.standby.sql("SELECT pg_reload_conf()")
    rathaus.stop()
    rathaus.env["DATABASE_URL"] = clusters.standby.url(DATABASE)
    rathaus.start(timeout=60)

    # New bookings work on the promoted standby ...
    third = book(rathaus, starts[2], citizens[2])

    # ... and the acknowledged ones are there, personal data decrypted by the application.
    bookings = (first, second, third)
    found = read_bookings(rathaus, [booking["code"] for booking in bookings])
    for booking, citizen, start in zip(bookings, citizens, starts, strict=False):
        row = found[booking["code"]]
        assert row["status"] == booking["status"]
        assert (row["name"], row["email"]) == (citizen["name"], citizen["email"])
        assert dt.datetime.fromisoformat(row["start"]) == dt.datetime.fromisoformat(start)


def test_missing_server_binaries_fail_with_a_plain_message(tmp_path, monkeypatch):
    monkeypatch.setattr(postgres_cluster, "BIN_ROOT", tmp_path)
    (tmp_path / "16" / "bin").mkdir(parents=True)
    (tmp_path / "16" / "bin" / "pg_ctl").touch()  # an incomplete installation does not count
    with pytest.raises(PostgresMissing, match="install the server package"):
        postgres_cluster.bin_dir()


def test_the_newest_complete_version_is_used(tmp_path, monkeypatch):
    monkeypatch.setattr(postgres_cluster, "BIN_ROOT", tmp_path)
    for version, tools in (("9", postgres_cluster.TOOLS), ("15", postgres_cluster.TOOLS)):
        (tmp_path / version / "bin").mkdir(parents=True)
        for tool in tools:
            (tmp_path / version / "bin" / tool).touch()
    (tmp_path / "16" / "bin").mkdir(parents=True)
    assert postgres_cluster.bin_dir() == tmp_path / "15" / "bin"
