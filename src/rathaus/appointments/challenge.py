"""Self-hosted proof-of-work challenge in the style of ALTCHA (no third party, no tracking).

The server picks a random ``salt`` and a secret ``number`` below ``maxnumber`` and publishes
``challenge = sha256(salt + number)`` with ``signature = HMAC(server key, challenge)``. The client
tries numbers until the hash matches (on average ``maxnumber / 2`` hashes) and sends back the
payload ``base64(json({algorithm, challenge, number, salt, signature}))``. Checking it costs the
server one HMAC and one SHA-256, and a table row with a unique key makes each solution usable once.

The salt carries the expiry and the municipality, so a challenge can be neither kept for later nor
carried to another town. The difficulty (``maxnumber``) doubles with every further request from
one address within a window; the address is kept only as a keyed hash in the cache.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from urllib.parse import parse_qs

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from rathaus.core.crypto import blind_index
from rathaus.core.ratelimit import window_count

from .constants import ErrorCode
from .errors import AppointmentError
from .models import UsedChallenge
from .services import hold_plan, hold_write

ALGORITHM = "SHA-256"
KEY_SALT = "rathaus.appointments.challenge"
DEFAULT_MAX_NUMBER = 50_000
DEFAULT_LIFETIME_SECONDS = 600
RATE_WINDOW_SECONDS = 600
FREE_REQUESTS = 3  # requests per window at base difficulty
MAX_DOUBLINGS = 6


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _sign(challenge: str) -> str:
    return salted_hmac(KEY_SALT, challenge, algorithm="sha256").hexdigest()


def _hash(salt: str, number: int) -> str:
    return hashlib.sha256(f"{salt}{number}".encode()).hexdigest()


def difficulty_for(*, municipality, client_address: str) -> int:
    """Count this request and return the ``maxnumber`` for the address."""
    base = _setting("RATHAUS_POW_MAX_NUMBER", DEFAULT_MAX_NUMBER)
    address_hash = blind_index(f"{municipality.pk}:{client_address}", purpose="pow-address")
    count = window_count(key=f"pow:{address_hash}", seconds=RATE_WINDOW_SECONDS)
    if count is None:  # nothing can be counted: the hardest puzzle, rather than none at all
        count = FREE_REQUESTS + MAX_DOUBLINGS
    doublings = min(max(0, count - FREE_REQUESTS), MAX_DOUBLINGS)
    return base * 2**doublings


def challenge_create(*, municipality, client_address: str, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    max_number = difficulty_for(municipality=municipality, client_address=client_address)
    lifetime = _setting("RATHAUS_POW_LIFETIME_SECONDS", DEFAULT_LIFETIME_SECONDS)
    expires = int(now.timestamp()) + lifetime
    salt = f"{secrets.token_hex(12)}?expires={expires}&m={municipality.pk}&"
    number = secrets.randbelow(max_number + 1)
    challenge = _hash(salt, number)
    return {
        "algorithm": ALGORITHM,
        "challenge": challenge,
        "maxnumber": max_number,
        "salt": salt,
        "signature": _sign(challenge),
    }


def challenge_solve(challenge: dict) -> str:
    """Brute-force a challenge as a browser would; for tests, benchmarks and scripted clients."""
    for number in range(challenge["maxnumber"] + 1):
        if _hash(challenge["salt"], number) == challenge["challenge"]:
            solution = {**challenge, "number": number}
            solution.pop("maxnumber", None)
            return base64.b64encode(json.dumps(solution).encode()).decode()
    raise ValueError("challenge has no solution")


def _challenge_check(*, municipality, payload: str, now: dt.datetime) -> tuple[str, int]:
    """Signature, hash, town and expiry of a solution (CPU only); returns (digest, expires)."""
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
        challenge, salt = str(data["challenge"]), str(data["salt"])
        number, signature = int(data["number"]), str(data["signature"])
        params = parse_qs(salt.partition("?")[2])
        expires = int(params["expires"][0])
        town = int(params["m"][0])
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise AppointmentError(ErrorCode.CHALLENGE_INVALID) from exc
    if (
        data.get("algorithm") != ALGORITHM
        or not hmac.compare_digest(_sign(challenge), signature)
        or not hmac.compare_digest(_hash(salt, number), challenge)
        or town != municipality.pk
        or expires <= now.timestamp()
    ):
        raise AppointmentError(ErrorCode.CHALLENGE_INVALID)
    return challenge, expires


def _challenge_spend(*, municipality, digest: str, expires: int) -> None:
    """Store the solution as spent; must run inside an atomic block that a replay ends.

    The unique key decides: a replay's insert fails, and the ``AppointmentError`` raised for it
    leaves (and so rolls back) the caller's block before anything else is written.
    """
    expires_at = dt.datetime.fromtimestamp(expires, tz=dt.UTC)
    # One plain INSERT: the ORM's create() costs a third of a refusal's database work in Python
    # (docs/adr/0008-plain-inserts-on-the-hold-path.md).
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {UsedChallenge._meta.db_table}"  # noqa: S608
                " (municipality_id, digest, expires_at) VALUES (%s, %s, %s)",
                [municipality.pk, digest, connection.ops.adapt_datetimefield_value(expires_at)],
            )
    except IntegrityError as exc:
        raise AppointmentError(ErrorCode.CHALLENGE_REUSED) from exc


def challenge_verify(*, municipality, payload: str, now: dt.datetime | None = None) -> None:
    """Accept a solved challenge once, or raise ``AppointmentError``.

    Runs in its own transaction so a solution stays spent whatever the caller does next.
    """
    now = now or timezone.now()
    digest, expires = _challenge_check(municipality=municipality, payload=payload, now=now)
    with transaction.atomic():
        _challenge_spend(municipality=municipality, digest=digest, expires=expires)


def used_challenges_purge(*, now: dt.datetime | None = None) -> int:
    """Forget spent challenges once they have expired anyway."""
    now = now or timezone.now()
    deleted, _ = UsedChallenge.objects.filter(expires_at__lt=now).delete()
    return deleted


def hold_create_with_challenge(
    *,
    municipality,
    office,
    services: list[tuple[str, int]],
    start: dt.datetime,
    payload: str,
    offered=None,
):
    """Spend a solved challenge and reserve the time, together (web pages and API).

    The solution is spent whatever the answer: a refused hold (409, 422 …) changes nothing
    else, and the spent solution cannot be used again. A replayed solution is refused before
    any slot is touched. ``offered``: the office's service rows by slug, when the caller has
    them (``selectors.office_for_hold``).
    """

    digest, expires = _challenge_check(
        municipality=municipality, payload=payload, now=timezone.now()
    )
    try:
        plan = hold_plan(
            municipality=municipality,
            office=office,
            services=services,
            start=start,
            offered=offered,
        )
    except AppointmentError:
        with transaction.atomic():
            _challenge_spend(municipality=municipality, digest=digest, expires=expires)
        raise
    refusal = None
    with transaction.atomic():
        # First the solution, so a replay is refused before any slot is touched.
        _challenge_spend(municipality=municipality, digest=digest, expires=expires)
        try:
            hold = hold_write(plan)
        except AppointmentError as exc:
            refusal = exc  # nothing of the hold was written; commit the spent solution
    if refusal is not None:
        raise refusal
    return hold
