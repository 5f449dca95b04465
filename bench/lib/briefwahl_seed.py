"""Data and database check for the postal-vote rush (scenario briefwahl).

Run inside the benchmark server's environment (its database and keys)::

    python -m bench.lib.briefwahl_seed seed --details-file var/bench/briefwahl.json --voters 60000
    python -m bench.lib.briefwahl_seed verify

``seed`` creates a federal election in Norderstedt (election day eight weeks ahead) and imports a
voter register of ``--voters`` entries through the application's own CSV import. Voter ``i`` is
``voter_fields(i)``: the load generator rebuilds each voter from its index, no list is shipped.

``verify`` counts from the database: accepted applications per register entry (more than one
would be a duplicate), then approves the candidate lists, issues every Wahlschein through the
service and counts valid Wahlscheine per register entry.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time

TOWN = "norderstedt"
HEADER = "number;district;family_name;given_names;birth_date;street;house_number;postal_code;city"


def voter_fields(index: int) -> dict[str, str]:
    """The register's data of voter ``index`` (1-based), as the application form takes it."""
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=(index * 7919) % 22000)
    return {
        "family_name": f"Wähler{index}",
        "given_names": "Anna Maria" if index % 2 else "Jonas Karl",
        "birth_date": birth.strftime("%d.%m.%Y"),
        "street": "Rathausallee",
        "house_number": str(index % 400 + 1),
        "postal_code": "22846",
        "city": "Norderstedt",
    }


def near_fields(index: int) -> dict[str, str]:
    """Voter ``index`` with the umlaut of the family name typed without its dots: a near match,
    which goes to the clerk queue (the final-hour rush's near matches)."""
    fields = voter_fields(index)
    return {**fields, "family_name": fields["family_name"].replace("ä", "a")}


# What every benchmark application answers besides the voter's data (no CSRF token).
APPLICATION_ANSWERS = {
    "voter_number": "",
    "delivery": "registered",
    "for_someone_else": "no",
    "declaration": "on",
}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
    import django

    django.setup()


def seed(details_file: str, voters: int) -> None:
    _setup()
    from rathaus.elections import services
    from rathaus.elections.models import District, Election
    from rathaus.tenants.models import Municipality

    town = Municipality.objects.get(slug=TOWN)
    day = dt.date.today() + dt.timedelta(weeks=8)
    day += dt.timedelta(days=(6 - day.weekday()) % 7)
    election = Election.objects.create(
        municipality=town, kind="federal", title="Bundestagswahl (Last)", election_day=day
    )
    for code in ("001", "002", "003"):
        District.objects.create(election=election, code=code, name=f"Bezirk {code}")
    lines = [HEADER]
    for index in range(1, voters + 1):
        v = voter_fields(index)
        birth = dt.datetime.strptime(v["birth_date"], "%d.%m.%Y").date().isoformat()
        lines.append(
            f"{index};{'00' + str(index % 3 + 1)};{v['family_name']};{v['given_names']};{birth};"
            f"{v['street']};{v['house_number']};{v['postal_code']};{v['city']}"
        )
    began = time.monotonic()
    report = services.voter_register_import(election=election, data="\n".join(lines).encode())
    seconds = round(time.monotonic() - began, 1)
    details = {
        "election": str(election.public_id),
        "voters": voters,
        "imported": report.imported,
        "rejected": len(report.rejected),
        "import_seconds": seconds,
    }
    with open(details_file, "w") as out:
        json.dump(details, out)
    print(json.dumps(details))


def verify() -> dict:
    _setup()
    from django.db.models import Count

    from rathaus.elections import services
    from rathaus.elections.models import Application, Election, Wahlschein

    election = Election.objects.get(municipality__slug=TOWN, title="Bundestagswahl (Last)")
    applications = Application.objects.filter(election=election)
    by_status = dict(applications.values_list("status").annotate(n=Count("pk")).order_by())
    duplicate_accepted = (
        applications.filter(status="accepted", voter__isnull=False)
        .values("voter")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    services.election_lists_approve(election=election, actor=None)
    began = time.monotonic()
    issued = services.wahlscheine_issue_all(election=election, actor=None)
    issue_seconds = round(time.monotonic() - began, 1)
    duplicate_wahlscheine = (
        Wahlschein.objects.filter(election=election, invalidated_at__isnull=True)
        .values("voter")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    report = {
        "applications_by_status": by_status,
        "voters_with_more_than_one_accepted_application": duplicate_accepted,
        "wahlscheine_issued": issued,
        "issue_seconds": issue_seconds,
        "voters_with_more_than_one_valid_wahlschein": duplicate_wahlscheine,
    }
    print(json.dumps(report))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    seed_parser = sub.add_parser("seed")
    seed_parser.add_argument("--details-file", required=True)
    seed_parser.add_argument("--voters", type=int, default=60_000)
    sub.add_parser("verify")
    args = parser.parse_args(argv)
    if args.command == "seed":
        seed(args.details_file, args.voters)
    else:
        verify()
    return 0


if __name__ == "__main__":
    sys.exit(main())
