"""An election in each demo town, with a small voter register imported from CSV."""

from __future__ import annotations

import datetime

import pytest

from rathaus.elections import services
from rathaus.elections.models import District, Election

ELECTION_DAY = datetime.date(2027, 9, 26)  # a Sunday
# Friday before, 10:00 in Berlin: well inside the regular deadline.
IN_TIME = datetime.datetime(2027, 9, 10, 10, 0, tzinfo=datetime.UTC)

HEADER = "number;district;family_name;given_names;birth_date;street;house_number;postal_code;city"
REGISTER_CSV = f"""{HEADER}
1;001;Müller;Anna Maria;1980-05-17;Rathausallee;50;22846;Norderstedt
2;001;Schmidt;Jonas;12.03.1975;Ulzburger Straße;3;22846;Norderstedt
3;002;Özdemir;Ayşe;1990-01-02;Berliner Allee;7a;22850;Norderstedt
4;002;Weber;Karl;1950-07-30;Ohechaussee;100;22848;Norderstedt
""".encode()


def election_make(town, *, kind="federal", day=ELECTION_DAY, approved=False, **times):
    election = Election.objects.create(
        municipality=town, kind=kind, title=f"Wahl {town.slug}", election_day=day, **times
    )
    District.objects.create(election=election, code="001", name="Mitte")
    District.objects.create(election=election, code="002", name="Garstedt")
    if approved:
        services.election_lists_approve(election=election, actor=None)
    return election


def anna(**changes) -> services.ApplicationData:
    data = {
        "family_name": "Müller",
        "given_names": "Anna Maria",
        "birth_date": datetime.date(1980, 5, 17),
        "street": "Rathausallee",
        "house_number": "50",
        "postal_code": "22846",
        "city": "Norderstedt",
        **changes,
    }
    return services.ApplicationData(**data)


@pytest.fixture
def election(norderstedt, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    election = election_make(norderstedt)
    report = services.voter_register_import(election=election, data=REGISTER_CSV)
    assert report.imported == 4 and not report.rejected
    return election


@pytest.fixture
def other_election(reinbek):
    election = election_make(reinbek)
    services.voter_register_import(election=election, data=REGISTER_CSV)
    return election
