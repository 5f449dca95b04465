"""Three web instances behind nginx, two workers, one Redis, one PostgreSQL: a booking release
storm and a Briefwahl rush while one web instance is killed and restarted, a worker is killed
in the middle of sending an e-mail, Redis is restarted and PostgreSQL's connections are ended;
forty fees are paid through the demo payment platform meanwhile. Afterwards nothing is lost,
doubled or oversold, every e-mail has arrived and every payment is in the state its ledger and
the platform explain (see tests/system/__init__.py for what is proved and how).

The demo payment platform runs in a process of its own with the demo settings
(``rathaus.settings.dev``, ``RATHAUS_DEMO=1``) on the cluster's database and keys, without its
Redis: the production settings never serve it. Rathaus itself (the web instances, the workers)
runs with the production settings as before. The platform's records are a table in the same
database, so the ending of PostgreSQL's connections reaches it too."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import re
import signal
import subprocess
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from bench.lib.briefwahl_seed import voter_fields
from bench.lib.http import Connection, HttpError
from bench.lib.proxy import nginx_binary
from bench.scenarios.briefwahl import phase as briefwahl_phase
from bench.scenarios.release_storm import _hold_body, _solve, address

from .cluster import (
    PROJECT_DIR,
    REDIS_SERVER,
    Cluster,
    _kill_group,
    _wait,
    free_port,
    http_head_status,
    http_status,
)
from .payments import platform_environment
from .smtp_sink import SmtpSink

pytestmark = pytest.mark.system

HOST = "norderstedt.localhost"
STORM_CLIENTS = 300  # for the storm office's 200 slots, released at once
ATTEMPTS = 3
STEADY_CLIENTS = 10  # book on the large calendar throughout: e-mails keep coming
VOTERS = 4000
BRIEFWAHL_CLIENTS = 8
WORKERS = 2
WORKER_THREADS = 2  # run_huey --workers 2, as deploy/rathaus-worker.service
PAYMENTS = 40  # started before the faults, completed in five groups: before and during each
PAYMENT_CLIENTS = 4
# The pay page's outcomes in turn (the slow one is left out: it only waits).
OUTCOMES = ["paid", "declined", "cancelled", "pending_then_paid", "pending_then_failed"]
METHODS = ["card", "paypal", "sepa", "wero"]
TRIES = 3  # a citizen tries a page again after an error or no answer
LOAD_LIMIT_S = 150  # the load stops after the faults, at the latest after this
EMAIL_WAIT_S = 150  # the resend check runs every minute
ENVIRONMENT = {
    # Low proof-of-work difficulty: the clients solve their challenges as they go.
    "RATHAUS_POW_MAX_NUMBER": "200",
    # A mail whose task was lost is handed to a worker again at the next minute's check.
    "RATHAUS_QUEUED_EMAIL_RESEND_SECONDS": "5",
    # The demo register's residents are not used here.
    "RATHAUS_DEMO_RESIDENTS": "50",
}


class Answers:
    """Every request's outcome with the moment it ended: a status, or None for no answer."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, str, int | None]] = []

    def add(self, kind: str, status: int | None) -> None:
        self.rows.append((time.monotonic(), kind, status))

    async def call(self, kind: str, request):
        try:
            response = await request
        except HttpError:
            self.add(kind, None)
            return None
        self.add(kind, response.status)
        return response

    def wait_more(self, bookings: int, applications: int, timeout: float = 90) -> None:
        """Block (fault thread) until this many more booking requests (challenge, hold, listing,
        booking) and Briefwahl applications have ended: both loads went on meanwhile, however
        fast or slow the machine is."""
        start = len(self.rows)
        deadline = time.monotonic() + timeout
        while True:
            kinds = Counter(kind == "briefwahl" for _t, kind, _s in self.rows[start:])
            if kinds[False] >= bookings and kinds[True] >= applications:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the load stalled: {dict(kinds)} answers in {timeout:g} s")
            time.sleep(0.1)

    @staticmethod
    def failed(status: int | None) -> bool:
        return status is None or status >= 500


class Told:
    """What the clients were told, to be found in the database afterwards."""

    def __init__(self) -> None:
        self.hold_tokens: list[str] = []
        self.booking_codes: list[str] = []
        self.voters_accepted: list[int] = []
        # Payments: public id → amount; the journeys' steps and outcomes.
        self.payments: dict[str, str] = {}
        self.payment_steps: Counter = Counter()


async def _book(connection, answers: Answers, told: Told, token: str, email: str) -> None:
    body = {"hold_token": token, "name": "Erika Mustermann", "email": email}
    response = await answers.call("booking", connection.post_json("/api/v1/bookings", body))
    if response is not None and response.status == 202:
        told.booking_codes.append(response.json()["code"])


async def _hold(connection, answers: Answers, told: Told, office, service, start):
    """One challenge, solved, and one hold; the response (None without an answer)."""
    challenge = await answers.call("challenge", connection.get("/api/v1/challenge"))
    if challenge is None or challenge.status != 200:
        return None
    body = _hold_body(office, service, start, _solve(challenge.json()))
    response = await answers.call("hold", connection.post_json("/api/v1/holds", body))
    if response is not None and response.status == 201:
        told.hold_tokens.append(response.json()["token"])
    return response


async def _storm_client(base, index: int, storm: dict, answers: Answers, told: Told) -> None:
    rng = random.Random(index)
    office, service = storm["office"], storm["service"]
    listing = f"/api/v1/offices/{office}/free-slots"
    params = {"services": service, "from": storm["day"], "to": storm["day"]}
    start = rng.choice(storm["starts"])
    async with Connection(base, host=HOST, source=address(index), timeout=30) as connection:
        for _ in range(ATTEMPTS):
            response = await _hold(connection, answers, told, office, service, start)
            if response is None:
                return
            if response.status == 201:
                token = response.json()["token"]
                await _book(connection, answers, told, token, f"sturm-{index}@example.org")
                return
            if response.status != 409:
                return
            free = await answers.call("free-slots", connection.get(listing, params=params))
            if free is None or free.status != 200 or not free.json()["starts"]:
                return
            start = rng.choice(free.json()["starts"])


async def _steady_client(base, index: int, sustained: dict, answers, told, stop) -> None:
    rng = random.Random(1000 + index)
    number = 0
    while not stop.is_set():
        number += 1
        citizen = 10_000 + index * 1000 + number  # each booking from a citizen of its own
        async with Connection(base, host=HOST, source=address(citizen), timeout=30) as connection:
            start = rng.choice(sustained["starts"])
            response = await _hold(
                connection, answers, told, sustained["office"], sustained["service"], start
            )
            if response is not None and response.status == 201:
                token = response.json()["token"]
                email = f"dauer-{index}-{number}@example.org"
                await _book(connection, answers, told, token, email)


CSRF_COOKIE = re.compile(r"csrftoken=([^;,]+)")
FORM_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


async def _form_post(base, host, cookies, path, fields, answers, kind):
    """A browser's GET of a form and its POST (CSRF cookie and token from the page); the POST's
    response, or None. ``answers`` (None for the platform, which is not behind nginx) counts
    each request."""

    async def call(request):
        if answers is not None:
            return await answers.call(kind, request)
        try:
            return await request
        except HttpError:
            return None

    async with Connection(base, host=host, cookies=cookies, timeout=30) as first:
        page = await call(first.get(path))
    if page is None or page.status != 200:
        return None
    cookie = CSRF_COOKIE.search(page.headers.get("set-cookie", ""))
    token = FORM_TOKEN.search(page.body)
    if cookie is None or token is None:
        return None
    body = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), **fields}).encode()
    form_cookies = {**cookies, "csrftoken": cookie.group(1)}
    async with Connection(base, host=host, cookies=form_cookies, timeout=30) as second:
        form_type = "application/x-www-form-urlencoded"
        return await call(second.request("POST", path, body, form_type))


async def _payment_start(base, journey: dict, answers: Answers, told: Told) -> None:
    """The citizen's "pay now" on the payment's page: a redirect to the platform's pay page."""
    for _ in range(TRIES):
        response = await _form_post(
            base, HOST, journey["cookies"], journey["path"], {}, answers, "payment-start"
        )
        if response is not None and response.status == 302:
            journey["pay_url"] = response.headers["location"]
            told.payment_steps["started"] += 1
            return


async def _payment_complete(base, journey: dict, index: int, answers, told) -> None:
    """At the platform's pay page the citizen pays (or fails, or cancels); back at Rathaus,
    the return page asks the platform for the status."""
    pay = urlsplit(journey["pay_url"])
    platform = f"http://127.0.0.1:{pay.port}"
    fields = {"method": METHODS[index % len(METHODS)], "outcome": OUTCOMES[index % len(OUTCOMES)]}
    for _ in range(TRIES):
        response = await _form_post(platform, pay.netloc, {}, pay.path, fields, None, "")
        if response is not None and response.status == 302:
            break
    else:
        told.payment_steps["pay page failed"] += 1
        return
    told.payment_steps[f"outcome {fields['outcome']}"] += 1
    back = urlsplit(response.headers["location"])
    path = f"{back.path}?{back.query}"
    async with Connection(base, host=HOST, cookies=journey["cookies"], timeout=30) as connection:
        for _ in range(TRIES):
            result = await answers.call("payment-return", connection.get(path))
            if result is not None and result.status == 200:
                told.payment_steps["returned"] += 1
                return
    told.payment_steps["return failed"] += 1


async def _payments_start(base, journeys: list[dict], answers, told) -> None:
    queue = list(journeys)

    async def client():
        while queue:
            await _payment_start(base, queue.pop(), answers, told)

    await asyncio.gather(*(client() for _ in range(PAYMENT_CLIENTS)))


async def _payments_complete(base, journeys: list[dict], answers, told, marks, stop) -> None:
    """Five groups: one at once, one as each fault begins (``marks``, appended by the fault
    thread), so that the pay pages, returns and status queries meet every fault."""
    groups = 1 + 4
    started = [journey for journey in journeys if "pay_url" in journey]
    for group in range(groups):
        while len(marks) < group and not stop.is_set():
            await asyncio.sleep(0.05)
        queue = [(i, j) for i, j in enumerate(started) if i % groups == group]

        async def client(queue=queue):
            while queue:
                index, journey = queue.pop()
                await _payment_complete(base, journey, index, answers, told)

        await asyncio.gather(*(client() for _ in range(PAYMENT_CLIENTS)))


async def _load(
    cluster: Cluster, details: dict, election: dict, answers, told, faults, journeys, marks
) -> dict:
    base = cluster.base_url
    stop = asyncio.Event()
    work = []
    for index in range(1, VOTERS + 1):
        work.append(("new", index, voter_fields(index)))
        if index % 4 == 0:  # the same voter again at once, from another client
            work.append(("repeat", index, voter_fields(index)))
    briefwahl = asyncio.ensure_future(
        briefwahl_phase(
            base,
            f"/briefwahl/{election['election']}/antrag/",
            BRIEFWAHL_CLIENTS,
            work,
            LOAD_LIMIT_S,
            told.voters_accepted,
            stop=stop,
            on_answer=lambda status: answers.add("briefwahl", status),
            timeout=30,
        )
    )
    steady = [
        asyncio.ensure_future(_steady_client(base, i, details["sustained"], answers, told, stop))
        for i in range(STEADY_CLIENTS)
    ]
    storm = asyncio.gather(
        *(_storm_client(base, i, details["storm"], answers, told) for i in range(STORM_CLIENTS))
    )
    payments = asyncio.ensure_future(_payments_complete(base, journeys, answers, told, marks, stop))
    try:
        await asyncio.wait_for(asyncio.to_thread(faults), LOAD_LIMIT_S)
    finally:
        stop.set()
        await payments
        await storm
        await asyncio.gather(*steady)
        briefwahl_result = await briefwahl
    return briefwahl_result


def _run_apart(coroutine):
    """``asyncio.run(coroutine)`` on a thread of its own. In one ``make test`` the browser tests
    ran before, and Playwright keeps an event loop running on the main thread, where
    ``asyncio.run`` refuses to start a second one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _faults(cluster: Cluster, sink: SmtpSink, answers: Answers, windows: list, marks: list) -> None:
    """The faults one after the other, each while the load goes on; ``marks`` gets an entry as
    each begins."""
    answers.wait_more(100, 5)  # the storm and the rush are under way

    marks.append("web")
    began = time.monotonic()
    victim = cluster.web_ports[0]
    cluster.web_kill(victim)
    answers.wait_more(100, 10)  # nginx meets the dead instance
    cluster.web_start(victim)
    cluster.web_wait(victim)
    windows.append(("web instance killed (SIGKILL) and restarted", began, time.monotonic()))

    marks.append("worker")
    began = time.monotonic()
    sink.hold_next()
    port = sink.wait_held(timeout=60)
    worker = cluster.email_ports.index(port)
    cluster.worker_kill(worker)  # while it waits for the mail server's answer
    sink.release()
    cluster.worker_start(worker)
    windows.append(("worker killed (SIGKILL) while sending an e-mail", began, time.monotonic()))

    marks.append("redis")
    began = time.monotonic()
    cluster.redis.stop()
    answers.wait_more(30, 5)
    cluster.redis.start()
    answers.wait_more(30, 5)
    windows.append(("Redis restarted (its data lost: no persistence)", began, time.monotonic()))

    marks.append("postgres")
    began = time.monotonic()
    terminated = cluster.terminate_database_connections()
    answers.wait_more(50, 10)
    windows.append(
        (f"PostgreSQL connections ended ({terminated} backends)", began, time.monotonic())
    )
    answers.wait_more(50, 10)  # and on after the last fault


def _rate(rows) -> str:
    failed = sum(1 for _t, _kind, status in rows if Answers.failed(status))
    share = 100 * failed / len(rows) if rows else 0.0
    return f"{failed} of {len(rows)} failed ({share:.1f} %)"


def test_no_booking_wahlschein_or_email_is_lost_or_doubled_through_faults(report, tmp_path):
    if nginx_binary() is None:
        pytest.fail("the system test needs nginx: apt-get install nginx-light (.ci/run does)")
    if not Path(REDIS_SERVER).exists():
        pytest.fail(f"the system test needs {REDIS_SERVER}: apt-get install redis-server")
    if not Cluster.database_reachable():
        pytest.fail("the system test needs PostgreSQL on 127.0.0.1:5432 (user postgres)")

    sink = SmtpSink(ports=WORKERS)
    platform = None
    cluster = Cluster(var_dir=PROJECT_DIR / "var" / "system", environment=ENVIRONMENT)
    clock = time.monotonic()
    steps = []  # how long each part of the set-up took

    def step(name: str) -> None:
        nonlocal clock
        steps.append(f"{name} {time.monotonic() - clock:.0f} s")
        clock = time.monotonic()

    try:
        cluster.prepare()
        step("database, demo data, static files")
        details_file = cluster.var_dir / "release_storm.json"
        cluster.manage_module(
            "bench.lib.release_storm_seed",
            "seed",
            "--details-file",
            str(details_file),
            "--sustained-days",
            "8",
        )
        election_file = cluster.var_dir / "briefwahl.json"
        cluster.manage_module(
            "bench.lib.briefwahl_seed",
            "seed",
            "--details-file",
            str(election_file),
            "--voters",
            str(VOTERS),
        )
        step("storm and election data")
        platform_port = free_port()
        payments_file = cluster.var_dir / "payments.json"
        cluster.manage_module(
            "tests.system.payments",
            "seed",
            "--count",
            str(PAYMENTS),
            "--platform",
            f"http://127.0.0.1:{platform_port}",
            "--details-file",
            str(payments_file),
        )
        platform = subprocess.Popen(
            cluster.server.command(port=platform_port),
            cwd=PROJECT_DIR,
            env=platform_environment(cluster.env),
            stdout=(cluster.var_dir / "payment-platform.log").open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        step("payments")
        cluster.start(sink.ports)
        _wait(
            lambda: http_status(platform_port) == 200,
            timeout=90,
            what="payment platform",
            process=platform,
        )
        step("servers started")
        report.append(
            f"set-up: {len(cluster.web_ports)} Granian instances behind nginx (deploy conf), "
            f"{WORKERS} Huey consumers, private Redis, database {cluster.database}; "
            + ", ".join(steps)
        )
        # The documented site's plain-HTTP server only redirects to HTTPS.
        assert http_head_status(cluster.redirect_port, "/", host=HOST) == 301

        election = json.loads(election_file.read_text())
        answers, told, windows, marks = Answers(), Told(), [], []
        seeded = json.loads(payments_file.read_text())
        journeys = [
            {
                "path": f"/bezahlen/{row['payment']}/",
                "cookies": {seeded["cookie"]: row["session"]},
            }
            for row in seeded["payments"]
        ]
        told.payments = {row["payment"]: row["amount"] for row in seeded["payments"]}
        clock = time.monotonic()
        _run_apart(_payments_start(cluster.base_url, journeys, answers, told))
        payments_seconds = time.monotonic() - clock
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        # The storm day is the one the window reaches now (it moves when midnight in Berlin
        # passed since the seed), so the test runs at any time of day.
        cluster.manage_module(
            "bench.lib.release_storm_seed",
            "release",
            "--at",
            now.isoformat(),
            "--details-file",
            str(details_file),
        )
        details = json.loads(details_file.read_text())

        clock = time.monotonic()
        briefwahl = _run_apart(
            _load(
                cluster,
                details,
                election,
                answers,
                told,
                lambda: _faults(cluster, sink, answers, windows, marks),
                journeys,
                marks,
            )
        )
        load_seconds = time.monotonic() - clock

        # The status poll (every five minutes in production), twice: a transaction still
        # pending at its first query settles at the next (the demo platform's "pending, then").
        clock_poll = time.monotonic()
        for _ in range(2):
            cluster.manage_module("tests.system.payments", "poll")
        poll_seconds = time.monotonic() - clock_poll
        deadline = time.monotonic() + EMAIL_WAIT_S
        while (left := cluster.queued_emails()) and time.monotonic() < deadline:
            time.sleep(1)
        emails_seconds = time.monotonic() - clock - load_seconds

        told_file, checked_file = tmp_path / "told.json", tmp_path / "checked.json"
        told_file.write_text(
            json.dumps(
                {
                    "hold_tokens": told.hold_tokens,
                    "booking_codes": told.booking_codes,
                    "voters_accepted": len(set(told.voters_accepted)),
                    "payments": told.payments,
                }
            )
        )
        cluster.manage_module("tests.system.check", str(told_file), str(checked_file))
        checked = json.loads(checked_file.read_text())
    finally:
        if platform is not None:
            _kill_group(platform, signal.SIGTERM)
        cluster.stop()
        sink.close()

    rows = answers.rows
    first, last = windows[0][1], windows[-1][2]
    during = [row for row in rows if first <= row[0] <= last]
    outside = [row for row in rows if not first <= row[0] <= last]
    by_kind = defaultdict(Counter)
    for _t, kind, status in rows:
        by_kind[kind][str(status) if status is not None else "no answer"] += 1
    report.append(f"load: {len(rows)} requests in {load_seconds:.1f} s; statuses by kind:")
    for kind, counts in sorted(by_kind.items()):
        report.append(f"  {kind}: {dict(sorted(counts.items()))}")
    report.append(f"error rate (5xx or no answer) during the faults: {_rate(during)}")
    for name, began, ended in windows:
        inside = [row for row in rows if began <= row[0] <= ended]
        report.append(f"  {name}, {ended - began:.1f} s: {_rate(inside)}")
    report.append(f"  before and after the faults: {_rate(outside)}")

    delivered = sink.delivered
    per_address = defaultdict(list)
    for message in delivered:
        for recipient in message.recipients:
            per_address[recipient].append(message.message_id)
    bookings = checked["booking_addresses"]
    missing = [a for a in bookings if a not in per_address]
    two_mails = [a for a in bookings if len(set(per_address.get(a, []))) > 1]
    redelivered = sum(len(ids) - len(set(ids)) for ids in per_address.values())
    report.append(
        f"storm: {checked['storm_holds']} holds on {checked['storm_slots']} slots, "
        f"{checked['oversold_units']} units oversold; holds answered 201: "
        f"{checked['hold_tokens_told']} ({checked['hold_tokens_missing']} missing); bookings "
        f"answered 202: {checked['booking_codes_told']} ({checked['booking_codes_missing']} "
        f"missing), {checked['bookings']} in the database, {checked['addresses_booked_twice']} "
        f"doubled"
    )
    report.append(
        f"Briefwahl: {briefwahl['applications']} applications {briefwahl['status_counts']}; "
        f"{checked['accepted_applications']} accepted (clients told {len(told.voters_accepted)}"
        f"), {checked['wahlscheine_issued']} Wahlscheine issued, "
        f"{checked['voters_with_more_than_one_valid_wahlschein']} voters with two"
    )
    report.append(
        f"e-mail: {len(delivered)} delivered for {checked['bookings']} bookings (+ others "
        f"queued by the demo data: {len(set(per_address) - set(bookings))} addresses), "
        f"{len(missing)} missing, {redelivered} delivered again with the same Message-ID, "
        f"{sink.aborted} cut off by the worker kill; {left} still queued after "
        f"{emails_seconds:.0f} s"
    )
    report.append(
        f"payments: {len(told.payments)} seeded, started before the faults in "
        f"{payments_seconds:.1f} s, completed during them "
        f"{dict(sorted(told.payment_steps.items()))}"
        f"; status poll twice afterwards, {poll_seconds:.1f} s"
    )
    report.append(
        f"  {checked['payments']} rows {checked['payment_statuses']}, platform outcomes "
        f"{checked['platform_outcomes']}; {checked['payments_in_a_wrong_state']} in a state "
        f"their ledger does not lead to, {checked['payments_paid_twice']} paid twice, "
        f"{checked['payments_with_a_wrong_amount']} with another amount than requested; "
        f"{checked['payments_reported_paid']} reported paid by the platform, "
        f"{checked['payments_reported_paid_not_booked']} of them neither paid nor flagged; "
        f"{checked['payments_settled_but_unsettled_here']} settled at the platform but open or "
        f"pending here; {checked['payments_flagged']} flagged for a clerk"
    )

    # Every answer a client got holds: nothing it was told is missing, nothing is doubled.
    assert checked["hold_tokens_told"] > 0 and checked["hold_tokens_missing"] == 0
    assert checked["oversold_units"] == 0
    assert checked["slots_where_taken_differs_from_holds"] == 0
    assert checked["booking_codes_told"] > 0 and checked["booking_codes_missing"] == 0
    assert checked["addresses_booked_twice"] == 0 and checked["holds_booked_twice"] == 0
    assert checked["accepted_applications"] >= checked["new_voters_told_accepted"] > 0
    assert checked["voters_with_more_than_one_accepted_application"] == 0
    assert checked["voters_with_more_than_one_valid_wahlschein"] == 0
    # Payments: every one started before the faults and completed through them; each in the
    # state its ledger leads to, none booked twice, the amounts as requested, what the
    # platform reports paid is paid here (or flagged for a clerk), nothing settled there is
    # left open or pending here after the status poll.
    assert told.payment_steps["started"] == PAYMENTS
    assert checked["payments"] == checked["payments_told"] == PAYMENTS
    assert checked["payments_in_a_wrong_state"] == 0
    assert checked["payments_paid_twice"] == 0
    assert checked["payments_with_a_wrong_amount"] == 0
    assert checked["payments_reported_paid"] > 0
    assert checked["payments_reported_paid_not_booked"] == 0
    assert checked["payments_settled_but_unsettled_here"] == 0
    # The worker was killed with a mail in hand (the sink held back its "250"); the mail was
    # not counted as delivered then, and arrived later through the resend.
    assert sink.aborted == 1
    assert all(recipient in per_address for recipient in sink.held_recipients)
    # Every booking's mail arrived, none of them as two different mails. A redelivery of the
    # same mail (same Message-ID) comes only from a send whose deletion was cut off: by ending
    # the database connections (at most one per worker thread) or by the kill (the killed
    # worker's other threads).
    assert left == 0 and checked["queued_emails_left"] == 0
    assert missing == [] and two_mails == []
    assert redelivered <= WORKERS * WORKER_THREADS + WORKER_THREADS - 1
