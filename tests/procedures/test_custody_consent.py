"""The other parent's consent online (a child moves with one parent, §1687 BGB): the applicant
names the other parent, the registration waits for their answer, and only that parent — logged
in with the eID, matched by the register's keyed hash of names and date of birth — can answer,
once, with a code bound to the case, in that town, until it expires. Consent with custody the
register confirms completes the exact case; anything else goes to the clerk."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from rathaus.cases import services as case_services
from rathaus.cases.constants import CaseErrorCode, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.plugin import procedure_get
from rathaus.cases.selectors import case_is_overdue
from rathaus.documents.models import IssuedDocument
from rathaus.notifications.models import OutboxMessage, QueuedEmail
from rathaus.procedures.anmeldung import services as anmeldung_services
from rathaus.procedures.anmeldung.procedure import consent_given
from rathaus.procedures.anmeldung.reminders import consent_reminder_send, consent_reminders_due
from rathaus.procedures.anmeldung.rules import (
    CONSENT_ROUTE_CLERK,
    CONSENT_ROUTE_SYSTEM,
    Custody,
    consent_route,
    same_person,
)
from rathaus.procedures.anmeldung.views import CODE_TRIES_PER_HOUR
from rathaus.procedures.tasks import custody_consent_reminders
from rathaus.register import services as register_services
from rathaus.register.constants import AssignmentCodeKind, BlockKind, RegisterErrorCode
from rathaus.register.errors import RegisterError
from rathaus.register.models import AssignmentCode, Block, Person
from rathaus.register.selectors import assignment_code_check
from tests.accounts.factories import login_verified, staff_create
from tests.cases.conftest import user_make

from .anmeldung_helpers import draft, fill, person, submit, today_de
from .meldewesen import eid_session

NOR = "norderstedt.localhost"
HANS = ("Hans", "Mustermann", datetime.date(1962, 5, 3))


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the throttle's counters
    yield
    cache.clear()


@pytest.fixture
def erika(register):
    return person("erika.mustermann@example.org", "Erika", "Mustermann", datetime.date(1964, 8, 12))


@pytest.fixture
def hans(register):
    return person("hans.mustermann@example.org", *HANS)


@pytest.fixture
def leyla(register):
    return person("leyla.yilmaz@example.org", "Leyla", "Yılmaz", datetime.date(1991, 11, 23))


def _in_register(town, given) -> Person:
    return next(
        p
        for p in Person.objects.filter(municipality=town)
        if p.given_names == given and p.family_name == "Mustermann"
    )


def _landlord_code(town) -> str:
    return register_services.assignment_code_issue(
        municipality=town,
        kind=AssignmentCodeKind.LANDLORD,
        address=register_services.Address("Buchenweg", "8", "22844", "Norderstedt"),
        moved_in=timezone.localdate(),
        persons=[("Erika", "Mustermann"), ("Paula", "Mustermann")],
    ).code


def _pages(town, *, other_parent, method="code"):
    paula = _in_register(town, "Paula")
    confirmation = {"method": method, "code": _landlord_code(town) if method == "code" else ""}
    return [
        (
            "wohnung",
            {
                "street": "Buchenweg",
                "house_number": "8",
                "postal_code": "22844",
                "kind": "main",
                "moved_in": today_de(),
            },
        ),
        (
            "vorher",
            {
                "previous_place": "de",
                "prev_street": "Rathausallee",
                "prev_house_number": "12",
                "prev_postal_code": "22846",
                "prev_city": "Norderstedt",
            },
        ),
        (
            "person",
            {"sex": "w", "nationality": "deutsch", "id_kind": "eid_online", "id_number": ""},
        ),
        ("familie", {"family_moving": [f"child:{paula.public_id}"], "others_moving": "no"}),
        ("sorgerecht", {"custody": "online"}),
        ("anderer-elternteil", other_parent),
        ("bestaetigung", confirmation),
    ]


def _hans_from_register(town):
    return {"other_parent": str(_in_register(town, "Hans").public_id)}


def _waiting(town, erika, other_parent=None, method="code"):
    """Erika moves within the town with her daughter Paula alone and asks Hans to agree online.
    Returns the waiting case and the consent code."""
    case = draft(town, erika, "ummeldung")
    pages = _pages(town, other_parent=other_parent or _hans_from_register(town), method=method)
    form = fill(case, erika, pages)
    assert form is None, form.errors
    case = submit(case, erika)
    assert case.status == CaseStatus.SUBMITTED
    assert case.stage == "consent_awaited"
    code = AssignmentCode.objects.get(issued_for=case, kind=AssignmentCodeKind.CUSTODY_CONSENT)
    return case, code.code


# --- pure rules --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("custody", "given", "known", "confirmed", "route"),
    [
        (Custody.ONLINE, True, True, True, CONSENT_ROUTE_SYSTEM),
        (Custody.ONLINE, False, True, True, CONSENT_ROUTE_CLERK),  # not (yet) agreed
        (Custody.ONLINE, True, False, True, CONSENT_ROUTE_CLERK),  # a child the register lacks
        (Custody.ONLINE, True, True, False, CONSENT_ROUTE_CLERK),  # custody not on record
        (Custody.CONSENT, True, True, True, CONSENT_ROUTE_CLERK),  # an upload: the clerk looks
        (Custody.SOLE, True, True, True, CONSENT_ROUTE_CLERK),  # declared, not shown
    ],
)
def test_consent_route(custody, given, known, confirmed, route):
    assert (
        consent_route(
            custody=custody,
            consent_given=given,
            children_known=known,
            custody_confirmed=confirmed,
        )
        == route
    )


def test_same_person_compares_as_the_register_does():
    born = datetime.date(1962, 5, 3)
    assert same_person(("Hans  Peter", "Müller", born), ("hans peter", "MUELLER", born))
    assert not same_person(("Hans", "Müller", born), ("Hans", "Müller", datetime.date(1962, 5, 4)))
    assert not same_person(("Hans", "Müller", born), ("Hanna", "Müller", born))


# --- the applicant's side ----------------------------------------------------------------------
def test_the_register_offers_the_other_parent_never_one_under_an_auskunftssperre(register, erika):
    case = draft(register, erika, "ummeldung")
    pages = _pages(register, other_parent={})[:5]
    assert fill(case, erika, pages) is None
    case.refresh_from_db()
    page = procedure_get("ummeldung").page("anderer-elternteil")
    context = case_services.case_context(case=case, actor=erika, trust_level="high")
    labels = [str(label) for _value, label in page(context=context).fields["other_parent"].choices]
    assert labels[0] == "Hans Mustermann, 03.05.1962"
    hans = _in_register(register, "Hans")
    Block.objects.create(
        municipality=register,
        person=hans,
        kind=BlockKind.AUSKUNFTSSPERRE,
        valid_from=timezone.localdate(),
        reason="Test",
    )
    form = page(context=context)
    assert "Hans" not in str(form.fields["other_parent"].choices)
    assert form.fields["other_parent"].widget.is_hidden  # only "enter the name" is left
    # At trust level "substantial" the register shows nothing.
    low = case_services.case_context(case=case, actor=erika, trust_level="substantial")
    Block.objects.filter(person=hans).delete()
    assert page(context=low).fields["other_parent"].widget.is_hidden


def test_the_other_parent_entered_by_hand_needs_names_and_may_not_be_oneself(register, erika):
    case = draft(register, erika, "ummeldung")
    assert fill(case, erika, _pages(register, other_parent={})[:5]) is None
    case.refresh_from_db()
    page = procedure_get("ummeldung").page("anderer-elternteil")
    context = case_services.case_context(case=case, actor=erika, trust_level="high")
    form = page(data={"other_parent": "other"}, context=context)
    assert not form.is_valid()
    assert set(form.errors) == {
        "other_parent_given_names",
        "other_parent_family_name",
        "other_parent_birth_date",
    }
    form = page(
        data={
            "other_parent": "other",
            "other_parent_given_names": "Erika",
            "other_parent_family_name": "Mustermann",
            "other_parent_birth_date": "12.08.1964",
        },
        context=context,
    )
    assert not form.is_valid()
    assert "cannot agree in their place" in str(form.errors)


def test_the_waiting_case_shows_the_code_to_the_applicant_only(register, erika, hans, client):
    case, code = _waiting(register, erika)
    eid_session(client, erika)
    page = client.get(f"/anliegen/meine/{case.reference}/", HTTP_HOST=NOR).content.decode()
    shown = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert shown in page
    assert f"/anliegen/zustimmung/?code={shown}" in page
    assert "Waiting for the other parent" in page
    client.logout()
    eid_session(client, hans)  # the other parent has no access to the case itself
    assert client.get(f"/anliegen/meine/{case.reference}/", HTTP_HOST=NOR).status_code == 404


# --- the other parent's answer -----------------------------------------------------------------
def test_consent_given_completes_the_registration(register, erika, hans):
    case, code = _waiting(register, erika)
    request = anmeldung_services.custody_consent_open(
        municipality=register, actor=hans, code=code.lower()
    )
    assert request.children == ["Paula Mustermann"]
    assert request.applicant == "Erika Mustermann"
    assert request.address.startswith("Buchenweg 8")
    assert request.moved_in == timezone.localdate()
    decided = anmeldung_services.custody_consent_answer(
        municipality=register, actor=hans, code=code, agree=True
    )
    assert decided.status == CaseStatus.APPROVED
    case.refresh_from_db()
    assert consent_given(case)
    event = CaseEvent.objects.get(case=case, to_stage="consent_given", from_stage="consent_awaited")
    # Written in the case's language (German here): who, as the eID gave them.
    assert event.actor is None and "Hans Mustermann, geboren am 03.05.1962" in event.reason
    approval = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert approval.rule == "landlord-code-exact-consent-online"
    assert IssuedDocument.objects.filter(case=case).exists()
    assert AssignmentCode.objects.get(code_digest__isnull=False, issued_for=case).used_by == case


def test_another_citizen_gets_nothing(register, erika, leyla):
    case, code = _waiting(register, erika)
    for actor in (leyla, erika):  # another citizen; the applicant cannot answer for the other
        with pytest.raises(RegisterError) as refused:
            anmeldung_services.custody_consent_open(municipality=register, actor=actor, code=code)
        assert refused.value.code == RegisterErrorCode.CODE_WRONG_PERSON
        assert refused.value.details == {}
        with pytest.raises(RegisterError):
            anmeldung_services.custody_consent_answer(
                municipality=register, actor=actor, code=code, agree=True
            )
    case.refresh_from_db()
    assert case.stage == "consent_awaited" and case.status == CaseStatus.SUBMITTED


def test_a_login_without_the_eid_gets_nothing(register, erika):
    _case, code = _waiting(register, erika)
    plain = user_make("hans2@example.org", given="Hans", family="Mustermann")
    plain.birth_date = HANS[2]
    plain.save()  # the profile says Hans, but no identity provider vouched for it
    with pytest.raises(CaseError):
        anmeldung_services.custody_consent_open(municipality=register, actor=plain, code=code)


def test_wrong_town_and_unknown_code(register, reinbek, erika, hans):
    _case, code = _waiting(register, erika)
    for town, attempt in ((reinbek, code), (register, "ABCD-EFGH-2345")):
        with pytest.raises(RegisterError) as refused:
            anmeldung_services.custody_consent_open(municipality=town, actor=hans, code=attempt)
        assert refused.value.code == RegisterErrorCode.CODE_UNKNOWN


def test_expired_and_reused_codes_are_refused(register, erika, hans):
    case, code = _waiting(register, erika)
    AssignmentCode.objects.filter(issued_for=case).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(RegisterError) as refused:
        anmeldung_services.custody_consent_open(municipality=register, actor=hans, code=code)
    assert refused.value.code == RegisterErrorCode.CODE_EXPIRED
    AssignmentCode.objects.filter(issued_for=case).update(
        expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    anmeldung_services.custody_consent_answer(
        municipality=register, actor=hans, code=code, agree=False
    )
    for agree in (True, False):
        with pytest.raises(RegisterError) as refused:
            anmeldung_services.custody_consent_answer(
                municipality=register, actor=hans, code=code, agree=agree
            )
        assert refused.value.code == RegisterErrorCode.CODE_USED


def test_the_code_lasts_fourteen_days(register, erika):
    case, _code = _waiting(register, erika)
    issued = AssignmentCode.objects.get(issued_for=case)
    lasts = issued.expires_at - issued.created_at
    assert abs(lasts - datetime.timedelta(days=14)) < datetime.timedelta(minutes=1)


def test_an_unanswered_consent_is_overdue_for_the_clerk_when_the_code_ends(register, erika):
    case, _code = _waiting(register, erika)
    case.refresh_from_db()
    later = timezone.now() + datetime.timedelta(days=13)
    assert not case_is_overdue(case=case, now=later)
    assert case_is_overdue(case=case, now=later + datetime.timedelta(days=2))


def test_a_refusal_goes_to_the_clerk_with_the_note(register, erika, hans):
    case, code = _waiting(register, erika)
    decided = anmeldung_services.custody_consent_answer(
        municipality=register, actor=hans, code=code, agree=False, note="Wir sind uneins."
    )
    assert decided.status == CaseStatus.SUBMITTED and decided.stage == "consent_refused"
    event = CaseEvent.objects.get(case=case, to_stage="consent_refused")
    assert "Online abgelehnt von Hans Mustermann" in event.reason
    assert "Wir sind uneins." in event.reason
    assert not IssuedDocument.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert not consent_given(case)
    # The clerk may now send a code letter (not while the consent was awaited).
    assert anmeldung_services.code_letter_offered(case=case)


def test_custody_the_register_does_not_confirm_goes_to_the_clerk(register, erika, leyla):
    """Leyla named as the other parent (the register records no custody of hers): her consent
    is recorded, the clerk decides."""
    other = {
        "other_parent": "other",
        "other_parent_given_names": "Leyla",
        "other_parent_family_name": "Yılmaz",
        "other_parent_birth_date": "23.11.1991",
    }
    _case, code = _waiting(register, erika, other_parent=other)
    decided = anmeldung_services.custody_consent_answer(
        municipality=register, actor=leyla, code=code, agree=True
    )
    assert decided.status == CaseStatus.SUBMITTED and decided.stage == "consent_given"


def test_no_code_letter_while_the_consent_is_awaited(register, erika):
    case, _code = _waiting(register, erika, method="letter")
    assert not anmeldung_services.code_letter_offered(case=case)


def test_withdrawing_revokes_the_consent_code(register, erika, hans):
    case, code = _waiting(register, erika)
    case_services.case_withdraw(case=case, actor=erika)
    with pytest.raises(RegisterError) as refused:
        anmeldung_services.custody_consent_open(municipality=register, actor=hans, code=code)
    assert refused.value.code == RegisterErrorCode.CODE_UNKNOWN


def test_a_consent_code_is_no_landlord_code(register, erika):
    _case, code = _waiting(register, erika)
    refusal = assignment_code_check(
        municipality=register,
        code=code,
        street="Buchenweg",
        house_number="8",
        postal_code="22844",
        moved_in=timezone.localdate(),
        persons=[("Paula", "Mustermann")],
    )
    assert refusal.code == RegisterErrorCode.CODE_UNKNOWN


# --- over HTTP ---------------------------------------------------------------------------------
@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_consent_page_needs_the_eid(register, hans, client):
    response = client.get("/anliegen/zustimmung/?code=ABCD", HTTP_HOST=NOR)
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    eid_session(client, hans, level="substantial")
    response = client.get("/anliegen/zustimmung/?code=ABCD", HTTP_HOST=NOR)
    assert response.status_code == 302 and "/konto/identifizieren/" in response["Location"]


def test_the_other_parent_answers_over_http(register, erika, hans, leyla, client):
    case, code = _waiting(register, erika)
    eid_session(client, leyla)
    response = client.post("/anliegen/zustimmung/", {"step": "code", "code": code}, HTTP_HOST=NOR)
    page = response.content.decode()
    assert response.status_code == 200 and "This code was not given to you" in page
    assert "Paula" not in page and "Buchenweg" not in page and "Erika" not in page
    client.logout()

    eid_session(client, hans)
    shown = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    page = client.get(f"/anliegen/zustimmung/?code={shown}", HTTP_HOST=NOR).content.decode()
    assert f'value="{shown}"' in page  # the link fills in the code
    page = client.post(
        "/anliegen/zustimmung/", {"step": "code", "code": shown}, HTTP_HOST=NOR
    ).content.decode()
    assert "Paula Mustermann" in page and "Buchenweg 8" in page and "Erika Mustermann" in page
    assert case.reference not in page
    missing = client.post(
        "/anliegen/zustimmung/", {"step": "answer", "code": shown}, HTTP_HOST=NOR
    ).content.decode()
    assert "Select whether you agree to the move." in missing
    assert re.search(r"<title>Error:", missing)
    done = client.post(
        "/anliegen/zustimmung/", {"step": "answer", "code": shown, "answer": "agree"}, HTTP_HOST=NOR
    ).content.decode()
    assert "your consent is recorded" in done
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


def test_guesses_are_limited(register, erika, hans, client):
    _case, code = _waiting(register, erika)
    eid_session(client, hans)
    for _attempt in range(CODE_TRIES_PER_HOUR):
        page = client.post(
            "/anliegen/zustimmung/", {"step": "code", "code": "ABCD-EFGH-2345"}, HTTP_HOST=NOR
        ).content.decode()
        assert "We do not know this code" in page
    page = client.post(
        "/anliegen/zustimmung/", {"step": "code", "code": code}, HTTP_HOST=NOR
    ).content.decode()
    assert "Too many tries" in page and "Paula" not in page


# --- the waiting applicant and the other parent: one mail, a reminder, a new code --------------
def _mails():
    return list(OutboxMessage.objects.order_by("pk"))


def _shown(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def test_the_applicant_gets_one_mail_that_names_the_waiting_step(
    register, erika, django_capture_on_commit_callbacks
):
    """Submitting sets the stage "consent awaited": the receipt says so; no update mail of its
    own goes out beside it."""
    with django_capture_on_commit_callbacks(execute=True):
        case, _code = _waiting(register, erika)
    assert not QueuedEmail.objects.exists()
    [mail] = _mails()
    assert mail.recipients == "erika.mustermann@example.org"
    assert case.reference in mail.subject
    with translation.override("de"):
        stage = procedure_get("ummeldung").stage_label("consent_awaited")
    assert f"Aktueller Schritt: {stage}" in mail.body


def test_one_reminder_reaches_the_other_parent_before_the_code_ends(
    register, erika, hans, django_capture_on_commit_callbacks
):
    other = {**_hans_from_register(register), "other_parent_email": "hans@example.org"}
    case, code = _waiting(register, erika, other_parent=other)
    issued = AssignmentCode.objects.get(issued_for=case, kind=AssignmentCodeKind.CUSTODY_CONSENT)
    assert consent_reminders_due(now=timezone.now()) == []  # fourteen days to go
    soon = timezone.now() + datetime.timedelta(days=2)
    AssignmentCode.objects.filter(pk=issued.pk).update(expires_at=soon)
    assert consent_reminders_due(now=timezone.now()) == [issued.pk]
    OutboxMessage.objects.all().delete()
    for _run in range(2):  # the periodic task twice: one mail
        with django_capture_on_commit_callbacks(execute=True):
            custody_consent_reminders.call_local()
    [mail] = _mails()
    assert mail.recipients == "hans@example.org"
    link = f"/anliegen/zustimmung/?code={_shown(code)}"
    assert "://" in mail.body and link in mail.body
    assert timezone.localtime(soon).strftime("%d.%m.%Y") in mail.body + mail.subject
    # The mail names nobody: no child, no applicant, no reference.
    for private in ("Paula", "Erika", "Mustermann", case.reference, "Buchenweg"):
        assert private not in mail.subject + mail.body
    issued.refresh_from_db()
    assert issued.reminded_at is not None
    assert consent_reminders_due(now=timezone.now()) == []


def test_no_reminder_without_an_address_for_the_other_parent(register, erika):
    case, _code = _waiting(register, erika)  # no address for the other parent
    AssignmentCode.objects.filter(issued_for=case).update(
        expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    [code_id] = consent_reminders_due(now=timezone.now())
    assert consent_reminder_send(code_id=code_id) is False
    assert consent_reminders_due(now=timezone.now()) == []  # handled: not looked at again
    assert all("hans" not in mail.recipients for mail in _mails())


def test_the_applicant_gets_a_new_code_and_the_old_one_stops_working(
    register, erika, hans, leyla, client
):
    case, old = _waiting(register, erika)
    AssignmentCode.objects.filter(issued_for=case).update(  # the first code has ended
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    detail = f"/anliegen/meine/{case.reference}/"
    renew = f"/anliegen/meine/{case.reference}/zustimmungscode/"
    eid_session(client, erika)
    page = client.get(detail, HTTP_HOST=NOR).content.decode()
    assert f'action="{renew}"' in page and "Send a new consent code" in page
    assert client.get(renew, HTTP_HOST=NOR).status_code == 405
    response = client.post(renew, HTTP_HOST=NOR)
    assert response.status_code == 302 and response["Location"] == detail
    first, second = AssignmentCode.objects.filter(
        issued_for=case, kind=AssignmentCodeKind.CUSTODY_CONSENT
    ).order_by("created_at", "pk")
    assert first.revoked_at is not None and second.revoked_at is None
    new = second.code
    assert second.expires_at > timezone.now() + datetime.timedelta(days=13)
    page = client.get(detail, HTTP_HOST=NOR).content.decode()
    assert _shown(new) in page and _shown(old) not in page
    assert "A new consent code is ready below" in page
    # The wait starts again: the history says so, the stage's deadline counts from now.
    event = CaseEvent.objects.get(
        case=case, from_stage="consent_awaited", to_stage="consent_awaited"
    )
    assert event.actor is None and "neuer Zustimmungscode" in event.reason
    case.refresh_from_db()
    assert case.stage_changed_at > timezone.now() - datetime.timedelta(minutes=1)
    # The old link answers "unknown"; the new one serves the parent named.
    with pytest.raises(RegisterError) as refused:
        anmeldung_services.custody_consent_open(municipality=register, actor=hans, code=old)
    assert refused.value.code == RegisterErrorCode.CODE_UNKNOWN
    request = anmeldung_services.custody_consent_open(municipality=register, actor=hans, code=new)
    assert request.children == ["Paula Mustermann"]
    # Another citizen, the other parent and a clerk get nothing; nothing changes.
    client.logout()
    for intruder in (leyla, hans):
        eid_session(client, intruder)
        assert client.post(renew, HTTP_HOST=NOR).status_code == 404
        client.logout()
    clerk = staff_create(municipality=register)
    with pytest.raises(CaseError):
        anmeldung_services.custody_consent_code_renew(case=case, actor=clerk)
    assert AssignmentCode.objects.filter(issued_for=case).count() == 2
    # Once the other parent has answered there is nothing to renew.
    anmeldung_services.custody_consent_answer(
        municipality=register, actor=hans, code=new, agree=False
    )
    case.refresh_from_db()
    with pytest.raises(CaseError) as refused_case:
        anmeldung_services.custody_consent_code_renew(case=case, actor=erika)
    assert refused_case.value.code == CaseErrorCode.TRANSITION_NOT_ALLOWED
    eid_session(client, erika)
    assert f'action="{renew}"' not in client.get(detail, HTTP_HOST=NOR).content.decode()


def test_waiting_for_the_consent_is_not_overdue_before_the_consent_period_ends(
    register, erika, client
):
    """The Anmeldung's target is 5 days, the consent runs 14: a case waiting for the consent is
    overdue only once its code has ended — in the filter and on the badge alike."""
    case, _code = _waiting(register, erika)
    clerk = staff_create(municipality=register)
    login_verified(client, clerk)

    def overdue_in_inbox():
        response = client.get("/verwaltung/", {"overdue": "on"}, HTTP_HOST=NOR)
        return [row["reference"] for row in response.context["rows"]]

    for days, overdue in ((6, False), (13, False), (15, True)):
        then = timezone.now() - datetime.timedelta(days=days)
        Case.objects.filter(pk=case.pk).update(submitted_at=then, stage_changed_at=then)
        case.refresh_from_db()
        assert case_is_overdue(case=case) is overdue, days
        assert overdue_in_inbox() == ([case.reference] if overdue else []), days
    # An answered consent: the target processing time counts again, from submitting.
    Case.objects.filter(pk=case.pk).update(
        stage="consent_refused", submitted_at=timezone.now() - datetime.timedelta(days=6)
    )
    case.refresh_from_db()
    assert case_is_overdue(case=case) and overdue_in_inbox() == [case.reference]
