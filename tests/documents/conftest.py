import pytest
import segno

from tests.cases.conftest import submitted_make, user_make


def qr_modules(image) -> list[list[bool]]:
    """The dark modules of a QR image (PIL) of one pixel per module, quiet zone included."""
    grey = image.convert("L")
    return [[grey.getpixel((x, y)) < 128 for x in range(grey.width)] for y in range(grey.height)]


def qr_modules_expected(url: str) -> list[list[bool]]:
    """The modules of ``url``'s QR code as the documents draw it: level M, two-module quiet zone."""
    return [
        [bool(module) for module in row] for row in segno.make(url, error="m").matrix_iter(border=2)
    ]


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
