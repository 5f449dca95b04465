"""The release storm's proof-of-work solutions (bench/scenarios/release_storm.py): enough of them
for the sustained phase's whole duration, and each one a solution the server accepts."""

import base64
import json
from types import SimpleNamespace

import pytest
from bench.scenarios import release_storm

from rathaus.appointments import challenge as pow_


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        (20.0, 30_000),  # the default duration: 20 s at 1,500 decided requests a second
        (14.6, 21_900),
        (1.0, 1_500),
        (0.001, 3),  # at least one address's worth
    ],
)
def test_sustained_solutions_follow_the_duration(duration, expected):
    assert release_storm.sustained_solutions_needed(duration, environ={}) == expected


def test_sustained_solutions_cover_the_duration_at_the_ceiling_rate():
    needed = release_storm.sustained_solutions_needed(20.0, environ={})
    assert needed / 20.0 >= release_storm.SUSTAINED_RATE_CEILING
    assert needed % release_storm.PER_ADDRESS == 0


def test_sustained_solutions_rate_and_count_can_be_set():
    rate = {"BENCH_STORM_SUSTAINED_RATE": "800"}
    assert release_storm.sustained_solutions_needed(30.0, environ=rate) == 24_000
    fixed = {"BENCH_STORM_SUSTAINED_SOLUTIONS": "9000", **rate}
    assert release_storm.sustained_solutions_needed(30.0, environ=fixed) == 9_000
    # Rounded up to whole addresses (three challenges each).
    odd = {"BENCH_STORM_SUSTAINED_SOLUTIONS": "10"}
    assert release_storm.sustained_solutions_needed(30.0, environ=odd) == 12


@pytest.mark.parametrize("max_number", [0, 1, 2000])
def test_the_benchmarks_solver_finds_what_the_server_accepts(settings, max_number):
    settings.RATHAUS_POW_MAX_NUMBER = max_number
    town = SimpleNamespace(pk=1)
    challenge = pow_.challenge_create(municipality=town, client_address="192.0.2.7")
    payload = release_storm._solve(challenge)
    data = json.loads(base64.b64decode(payload))
    assert "maxnumber" not in data
    assert 0 <= data["number"] <= max_number
    # The server's own check (signature, hash, town, expiry) takes it.
    digest, _expires = pow_._challenge_check(
        municipality=town, payload=payload, now=pow_.timezone.now()
    )
    assert digest == challenge["challenge"]


def test_a_challenge_without_solution_is_an_error():
    challenge = {"salt": "x?expires=1&m=1&", "challenge": "0" * 64, "maxnumber": 50}
    with pytest.raises(ValueError, match="no solution"):
        release_storm._solve(challenge)
