"""Fixtures of the Meldewesen procedure tests: the demo register, Erika Mustermann as the
register knows her, and a citizen the register does not know."""

import datetime

import pytest

from rathaus.register import demo as register_demo
from tests.cases.conftest import user_make


@pytest.fixture
def register(towns, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.RATHAUS_DEMO_RESIDENTS = 20
    register_demo.load()
    return towns[0]


@pytest.fixture
def erika(register):
    user = user_make("erika.mustermann@example.org", given="Erika", family="Mustermann")
    user.birth_date = datetime.date(1964, 8, 12)
    user.save()
    return user


@pytest.fixture
def stranger(register):
    """A citizen with an account whom the register does not know."""
    user = user_make("nora@example.org", given="Nora", family="Niemand")
    user.birth_date = datetime.date(1990, 1, 1)
    user.save()
    return user
