import pytest

from tests.cases.conftest import submitted_make, user_make


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def citizen(db):
    return user_make("erika@example.org")


@pytest.fixture
def other_citizen(db):
    return user_make("max@example.org", given="Max", family="Meier")


@pytest.fixture
def clerk(norderstedt):
    return user_make("clerk@norderstedt.example", staff_of=norderstedt)


@pytest.fixture
def rei_clerk(reinbek):
    return user_make("clerk@reinbek.example", staff_of=reinbek)


@pytest.fixture
def case(norderstedt, citizen):
    return submitted_make(municipality=norderstedt, actor=citizen)
