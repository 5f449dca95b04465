"""Data, logged-in citizens and the database check for the Meldewesen scenarios (``suggestions``,
``meldebescheinigung``).

Run inside the benchmark server's environment (its database and keys), before the server starts::

    python -m bench.lib.melde_seed seed --details-file var/bench/melde.json --residents 100000 \
        --citizens 16
    python -m bench.lib.melde_seed verify --details-file var/bench/melde.json

``seed`` adds ``--residents`` invented residents to each demo town's register through
``manage.py load_residents`` (households at addresses of the street directory), then picks
``--citizens`` adults of Norderstedt whom the register matches exactly (one entry for their names
and date of birth, no Auskunftssperre), gives each an account and logs each in **the way the demo
BundID does** (``accounts.services.session_start`` with the demo BundID's key, trust level "high"
and the identity it vouches for). The production settings switch the demo BundID's pages off, so
the sessions are written here, with the server's own session engine and keys, and handed to the
load generator as cookies. It also writes the street-name prefixes a citizen types.

``verify`` counts, per bench citizen, the Meldebescheinigungen issued and the cases that did not
end approved, from the database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

TOWN = "norderstedt"
HOST = "norderstedt.localhost"
EMAIL = "bench-citizen-{index}@example.org"


def street_queries(names: list[str], *, shortest: int = 2, longest: int = 8) -> list[str]:
    """What citizens type into the street field: every prefix of ``shortest`` to ``longest``
    characters of each street name, plus each word of a name from its start (``"chaussee"``),
    once each, in a stable order."""
    seen: dict[str, None] = {}
    for name in names:
        lowered = name.lower()
        for length in range(shortest, min(longest, len(lowered)) + 1):
            seen.setdefault(lowered[:length].strip(), None)
        for word in lowered.split()[1:]:
            seen.setdefault(word, None)
    return [query for query in seen if len(query) >= shortest]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
    import django

    django.setup()


def citizens_pick(*, municipality, count: int) -> list:
    """``count`` adults of ``municipality``'s register whom an exact match finds (one entry with
    their names and date of birth) and who are under no Auskunftssperre: each gets the electronic
    certificate from the system at once. Spread over the whole register by primary key."""
    import datetime

    from django.db.models import Count

    from rathaus.register.models import Person
    from rathaus.register.selectors import has_auskunftssperre

    unique = (
        Person.objects.filter(municipality=municipality)
        .values("match_digest")
        .annotate(n=Count("pk"))
        .filter(n=1)
        .values("match_digest")
    )
    pks = list(
        Person.objects.filter(municipality=municipality, match_digest__in=unique)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    stride = max(1, len(pks) // max(1, count * 3))
    adult_born_before = datetime.date.today() - datetime.timedelta(days=18 * 366)
    picked = []
    for offset in range(stride):
        for person in Person.objects.filter(pk__in=pks[offset::stride]).order_by("pk"):
            if len(picked) == count:
                return picked
            if person.birth_date > adult_born_before or has_auskunftssperre(person=person):
                continue
            picked.append(person)
    if len(picked) < count:
        raise RuntimeError(f"only {len(picked)} residents fit, {count} wanted")
    return picked


def citizen_sessions(*, municipality, persons: list) -> list[dict[str, str]]:
    """An account per person, logged in as the demo BundID logs a resident in: returns the
    cookies of each session (name → value)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from rathaus.accounts.identity.base import VerifiedIdentity
    from rathaus.accounts.identity.demo_bundid.provider import demo_bundid
    from rathaus.accounts.models import User, email_digest
    from rathaus.accounts.services import session_start

    engine = import_module(settings.SESSION_ENGINE)
    sessions = []
    for index, person in enumerate(persons):
        email = EMAIL.format(index=index)
        user = User.objects.filter(
            email_digest=email_digest(email)
        ).first() or User.objects.create_user(
            email,
            None,
            given_name=person.given_names,
            family_name=person.family_name,
        )
        request = RequestFactory().get("/", HTTP_HOST=HOST)
        request.session = engine.SessionStore()
        request.user = AnonymousUser()
        request.municipality = municipality
        session_start(
            request=request,
            user=user,
            trust_level=demo_bundid.trust_level,
            provider=demo_bundid.key,
            identity=VerifiedIdentity(
                given_names=person.given_names,
                family_name=person.family_name,
                birth_date=person.birth_date,
            ),
        )
        request.session[_last_seen_key()] = int(time.time())
        request.session.save()
        sessions.append({settings.SESSION_COOKIE_NAME: request.session.session_key})
    return sessions


def _last_seen_key() -> str:
    from rathaus.accounts.constants import SESSION_LAST_SEEN

    return SESSION_LAST_SEEN


def seed(details_file: str, residents: int, citizens: int) -> None:
    _setup()
    from django.core.management import call_command

    from rathaus.register.demo import STREETS
    from rathaus.register.models import Person
    from rathaus.tenants.models import Municipality

    started = time.monotonic()
    if residents:
        call_command("load_residents", "--count", str(residents), "--seed", "7")
    loaded = time.monotonic() - started
    town = Municipality.objects.get(slug=TOWN)
    persons = citizens_pick(municipality=town, count=citizens)
    sessions = citizen_sessions(municipality=town, persons=persons)
    counts = {
        slug: Person.objects.filter(municipality__slug=slug).count() for slug in sorted(STREETS)
    }
    details = {
        "host": HOST,
        "register_persons": counts,
        "load_residents_seconds": round(loaded, 1),
        "sessions": sessions,
        "street_queries": street_queries(sorted({name for name, *_ in STREETS[TOWN]})),
    }
    with open(details_file, "w") as handle:
        json.dump(details, handle, indent=2)
    print(json.dumps({key: details[key] for key in ("register_persons", "load_residents_seconds")}))


def verify() -> dict:
    """Per bench citizen: certificates issued; cases of the bench citizens not approved."""
    _setup()
    from django.db.models import Count

    from rathaus.accounts.models import User, email_digest
    from rathaus.cases.models import Case
    from rathaus.documents.models import IssuedDocument

    digests = [email_digest(EMAIL.format(index=index)) for index in range(1000)]
    users = User.objects.filter(email_digest__in=digests)
    bench_cases = Case.objects.filter(procedure_key="meldebescheinigung", applicant__in=users)
    submitted = bench_cases.exclude(status="draft")
    documents = IssuedDocument.objects.filter(
        case__in=submitted, document_type="meldebescheinigung"
    )
    by_status = dict(submitted.values_list("status").annotate(n=Count("pk")))
    per_case = documents.values("case").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {
        "cases_submitted": submitted.count(),
        "cases_by_status": by_status,
        "drafts_left": bench_cases.filter(status="draft").count(),
        "certificates_issued": documents.count(),
        "cases_with_more_than_one_certificate": per_case,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    seed_parser = sub.add_parser("seed")
    seed_parser.add_argument("--details-file", required=True)
    seed_parser.add_argument("--residents", type=int, default=100_000)
    seed_parser.add_argument("--citizens", type=int, default=16)
    sub.add_parser("verify")
    args = parser.parse_args(argv)
    if args.command == "seed":
        seed(args.details_file, args.residents, args.citizens)
    else:
        print(json.dumps(verify()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
