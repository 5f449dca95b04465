"""Fixtures of the Meldewesen procedure tests: the demo register, Erika Mustermann as the
register knows her (identified with the eID), and a citizen the register does not know."""

import pytest

from rathaus.register import demo as register_demo

from .meldewesen import eid_user


@pytest.fixture
def register(towns, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.RATHAUS_DEMO_RESIDENTS = 20
    register_demo.load()
    return towns[0]


@pytest.fixture
def erika(register):
    return eid_user("erika.mustermann@example.org", "Erika", "Mustermann", (1964, 8, 12))


@pytest.fixture
def stranger(register):
    """A citizen with an account (and an eID) whom the register does not know."""
    return eid_user("nora@example.org", "Nora", "Niemand", (1990, 1, 1))
