"""The citizen journey and the case pages over HTTP."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.services import case_transition

from .conftest import GENERAL, draft_make, submitted_make

pytestmark = pytest.mark.django_db

REI_HOST = "reinbek.localhost"


def _start(client):
    response = client.post(reverse("cases:start", args=[GENERAL]))
    assert response.status_code == 302
    case = Case.objects.get(public_id=response.url.split("/")[3])
    return case, response.url


def _walk(client, url, pages):
    """POST each (expected page slug, data) in turn; returns the final redirect target."""
    for slug, data in pages:
        assert f"/{slug}/" in url, (slug, url)
        page = client.get(url)
        assert page.status_code == 200
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        url = response.url
    return url


JOURNEY = [
    ("anliegen", {"subject": "Laterne defekt", "message": "Die Laterne ist dunkel."}),
    ("kontakt", {"contact_preference": "phone"}),
    ("telefon", {"phone": "040 1234567"}),
    ("angaben", {"applicant_name": "Erika Mustermann"}),
]


def test_whole_journey_for_a_logged_in_citizen(nor_client, norderstedt, citizen):
    nor_client.force_login(citizen)
    start_page = nor_client.get(reverse("cases:start", args=[GENERAL]))
    assert start_page.status_code == 200
    assert "<h1" in start_page.content.decode()

    case, url = _start(nor_client)
    check_url = _walk(nor_client, url, JOURNEY)
    assert check_url.endswith("/pruefen/")

    check = nor_client.get(check_url)
    html = check.content.decode()
    assert check.status_code == 200
    for shown in ("Laterne defekt", "040 1234567", "Erika Mustermann"):
        assert shown in html
    assert "Angaben prüfen" in html  # German is the default language
    change_links = re.findall(r'href="([^"]+\?pruefen=1)"', html)
    assert len(change_links) == 6  # one per answer (incl. "add a file"), each back to the check

    # Without the declaration: error summary, nothing submitted.
    refused = nor_client.post(check_url, {"idempotency_key": case.idempotency_key})
    assert refused.status_code == 200
    assert "Fehler:" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DRAFT

    submitted = nor_client.post(
        check_url, {"idempotency_key": case.idempotency_key, "declaration": "on"}
    )
    assert submitted.status_code == 302
    confirmation = nor_client.get(submitted.url)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.reference in confirmation.content.decode()

    my_cases = nor_client.get(reverse("cases:my_cases"))
    assert case.reference in my_cases.content.decode()
    detail = nor_client.get(reverse("cases:case_detail", args=[case.reference]))
    assert detail.status_code == 200
    with translation.override("de"):
        assert str(CaseStatus.SUBMITTED.label) in detail.content.decode()


def test_change_link_returns_to_the_check_page_and_branching_asks_new_pages(
    nor_client, norderstedt, citizen
):
    nor_client.force_login(citizen)
    case, url = _start(nor_client)
    journey = [
        JOURNEY[0],
        ("kontakt", {"contact_preference": "email"}),
        ("e-mail", {"email": "erika@example.org"}),
        JOURNEY[3],
    ]
    check_url = _walk(nor_client, url, journey)
    kontakt = reverse("cases:page", args=[GENERAL, case.public_id, "kontakt"]) + "?pruefen=1"
    # Back link of a page reached from the check page leads back to the check page.
    assert check_url in nor_client.get(kontakt).content.decode()
    # Switching to phone must ask the newly needed phone page, then return to the check page.
    response = nor_client.post(kontakt, {"contact_preference": "phone"})
    assert "/telefon/?pruefen=1" in response.url
    response = nor_client.post(response.url, {"phone": "040 99"})
    assert response.url == check_url
    # Switching back drops the phone answer.
    nor_client.post(kontakt, {"contact_preference": "post"})
    case.refresh_from_db()
    assert "phone" not in case.answers


def test_page_errors_keep_input_and_show_the_summary(nor_client, norderstedt):
    _case, url = _start(nor_client)
    response = nor_client.post(url, {"subject": "Nur ein Betreff"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fehler:" in html
    assert 'aria-invalid="true"' in html and "Nur ein Betreff" in html


def test_anonymous_journey_keyed_by_session(nor_client, norderstedt):
    case, url = _start(nor_client)
    assert case.applicant is None and case.owner_token_digest
    journey = [JOURNEY[0], ("kontakt", {"contact_preference": ""}), JOURNEY[3]]
    check_url = _walk(nor_client, url, journey)
    response = nor_client.post(
        check_url, {"idempotency_key": case.idempotency_key, "declaration": "on"}
    )
    confirmation = nor_client.get(response.url)
    case.refresh_from_db()
    assert case.reference in confirmation.content.decode()
    # Another anonymous visitor (fresh session) reaches neither the draft pages nor the receipt.
    from django.test import Client

    stranger = Client(HTTP_HOST="norderstedt.localhost")
    assert stranger.get(response.url).status_code == 404
    assert stranger.get(check_url).status_code == 404


def test_anonymous_draft_is_not_reachable_from_another_session(nor_client, norderstedt):
    _case, url = _start(nor_client)
    from django.test import Client

    stranger = Client(HTTP_HOST="norderstedt.localhost")
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"subject": "x", "message": "y"}).status_code == 404


def test_double_click_and_reloaded_submit_create_one_case(nor_client, norderstedt, citizen):
    nor_client.force_login(citizen)
    case = draft_make(municipality=norderstedt, actor=citizen)
    check_url = reverse("cases:check", args=[GENERAL, case.public_id])
    data = {"idempotency_key": case.idempotency_key, "declaration": "on"}
    first = nor_client.post(check_url, data)
    second = nor_client.post(check_url, data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Case.objects.filter(municipality=norderstedt).count() == 1
    assert CaseEvent.objects.filter(case=case).count() == 1
    # Browser back to a question page or the check page leads to the confirmation.
    back = nor_client.get(reverse("cases:page", args=[GENERAL, case.public_id, "anliegen"]))
    assert back.status_code == 302 and back.url == first.url
    assert nor_client.get(check_url).url == first.url


def test_case_pages_are_404_for_other_citizen_other_town_and_anonymous(
    client, norderstedt, citizen, other_citizen, rei_clerk
):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    urls = [
        reverse("cases:case_detail", args=[case.reference]),
        reverse("cases:case_withdraw", args=[case.reference]),
        reverse("cases:confirmation", args=[case.public_id]),
        reverse("cases:check", args=[GENERAL, case.public_id]),
    ]
    nor = {"HTTP_HOST": "norderstedt.localhost"}
    for url in urls:
        assert client.get(url, **nor).status_code == 404, url  # anonymous
    client.force_login(other_citizen)
    for url in urls:
        assert client.get(url, **nor).status_code == 404, url
        assert client.post(url, {}, **nor).status_code in (404, 405), url
    # The owner on the other town's host and the other town's clerk.
    client.force_login(citizen)
    for url in urls:
        assert client.get(url, HTTP_HOST=REI_HOST).status_code == 404, url
    client.force_login(rei_clerk)
    for url in urls:
        assert client.get(url, **nor).status_code == 404, url
        assert client.get(url, HTTP_HOST=REI_HOST).status_code == 404, url
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_citizen_withdraws_over_http(nor_client, norderstedt, citizen, clerk):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    nor_client.force_login(citizen)
    url = reverse("cases:case_withdraw", args=[case.reference])
    assert nor_client.get(url).status_code == 200
    response = nor_client.post(url, {"reason": "Erledigt"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    detail = nor_client.get(response.url).content.decode()
    assert "Erledigt" in detail


def test_decided_case_cannot_be_withdrawn_over_http(nor_client, norderstedt, citizen, clerk):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    case_transition(case=case, to_status=CaseStatus.APPROVED, actor=clerk)
    nor_client.force_login(citizen)
    url = reverse("cases:case_withdraw", args=[case.reference])
    response = nor_client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Fehler:" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


def test_my_cases_lists_only_own_cases_of_this_town(
    nor_client, norderstedt, reinbek, citizen, other_citizen, django_assert_max_num_queries
):
    mine = submitted_make(municipality=norderstedt, actor=citizen)
    theirs = submitted_make(municipality=norderstedt, actor=other_citizen)
    elsewhere = submitted_make(municipality=reinbek, actor=citizen)
    draft = draft_make(municipality=norderstedt, actor=citizen)
    nor_client.force_login(citizen)
    with django_assert_max_num_queries(12):
        html = nor_client.get(reverse("cases:my_cases")).content.decode()
    assert mine.reference in html
    assert theirs.reference not in html and elsewhere.reference not in html
    assert str(draft.public_id) in html


def test_my_cases_requires_login(nor_client, norderstedt):
    response = nor_client.get(reverse("cases:my_cases"))
    assert response.status_code == 302 and "/konto/anmelden/" in response.url


def test_unknown_procedure_is_404(nor_client, norderstedt):
    assert nor_client.get("/anliegen/gibt-es-nicht/start/").status_code == 404


def test_journey_pages_in_english(nor_client, norderstedt):
    nor_client.cookies["django_language"] = "en"
    start_page = nor_client.get(reverse("cases:start", args=[GENERAL]), HTTP_ACCEPT_LANGUAGE="en")
    html = start_page.content.decode()
    assert "General request" in html and "Start now" in html
