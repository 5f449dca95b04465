"""The postal vote's services: register import, matching, applications, Wahlscheine."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.db.models import Q
from django.utils import translation

from rathaus.core.models import AuditEvent
from rathaus.elections import selectors, services
from rathaus.elections.constants import ApplicationStatus, Basis, ElectionErrorCode, MatchKind
from rathaus.elections.errors import ElectionError
from rathaus.elections.models import Application, Voter, Wahlschein
from rathaus.elections.rules import Ground

from .conftest import HEADER, IN_TIME, anna, election_make

BERLIN = datetime.timezone(datetime.timedelta(hours=2))  # CEST in September


def submit(election, data=None, **kwargs):
    return services.application_submit(
        election=election, data=data or anna(), now=kwargs.pop("now", IN_TIME), **kwargs
    )


# --- import ---------------------------------------------------------------------------------
def test_import_encrypts_personal_data(election):
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name, birth_date FROM elections_voter")
        stored = cursor.fetchall()
    assert len(stored) == 4
    assert all("Müller" not in row[0] and "1980" not in row[1] for row in stored)
    voter = Voter.objects.get(election=election, number=1)
    assert voter.family_name == "Müller" and voter.birth_date == datetime.date(1980, 5, 17)


def test_import_reports_broken_lines_and_imports_the_rest(norderstedt):
    election = election_make(norderstedt)
    data = f"""{HEADER}
1;001;Müller;Anna;1980-05-17;Rathausallee;50;22846;Norderstedt
x;001;Meier;Paul;1980-05-17;Rathausallee;50;22846;Norderstedt
2;009;Meier;Paul;1980-05-17;Rathausallee;50;22846;Norderstedt
3;001;Meier;Paul;31.02.1980;Rathausallee;50;22846;Norderstedt
4;001;;Paul;1980-05-17;Rathausallee;50;22846;Norderstedt
1;001;Lange;Eva;1980-05-17;Rathausallee;50;22846;Norderstedt
5;001;Lange;Eva;1980-05-17;Rathausallee;50;2284;Norderstedt
6;001;Müller;Anna;1980-05-17;Rathausallee;52;22846;Norderstedt
7;001;Kurz
8;002;Lang;Eva;1981-05-17;Rathausallee;51;22846;Norderstedt
""".encode()
    with translation.override("en"):
        report = services.voter_register_import(election=election, data=data)
    assert report.imported == 2
    assert [line for line, _reason in report.rejected] == [3, 4, 5, 6, 7, 8, 9, 10]
    reasons = dict(report.rejected)
    assert "number" in reasons[3] and "009" in reasons[4] and "date" in reasons[5]
    assert "family_name" in reasons[6] and "twice" in reasons[7] and "five" in reasons[8]
    assert "same person" in reasons[9] and "columns" in reasons[10]
    assert Voter.objects.filter(election=election).count() == 2
    assert AuditEvent.objects.filter(action="elections.voter_register_imported").exists()


def test_import_refuses_a_file_without_the_columns(norderstedt):
    election = election_make(norderstedt)
    report = services.voter_register_import(election=election, data=b"name;date\nA;B\n")
    assert "number" in report.header_error and report.imported == 0
    report = services.voter_register_import(election=election, data="ä".encode("latin-1"))
    assert report.header_error


def test_reimport_replaces_the_register_and_keeps_applications(election):
    application = submit(election).application
    assert application.status == ApplicationStatus.ACCEPTED
    voter_pk = application.voter_id
    # Anna gets another number and district; Jonas leaves; Karl gone too; a new voter comes.
    data = f"""{HEADER}
7;002;Müller;Anna Maria;1980-05-17;Rathausallee;50;22846;Norderstedt
3;002;Özdemir;Ayşe;1990-01-02;Berliner Allee;9;22850;Norderstedt
1;001;Neu;Nina;2005-01-01;Marktplatz;1;22846;Norderstedt
""".encode()
    report = services.voter_register_import(election=election, data=data)
    assert (report.imported, report.created, report.updated, report.removed) == (3, 1, 2, 2)
    anna_entry = Voter.objects.get(pk=voter_pk)
    assert anna_entry.number == 7 and anna_entry.district.code == "002"
    application.refresh_from_db()
    assert application.voter_id == voter_pk and application.status == ApplicationStatus.ACCEPTED
    assert Voter.objects.get(election=election, number=3).house_number == "9"
    assert Voter.objects.filter(election=election).count() == 3


def test_reimport_keeps_a_removed_entry_that_holds_an_application(election):
    application = submit(election).application
    data = f"{HEADER}\n2;001;Schmidt;Jonas;1975-03-12;Ulzburger Straße;3;22846;Norderstedt\n"
    report = services.voter_register_import(election=election, data=data.encode())
    assert report.kept_removed == 1
    entry = Voter.objects.get(pk=application.voter_id)
    assert entry.removed_at is not None and entry.number is None
    # A removed entry matches no new application.
    assert submit(election, anna()).refusal == ElectionErrorCode.NOT_IN_REGISTER


# --- matching -------------------------------------------------------------------------------
def test_exact_match_is_accepted_by_the_system(election):
    result = submit(election, anna(given_names="anna  maria", family_name="Mueller"))
    app = result.application
    assert app.status == ApplicationStatus.ACCEPTED and app.match == MatchKind.EXACT
    assert app.decision_rule == services.SYSTEM_RULE_EXACT
    assert app.voter.number == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"family_name": "Muller"},  # umlaut without its dots
        {"family_name": "Müler"},  # a typo
        {"given_names": "Maria Anna"},  # given names swapped
        {"house_number": "52"},  # another dwelling
        {"voter_number": 2},  # the polling card's number disagrees
    ],
)
def test_near_matches_go_to_a_clerk(election, changes):
    app = submit(election, anna(**changes)).application
    assert app.status == ApplicationStatus.REVIEW and app.match == MatchKind.NEAR
    assert app.decision_rule == ""
    assert app in selectors.review_queue(election=election)
    assert Voter.objects.get(number=1) in selectors.near_candidates(application=app)


def test_no_match_stores_nothing(election):
    result = submit(election, anna(family_name="Fremd", given_names="Franz"))
    assert result.application is None and result.refusal == ElectionErrorCode.NOT_IN_REGISTER
    result = submit(election, anna(birth_date=datetime.date(1981, 5, 17), family_name="Fremd"))
    assert result.refusal == ElectionErrorCode.NOT_IN_REGISTER
    assert not Application.objects.exists()


def test_another_towns_register_is_not_searched(election, other_election):
    submit(election)
    app = submit(other_election).application
    assert app.voter.election == other_election


# --- one application, one Wahlschein --------------------------------------------------------
def test_a_second_application_is_told_that_one_exists(election):
    assert submit(election).application
    again = submit(election, anna(delivery="pickup"))
    assert again.application is None and again.refusal == ElectionErrorCode.ALREADY_APPLIED
    assert Application.objects.count() == 1


def test_a_proxys_second_application_is_refused_by_the_database(election):
    """A proxy's application is counted against the proxy's limit before anything else, so a
    repeat of it reaches the insert, where the database's constraint refuses it."""
    proxy = {"proxy_name": "Paula Proxy", "proxy_address": "Marktplatz 1, 22846 Norderstedt"}
    assert submit(election, anna(**proxy)).application
    again = submit(election, anna(**proxy))
    assert again.application is None and again.refusal == ElectionErrorCode.ALREADY_APPLIED
    assert Application.objects.count() == 1


def test_the_database_allows_one_accepted_application_per_voter(election):
    first = submit(election).application
    with pytest.raises(IntegrityError):
        Application.objects.create(
            election=election,
            reference="BW-TEST-0001",
            voter=first.voter,
            status=ApplicationStatus.ACCEPTED,
            match=MatchKind.EXACT,
            family_name="x",
            given_names="x",
            birth_date=datetime.date(2000, 1, 1),
            street="x",
            house_number="1",
            postal_code="12345",
            city="x",
            delivery="registered",
        )


def test_clerk_accepting_a_near_match_of_a_voter_who_has_one_is_refused(election):
    submit(election)
    near = submit(election, anna(family_name="Muller")).application
    voter = Voter.objects.get(number=1)
    with pytest.raises(ElectionError) as error:
        services.application_accept(application=near, voter=voter, actor=None)
    assert error.value.code == ElectionErrorCode.ALREADY_APPLIED


def test_clerk_decisions(election, other_election):
    near = submit(election, anna(family_name="Muller")).application
    with pytest.raises(ElectionError):  # another election's entry
        services.application_accept(
            application=near, voter=Voter.objects.get(election=other_election, number=1), actor=None
        )
    services.application_accept(
        application=near, voter=Voter.objects.get(election=election, number=1), actor=None
    )
    near.refresh_from_db()
    assert near.status == ApplicationStatus.ACCEPTED
    other = submit(
        election,
        anna(
            family_name="Schmit",
            given_names="Jonas",
            birth_date=datetime.date(1975, 3, 12),
            street="Ulzburger Straße",
            house_number="3",
        ),
    ).application
    services.application_reject(application=other, reason="Unterschrift fehlt", actor=None)
    other.refresh_from_db()
    assert (
        other.status == ApplicationStatus.REJECTED
        and other.rejection_reason == "Unterschrift fehlt"
    )
    with pytest.raises(ElectionError):
        services.application_reject(application=other, reason="again", actor=None)


# --- deadlines ------------------------------------------------------------------------------
def test_regular_application_after_the_deadline_is_refused(election):
    friday = datetime.datetime(2027, 9, 24, 15, 0, 0, tzinfo=BERLIN)
    just_before = friday - datetime.timedelta(seconds=1)
    assert submit(election, now=just_before).application
    with pytest.raises(ElectionError) as error:
        submit(election, anna(given_names="Jonas", family_name="Schmidt"), now=friday)
    assert error.value.code == ElectionErrorCode.DEADLINE_PASSED


def test_sudden_illness_until_election_day_goes_to_a_clerk(election):
    sunday = datetime.datetime(2027, 9, 26, 14, 59, 59, tzinfo=BERLIN)
    app = submit(
        election, anna(ground=Ground.SUDDEN_ILLNESS, delivery="pickup"), now=sunday
    ).application
    assert app.match == MatchKind.EXACT and app.status == ApplicationStatus.REVIEW
    with pytest.raises(ElectionError):
        submit(
            election,
            anna(ground=Ground.SUDDEN_ILLNESS),
            now=sunday + datetime.timedelta(seconds=1),
        )


# --- proxies --------------------------------------------------------------------------------
def test_at_most_four_voters_per_proxy(norderstedt, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    election = election_make(norderstedt)
    lines = [
        f"{n};001;Person{n};Vorname;1960-01-{n:02d};Hauptstraße;{n};22846;Norderstedt"
        for n in range(1, 7)
    ]
    services.voter_register_import(election=election, data="\n".join([HEADER, *lines]).encode())
    proxy = {"proxy_name": "Paula Proxy", "proxy_address": "Marktplatz 1, 22846 Norderstedt"}
    for n in range(1, 5):
        data = anna(
            family_name=f"Person{n}",
            given_names="Vorname",
            birth_date=datetime.date(1960, 1, n),
            street="Hauptstraße",
            house_number=str(n),
            **proxy,
        )
        assert submit(election, data).application.proxy_digest
    fifth = anna(
        family_name="Person5",
        given_names="Vorname",
        birth_date=datetime.date(1960, 1, 5),
        street="Hauptstraße",
        house_number="5",
        proxy_name="paula  proxy",
        proxy_address="Marktplatz 1, 22846 Norderstedt",
    )
    with pytest.raises(ElectionError) as error:
        submit(election, fifth)
    assert error.value.code == ElectionErrorCode.PROXY_LIMIT
    assert Application.objects.filter(election=election).count() == 4


# --- Wahlscheine ----------------------------------------------------------------------------
def test_no_wahlschein_before_the_lists_are_approved(election):
    app = submit(election).application
    with pytest.raises(ElectionError) as error:
        services.wahlschein_issue(application=app, actor=None)
    assert error.value.code == ElectionErrorCode.LISTS_NOT_APPROVED
    services.election_lists_approve(election=election, actor=None)
    election.refresh_from_db()
    ws = services.wahlschein_issue(application=app, actor=None)
    assert ws.number == 1 and ws.basis == Basis.SECTION_25_1
    assert Voter.objects.get(pk=app.voter_id).wahlschein_marked  # "W"
    with pytest.raises(ElectionError):  # one per voter
        services.wahlschein_issue(application=app, actor=None)
    assert Wahlschein.objects.count() == 1


def test_issue_all_and_section_25_2(election):
    submit(election)
    near = submit(
        election, anna(family_name="Fremdling", given_names="Anna Maria", voter_number=1)
    ).application
    services.application_accept_section_25_2(application=near, actor=None)
    services.election_lists_approve(election=election, actor=None)
    assert services.wahlscheine_issue_all(election=election, actor=None) == 2
    assert selectors.wahlscheine_valid(election=election, basis=Basis.SECTION_25_1).count() == 1
    s252 = selectors.wahlscheine_valid(election=election, basis=Basis.SECTION_25_2).get()
    assert s252.voter is None and s252.application == near
    assert services.wahlscheine_issue_all(election=election, actor=None) == 0


def test_replace_a_lost_wahlschein_until_saturday_noon(election):
    app = submit(election).application
    services.election_lists_approve(election=election, actor=None)
    first = services.wahlschein_issue(application=app, actor=None)
    saturday_noon = datetime.datetime(2027, 9, 25, 12, 0, 0, tzinfo=BERLIN)
    new = services.wahlschein_invalidate(
        wahlschein=first,
        actor=None,
        replace=True,
        now=saturday_noon - datetime.timedelta(seconds=1),
    )
    assert new.number == 2 and new.replaces == first and new.valid
    assert list(selectors.wahlscheine_invalid(election=election)) == [first]
    with pytest.raises(ElectionError) as error:
        services.wahlschein_invalidate(wahlschein=new, actor=None, replace=True, now=saturday_noon)
    assert error.value.code == ElectionErrorCode.DEADLINE_PASSED
    assert Wahlschein.objects.get(pk=new.pk).valid  # nothing half-done
    # After the deadline it may still be declared invalid, without a replacement.
    assert (
        services.wahlschein_invalidate(wahlschein=new, actor=None, replace=False, now=saturday_noon)
        is None
    )
    assert selectors.wahlscheine_invalid(election=election).count() == 2
    assert not Wahlschein.objects.filter(Q(invalidated_at__isnull=True)).exists()


def test_dispatch_lines_send_a_notice_to_the_registered_address(election):
    other = anna(
        delivery="other",
        delivery_name="Anna Müller c/o Hotel",
        delivery_street="Seeweg 1",
        delivery_postal_code="18119",
        delivery_city="Rostock",
    )
    submit(election, other)
    submit(
        election,
        anna(
            family_name="Schmidt",
            given_names="Jonas",
            birth_date=datetime.date(1975, 3, 12),
            street="Ulzburger Straße",
            house_number="3",
            delivery="pickup",
        ),
    )
    services.election_lists_approve(election=election, actor=None)
    services.wahlscheine_issue_all(election=election, actor=None)
    kinds = [(line.kind, line.address[0]) for line in selectors.dispatch_lines(election=election)]
    assert kinds == [
        ("documents", "Seeweg 1"),
        ("notice", "Rathausallee 50"),
        ("pickup", "Ulzburger Straße 3"),
    ]


def test_status_lookup_leaks_nothing_to_a_wrong_birth_date(election, norderstedt, reinbek):
    app = submit(election).application
    right = selectors.status_lookup(
        municipality=norderstedt, reference=app.reference.lower(), birth_date=app.birth_date
    )
    assert right.status == "accepted"
    wrong = selectors.status_lookup(
        municipality=norderstedt, reference=app.reference, birth_date=datetime.date(1980, 5, 18)
    )
    unknown = selectors.status_lookup(
        municipality=norderstedt, reference="BW-XXXX-XXXX", birth_date=app.birth_date
    )
    other_town = selectors.status_lookup(
        municipality=reinbek, reference=app.reference, birth_date=app.birth_date
    )
    assert wrong is None and unknown is None and other_town is None


def test_federal_rule_set_keeps_the_times(norderstedt):
    election = election_make(norderstedt)
    election.application_time = datetime.time(13, 0)
    with pytest.raises(ValidationError):
        election.full_clean()
    land = election_make(norderstedt, kind="land", application_time=datetime.time(13, 0))
    land.full_clean()
    assert land.deadlines().application.hour == 13
