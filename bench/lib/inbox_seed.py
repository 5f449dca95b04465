"""Seed many submitted cases for the back-office inbox benchmark, fast.

Run inside the benchmark server's environment (its database and throwaway keys)::

    python -m bench.lib.inbox_seed --cases 200000 --login-file var/bench/inbox_login.json

Rows are planned in Python with a fixed random seed (``plan_cases``: towns, procedures, statuses,
dates, channels, assignees), then written in one transaction: with ``COPY`` on PostgreSQL, with
``executemany`` elsewhere (the tests use SQLite). Every name and every answer document is encrypted
per row with the configured key (a fresh nonce each time, real ciphertext as the application writes
it); the name's keyed hash ``applicant_name_digest`` is computed per distinct name. Reference
numbers continue each town's counter per year and the counters are moved on, so that a submit after
seeding gets the next free number. Case history, messages and attachments are not seeded (the inbox
does not read them). Afterwards ``VACUUM ANALYZE`` on PostgreSQL, as autovacuum would do, and a
``CHECKPOINT``.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

GIVEN_NAMES = (
    "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannah", "Ida", "Jonas", "Karl",
    "Lea", "Lena", "Luca", "Lukas", "Maria", "Marie", "Max", "Mia", "Noah", "Ole", "Paul",
    "Sophie", "Tim", "Tom", "Elias", "Finn", "Leon", "Emil", "Anton", "Frieda", "Mila", "Lina",
    "Ella", "Paula", "Jakob", "Moritz", "Henry", "Theo", "Leyla", "Ali", "Mehmet", "Ayşe", "Olga",
    "Piotr", "Katarzyna", "Jörg", "Jürgen", "Ute", "Heike", "Sabine", "Thomas", "Michael",
    "Andreas", "Stefan", "Petra", "Monika", "Gabriele", "Renate", "Ursula", "Wolfgang", "Klaus",
)  # fmt: skip
FAMILY_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
    "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler",
    "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz",
    "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther",
    "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht",
    "Yılmaz", "Kaya", "Nowak", "Kowalski", "Petersen", "Jensen", "Hansen", "Carstens", "Thode",
    "Ehlers", "Voß", "Brandt", "Möhlmann",
)  # fmt: skip
SUBJECTS = (
    "Laterne defekt",
    "Sperrmüll",
    "Baumschnitt",
    "Parkausweis",
    "Lärm",
    "Spielplatz",
    "Hundesteuer",
    "Schlagloch",
    "Wilder Müll",
    "Grünschnitt",
    "Straßenreinigung",
    "Anfrage Bauamt",
)

# Status mix of a town's case base after some years (share of all seeded cases). Drafts and
# cases awaiting payment are included on purpose: the inbox must leave them out.
STATUS_WEIGHTS = {
    "draft": 3,
    "awaiting_payment": 1,
    "submitted": 8,
    "in_review": 7,
    "info_requested": 2,
    "approved": 4,
    "completed": 62,
    "rejected": 8,
    "withdrawn": 5,
}
OPEN_STATUSES = ("submitted", "in_review", "info_requested")
DECIDED = ("approved", "completed", "rejected")
CLOSED = ("completed", "rejected", "withdrawn")
YEARS_OF_HISTORY = 3
COUNTER_SHARE = 0.15  # cases entered by a clerk at the counter
EXTRA_CLERKS_PER_TOWN = 12  # a town with this many cases has more than the three demo staff
BATCH = 5000


@dataclass
class PlannedCase:
    town_index: int
    procedure_key: str
    status: str
    channel: str
    name: str
    subject: str
    assignee_index: int | None  # index into the town's staff list
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    closed_at: datetime.datetime | None


def plan_cases(
    *,
    total: int,
    town_weights: list[float],
    procedure_keys: list[str],
    staff_counts: list[int],
    now: datetime.datetime,
    seed: int = 2026,
) -> list[PlannedCase]:
    """``total`` cases in the order they were created (oldest first), deterministic for ``seed``.

    Open cases are recent (mostly the last 60 days), closed ones spread over the years; most
    assigned cases belong to a few busy clerks. Procedures get falling weights (1, 1/2, 1/3 …)."""
    rng = random.Random(seed)
    statuses = list(STATUS_WEIGHTS)
    status_weights = list(STATUS_WEIGHTS.values())
    procedure_weights = [1 / (index + 1) for index in range(len(procedure_keys))]
    span = datetime.timedelta(days=365 * YEARS_OF_HISTORY).total_seconds()
    planned: list[PlannedCase] = []
    for _ in range(total):
        town = rng.choices(range(len(town_weights)), weights=town_weights)[0]
        status = rng.choices(statuses, weights=status_weights)[0]
        if status in OPEN_STATUSES or status in ("draft", "awaiting_payment"):
            age = datetime.timedelta(days=min(rng.expovariate(1 / 20), 365))
        else:
            age = datetime.timedelta(seconds=rng.uniform(30 * 86400, span))
        created = now - age - datetime.timedelta(minutes=rng.randint(5, 90))
        submitted = None if status == "draft" else created + datetime.timedelta(minutes=5)
        decided = closed = None
        if status in DECIDED:
            decided = submitted + datetime.timedelta(hours=rng.uniform(2, 24 * 30))
            decided = min(decided, now)
        if status in CLOSED:
            closed = (decided or submitted) + datetime.timedelta(hours=rng.uniform(0, 24 * 7))
            closed = min(closed, now)
        assignee = None
        staff = staff_counts[town]
        if staff and status not in ("draft", "awaiting_payment", "submitted"):
            # A few clerks carry most of the work.
            assignee = min(int(rng.paretovariate(1.2)) - 1, staff - 1)
        elif staff and status == "submitted" and rng.random() < 0.3:
            assignee = rng.randrange(staff)
        planned.append(
            PlannedCase(
                town_index=town,
                procedure_key=rng.choices(procedure_keys, weights=procedure_weights)[0],
                status=status,
                channel="counter" if rng.random() < COUNTER_SHARE else "online",
                name=f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}",
                subject=rng.choice(SUBJECTS),
                assignee_index=assignee,
                created_at=created,
                submitted_at=submitted,
                decided_at=decided,
                closed_at=closed,
            )
        )
    planned.sort(key=lambda case: case.created_at)
    return planned


def assign_references(planned: list[PlannedCase], *, prefixes: list[str], start: dict) -> dict:
    """Reference numbers per town and year in submit order, continuing ``start[(town, year)]``.

    Returns ``{index in planned: reference}`` and updates ``start`` to the last value used."""
    from django.utils import timezone

    from rathaus.cases.constants import REFERENCE_SEQUENCE_DIGITS

    references = {}
    order = sorted(
        (i for i, case in enumerate(planned) if case.submitted_at is not None),
        key=lambda i: planned[i].submitted_at,
    )
    for i in order:
        case = planned[i]
        year = timezone.localtime(case.submitted_at).year
        key = (case.town_index, year)
        start[key] = start.get(key, 0) + 1
        sequence = str(start[key]).zfill(REFERENCE_SEQUENCE_DIGITS)
        references[i] = f"{prefixes[case.town_index]}-{year}-{sequence}"
    return references


def _extra_clerks(town, count: int) -> None:
    from rathaus.accounts.constants import StaffRole
    from rathaus.accounts.models import StaffMembership, TOTPDevice, User

    for number in range(1, count + 1):
        email = f"bench-clerk-{number:02d}@{town.slug}.example"
        if User.objects.filter(is_staff=True, memberships__municipality=town).count() >= count + 3:
            return
        user = User.objects.create_user(
            email,
            None,
            email_verified=True,
            is_staff=True,
            given_name=GIVEN_NAMES[number],
            family_name=FAMILY_NAMES[number],
        )
        StaffMembership.objects.create(user=user, municipality=town, role=StaffRole.CLERK)
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def _write_rows(connection, table: str, columns: list[str], rows) -> None:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            table_name = connection.ops.quote_name(table)
            cursor.executemany(
                f"INSERT INTO {table_name} ({quoted}) VALUES ({placeholders})", list(rows)
            )


def seed(
    *,
    total: int,
    town_slugs: tuple[str, ...] = ("norderstedt", "reinbek"),
    town_weights: tuple[float, ...] = (0.65, 0.35),
    extra_clerks: int = EXTRA_CLERKS_PER_TOWN,
    seed_value: int = 2026,
    analyze: bool = True,
    stdout=sys.stdout,
) -> dict:
    """Insert ``total`` cases into the configured database; returns counts and timings.

    ``analyze``: run ``VACUUM ANALYZE`` afterwards on PostgreSQL (not possible inside a
    transaction, e.g. in a test)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from rathaus.accounts.selectors import staff_users_for
    from rathaus.cases.models import Case, ReferenceCounter
    from rathaus.cases.plugin import procedures
    from rathaus.cases.selectors import applicant_name_digest
    from rathaus.core.fields import EncryptedTextField
    from rathaus.tenants.models import Municipality

    timings: dict[str, float] = {}
    started = time.perf_counter()
    procedure_keys = sorted(procedure.key for procedure in procedures())
    if not procedure_keys:
        raise RuntimeError("no procedures registered")
    towns = [Municipality.objects.get(slug=slug) for slug in town_slugs]
    now = timezone.now()
    with transaction.atomic():
        for town in towns:
            _extra_clerks(town, extra_clerks)
        staff = [list(staff_users_for(municipality=town).order_by("pk")) for town in towns]
        planned = plan_cases(
            total=total,
            town_weights=list(town_weights),
            procedure_keys=procedure_keys,
            staff_counts=[len(members) for members in staff],
            now=now,
            seed=seed_value,
        )
        counters = {
            (towns.index(c.municipality), c.year): c.last_value
            for c in ReferenceCounter.objects.filter(municipality__in=towns).select_related(
                "municipality"
            )
        }
        references = assign_references(
            planned, prefixes=[town.reference_prefix for town in towns], start=counters
        )
        timings["plan_s"] = time.perf_counter() - started

        fields = [field for field in Case._meta.concrete_fields if not field.primary_key]
        columns = [field.column for field in fields]
        digests = {name: applicant_name_digest(name) for name in {case.name for case in planned}}
        service_slugs = {procedure.key: procedure.service_slug for procedure in procedures()}
        encrypt_started = time.perf_counter()

        def rows():
            for i, case in enumerate(planned):
                town = towns[case.town_index]
                reference = references.get(i, "")
                answers = {
                    "subject": case.subject,
                    "message": f"{case.subject}: bitte um Rückmeldung.",
                    "contact_preference": "email" if i % 3 else "post",
                    "applicant_name": case.name,
                    "email": "",
                }
                values = {
                    "encryption_row_id": uuid.uuid4(),
                    "municipality": town.pk,
                    "public_id": uuid.uuid4(),
                    "reference": reference,
                    "procedure_key": case.procedure_key,
                    "service_slug": service_slugs[case.procedure_key],
                    "applicant": None,
                    "owner_token_digest": "",
                    "channel": case.channel,
                    "status": case.status,
                    "answers": answers,
                    "applicant_name": case.name,
                    "applicant_name_digest": digests[case.name],
                    "idempotency_key": uuid.uuid4().hex,
                    "assignee": (
                        None
                        if case.assignee_index is None
                        else staff[case.town_index][case.assignee_index].pk
                    ),
                    "created_at": case.created_at,
                    "updated_at": case.closed_at or case.decided_at or case.submitted_at or now,
                    "submitted_at": case.submitted_at,
                    "decided_at": case.decided_at,
                    "closed_at": case.closed_at,
                    # Receipted long ago: not for the task that takes up lost follow-ups.
                    "receipt_queued_at": case.submitted_at,
                }
                row = []
                for field in fields:
                    value = values[field.name] if field.name in values else field.get_default()
                    if isinstance(field, EncryptedTextField):
                        value = field.seal(value, row_id=values["encryption_row_id"])
                    row.append(field.get_db_prep_save(value, connection))
                yield row

        batch: list = []
        for row in rows():
            batch.append(row)
            if len(batch) >= BATCH:
                _write_rows(connection, Case._meta.db_table, columns, batch)
                batch = []
        if batch:
            _write_rows(connection, Case._meta.db_table, columns, batch)
        timings["encrypt_and_write_s"] = time.perf_counter() - encrypt_started

        for (town_index, year), last_value in counters.items():
            ReferenceCounter.objects.update_or_create(
                municipality=towns[town_index], year=year, defaults={"last_value": last_value}
            )
    if analyze and connection.vendor == "postgresql":
        vacuum_started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Case._meta.db_table)}")
            # Write the bulk load's dirty pages now, not while the pages are being measured.
            cursor.execute("CHECKPOINT")
        timings["vacuum_analyze_s"] = time.perf_counter() - vacuum_started
    timings["total_s"] = time.perf_counter() - started
    summary = {
        "cases": total,
        "distinct_names": len(digests),
        "per_town": {
            town.slug: sum(c.town_index == i for c in planned) for i, town in enumerate(towns)
        },
        "timings": {key: round(value, 2) for key, value in timings.items()},
    }
    if stdout is not None:
        print(json.dumps(summary), file=stdout)
    return summary


def sample_targets(*, town_slug: str = "norderstedt") -> dict:
    """Values for the search targets: a reference prefix that matches a handful of cases, one full
    reference, and one applicant's full name (from the seeded data, decrypted here)."""
    from rathaus.cases.models import Case
    from rathaus.cases.selectors import STATUS_ORDER

    cases = Case.objects.filter(municipality__slug=town_slug, status__in=STATUS_ORDER)
    middle = cases.order_by("submitted_at")[cases.count() // 2]
    return {
        "reference": middle.reference,
        "reference_prefix": middle.reference[:-2],  # up to 100 numbers of the same year
        "name": middle.applicant_name,
    }


def login_details(*, town_slug: str = "norderstedt") -> dict:
    """The demo clerk of ``town_slug`` (e-mail, demo password and hex TOTP key) for a real login."""
    from rathaus.accounts.constants import StaffRole
    from rathaus.accounts.demo import DEMO_STAFF, STAFF_PASSWORD
    from rathaus.accounts.models import TOTPDevice, email_digest

    email = next(
        spec[2] for spec in DEMO_STAFF if spec[0] == town_slug and spec[1] == StaffRole.CLERK
    )
    device = TOTPDevice.objects.get(user__email_digest=email_digest(email), confirmed=True)
    return {
        "email": email,
        "password": STAFF_PASSWORD,
        "totp_key_hex": device.key,
        "totp_step": device.STEP,
        "totp_digits": device.DIGITS,
        "totp_t0": 0,  # RFC 6238's T0, as the device counts (accounts.models.TOTPDevice)
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Seed cases for the inbox benchmark.")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--details-file", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
    import django

    django.setup()
    summary = seed(total=args.cases)
    details = {"seed": summary, "login": login_details(), "search": sample_targets()}
    args.details_file.write_text(json.dumps(details, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
