"""Proof-of-work challenge: solvable, single use, unforgeable, harder when repeated."""

import base64
import datetime as dt
import json

import pytest

from rathaus.appointments import challenge as pow_
from rathaus.appointments.constants import ErrorCode
from rathaus.appointments.models import UsedChallenge
from rathaus.appointments.services import AppointmentError

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 8, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def easy(settings, cache_backend):
    """Every test here against local memory and against Redis (``cache_backend``)."""
    settings.RATHAUS_POW_MAX_NUMBER = 2000


def fresh(municipality, address="192.0.2.1"):
    return pow_.challenge_create(municipality=municipality, client_address=address, now=NOW)


def tamper(payload, **changes):
    data = json.loads(base64.b64decode(payload))
    data.update(changes)
    return base64.b64encode(json.dumps(data).encode()).decode()


def refused(municipality, payload, now=NOW):
    with pytest.raises(AppointmentError) as error:
        pow_.challenge_verify(municipality=municipality, payload=payload, now=now)
    return error.value.code


def test_a_solution_is_accepted_once(norderstedt):
    challenge = fresh(norderstedt)
    assert challenge["algorithm"] == "SHA-256" and challenge["maxnumber"] == 2000
    payload = pow_.challenge_solve(challenge)
    pow_.challenge_verify(municipality=norderstedt, payload=payload, now=NOW)
    assert UsedChallenge.objects.count() == 1
    assert refused(norderstedt, payload) == ErrorCode.CHALLENGE_REUSED


def test_forged_or_wrong_solutions_are_refused(norderstedt):
    challenge = fresh(norderstedt)
    payload = pow_.challenge_solve(challenge)
    number = json.loads(base64.b64decode(payload))["number"]
    assert refused(norderstedt, tamper(payload, number=number + 1)) == ErrorCode.CHALLENGE_INVALID
    assert refused(norderstedt, tamper(payload, signature="0" * 64)) == ErrorCode.CHALLENGE_INVALID
    # A self-made challenge with a matching hash but no server signature.
    own = pow_._hash("mysalt?expires=9999999999&m=1&", 1)
    forged = tamper(payload, salt="mysalt?expires=9999999999&m=1&", number=1, challenge=own)
    assert refused(norderstedt, forged) == ErrorCode.CHALLENGE_INVALID
    assert refused(norderstedt, "not base64 at all") == ErrorCode.CHALLENGE_INVALID
    assert refused(norderstedt, tamper(payload, algorithm="SHA-1")) == ErrorCode.CHALLENGE_INVALID
    assert UsedChallenge.objects.count() == 0
    pow_.challenge_verify(municipality=norderstedt, payload=payload, now=NOW)


def test_expired_and_foreign_challenges_are_refused(norderstedt, reinbek):
    payload = pow_.challenge_solve(fresh(norderstedt))
    assert refused(reinbek, payload) == ErrorCode.CHALLENGE_INVALID
    later = NOW + dt.timedelta(seconds=601)
    assert refused(norderstedt, payload, now=later) == ErrorCode.CHALLENGE_INVALID


def test_difficulty_rises_with_repeated_requests_from_one_address(norderstedt, reinbek):
    levels = [fresh(norderstedt)["maxnumber"] for _ in range(12)]
    assert levels[:3] == [2000, 2000, 2000]
    assert levels[3:7] == [4000, 8000, 16000, 32000]
    assert levels[-1] == 2000 * 64  # capped
    assert fresh(norderstedt, address="198.51.100.7")["maxnumber"] == 2000
    assert fresh(reinbek)["maxnumber"] == 2000  # counted per municipality


def test_spent_challenges_are_purged_after_expiry(norderstedt):
    pow_.challenge_verify(
        municipality=norderstedt, payload=pow_.challenge_solve(fresh(norderstedt)), now=NOW
    )
    assert pow_.used_challenges_purge(now=NOW) == 0
    assert pow_.used_challenges_purge(now=NOW + dt.timedelta(hours=1)) == 1


def test_while_the_shared_cache_is_unreachable_the_hardest_puzzle_is_set(
    norderstedt, unreachable_cache
):
    # Nothing can be counted while Redis restarts: the challenge is still given, at the
    # difficulty a busy address reaches, instead of a 500.
    challenge = fresh(norderstedt)
    assert challenge["maxnumber"] == 2000 * 2**pow_.MAX_DOUBLINGS
    solved = pow_.challenge_solve(challenge)
    pow_.challenge_verify(municipality=norderstedt, payload=solved, now=NOW)
    assert UsedChallenge.objects.count() == 1
