"""Municipality admins set up elections, upload the voter register and approve the lists — for
their own town only."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from rathaus.accounts.constants import StaffRole
from rathaus.elections.models import Election, Voter
from tests.accounts.factories import login_verified, staff_create

from .conftest import REGISTER_CSV, election_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_admin(nor_client, norderstedt):
    user = staff_create(municipality=norderstedt, role=StaffRole.ADMIN)
    login_verified(nor_client, user)
    return user


def test_admin_creates_an_election_with_districts(nor_client, town_admin, norderstedt):
    response = nor_client.post(
        reverse("admin:elections_election_add"),
        {
            "kind": "land",
            "title": "Landtagswahl",
            "election_day": "2027-05-09",
            "application_time": "13:00:00",
            "exception_time": "15:00:00",
            "replacement_time": "12:00:00",
            "districts-TOTAL_FORMS": "1",
            "districts-INITIAL_FORMS": "0",
            "districts-0-code": "001",
            "districts-0-name": "Mitte",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    election = Election.objects.get()
    assert election.municipality == norderstedt and election.districts.count() == 1
    assert election.deadlines().application.hour == 13


def test_federal_election_refuses_another_deadline(nor_client, town_admin):
    response = nor_client.post(
        reverse("admin:elections_election_add"),
        {
            "kind": "federal",
            "title": "Bundestagswahl",
            "election_day": "2029-09-23",
            "application_time": "13:00:00",
            "exception_time": "15:00:00",
            "replacement_time": "12:00:00",
            "districts-TOTAL_FORMS": "0",
            "districts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and not Election.objects.exists()


def test_upload_reports_rejected_lines(nor_client, town_admin, norderstedt):
    election = election_make(norderstedt)
    url = reverse("admin:elections_election_voter_register", args=[election.pk])
    assert nor_client.get(url).status_code == 200
    data = REGISTER_CSV + b"9;001;Broken;Line;1990-13-45;X;1;22846;Norderstedt\n"
    response = nor_client.post(url, {"file": SimpleUploadedFile("wv.csv", data)})
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 line rejected" in text or "1 Zeile abgelehnt" in text
    assert "<td>6</td>" in text
    assert Voter.objects.filter(election=election).count() == 4


def test_approving_the_lists(nor_client, town_admin, norderstedt):
    election = election_make(norderstedt)
    response = nor_client.post(
        reverse("admin:elections_election_changelist"),
        {"action": "approve_candidate_lists", "_selected_action": [election.pk]},
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.lists_approved


def test_another_towns_election_is_not_there(nor_client, town_admin, reinbek):
    foreign = election_make(reinbek)
    for name in ("admin:elections_election_change", "admin:elections_election_voter_register"):
        response = nor_client.get(reverse(name, args=[foreign.pk]))
        assert response.status_code in (302, 404)
        assert b"Wahl reinbek" not in response.content
    listing = nor_client.get(reverse("admin:elections_election_changelist"))
    assert b"Wahl reinbek" not in listing.content
    upload = nor_client.post(
        reverse("admin:elections_election_voter_register", args=[foreign.pk]),
        {"file": SimpleUploadedFile("wv.csv", REGISTER_CSV)},
    )
    assert upload.status_code in (302, 404)
    assert not Voter.objects.filter(election=foreign).exists()


def test_a_clerk_cannot_set_up_elections(nor_client, norderstedt):
    clerk = staff_create(municipality=norderstedt)
    login_verified(nor_client, clerk)
    election = election_make(norderstedt)
    url = reverse("admin:elections_election_voter_register", args=[election.pk])
    response = nor_client.post(url, {"file": SimpleUploadedFile("wv.csv", REGISTER_CSV)})
    assert response.status_code in (302, 403, 404)
    assert not Voter.objects.exists()


def test_management_command(norderstedt, tmp_path):
    election = election_make(norderstedt)
    path = tmp_path / "wv.csv"
    path.write_bytes(REGISTER_CSV + b"x;001;A;B;1990-01-01;S;1;22846;N\n")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_voter_register",
        "--municipality",
        "norderstedt",
        "--election",
        str(election.public_id),
        str(path),
        stdout=out,
        stderr=err,
    )
    assert "imported 4" in out.getvalue() and "line 6:" in out.getvalue()
    path.write_bytes(b"foo\n")
    with pytest.raises(CommandError):
        call_command(
            "import_voter_register",
            "--municipality",
            "reinbek",
            "--election",
            str(election.public_id),
            str(path),
        )
