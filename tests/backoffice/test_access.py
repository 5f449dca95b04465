"""Every back-office URL: anonymous → staff login, citizen/other town's clerk → 404, no read log."""

import pytest
from django.urls import reverse

from rathaus.cases.models import CaseReadLog
from tests.accounts.factories import login_verified

from .conftest import NOR_HOST, REI_HOST

pytestmark = pytest.mark.django_db


def _urls(reference):
    return [
        ("get", reverse("backoffice:inbox")),
        ("get", reverse("backoffice:case_detail", args=[reference])),
        ("post", reverse("backoffice:case_assign", args=[reference])),
        ("get", reverse("backoffice:case_approve", args=[reference])),
        ("post", reverse("backoffice:case_approve", args=[reference])),
        ("get", reverse("backoffice:case_complete", args=[reference])),
        ("post", reverse("backoffice:case_complete", args=[reference])),
        ("get", reverse("backoffice:case_reject", args=[reference])),
        ("post", reverse("backoffice:case_reject", args=[reference])),
        ("get", reverse("backoffice:case_request_info", args=[reference])),
        ("post", reverse("backoffice:case_request_info", args=[reference])),
        ("get", reverse("backoffice:case_message", args=[reference])),
        ("post", reverse("backoffice:case_message", args=[reference])),
        ("post", reverse("backoffice:case_action", args=[reference, "pruefen"])),
        ("post", reverse("backoffice:case_action", args=[reference, "abschliessen"])),
        ("get", reverse("backoffice:read_log")),
        ("get", reverse("backoffice:statistics")),
        ("get", reverse("backoffice:offices")),
    ]


def _request(client, method, url):
    data = {"text": "Bitte Nachweis senden", "message-text": "Hallo"} if method == "post" else None
    return getattr(client, method)(url, data, HTTP_HOST=client.defaults.get("HTTP_HOST"))


def test_anonymous_goes_to_staff_login(nor_client, nor_case):
    for method, url in _urls(nor_case.reference):
        response = _request(nor_client, method, url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:staff_login")), url
    assert not CaseReadLog.objects.exists()


def test_citizen_gets_404(nor_client, nor_case, citizen):
    nor_client.force_login(citizen)
    for method, url in _urls(nor_case.reference):
        response = _request(nor_client, method, url)
        # A citizen has no second factor: sent to the staff login like anonymous visitors.
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("accounts:staff_login"))
    assert not CaseReadLog.objects.exists()


def test_staff_without_verified_second_factor_is_sent_to_login(nor_client, nor_case, clerk):
    nor_client.force_login(clerk)
    response = nor_client.get(reverse("backoffice:case_detail", args=[nor_case.reference]))
    assert response.status_code == 302
    assert not CaseReadLog.objects.exists()


@pytest.mark.parametrize("host", [NOR_HOST, REI_HOST])
def test_clerk_of_other_town_gets_404_and_no_log(client, nor_case, rei_admin, host):
    login_verified(client, rei_admin)
    client.defaults["HTTP_HOST"] = host
    before = nor_case.status
    for method, url in _urls(nor_case.reference):
        if host == REI_HOST and url in (
            reverse("backoffice:inbox"),
            reverse("backoffice:read_log"),
            reverse("backoffice:statistics"),
            reverse("backoffice:offices"),
        ):
            continue  # his own town's pages; checked below that they show nothing of Norderstedt
        response = _request(client, method, url)
        assert response.status_code == 404, (host, method, url)
    nor_case.refresh_from_db()
    assert nor_case.status == before
    assert nor_case.assignee_id is None
    assert not CaseReadLog.objects.exists()
    assert not nor_case.messages.exists()


def test_clerk_of_other_town_sees_nothing_of_this_town_on_his_host(client, nor_case, rei_admin):
    login_verified(client, rei_admin)
    client.defaults["HTTP_HOST"] = REI_HOST
    inbox = client.get(reverse("backoffice:inbox"))
    assert inbox.status_code == 200
    assert nor_case.reference not in inbox.content.decode()
    assert inbox.context["page"].paginator.count == 0
    search = client.get(reverse("backoffice:inbox"), {"search": nor_case.reference})
    assert search.context["page"].paginator.count == 0
    stats = client.get(reverse("backoffice:statistics"))
    assert stats.context["total"] == 0


def test_clerk_may_not_see_read_log_or_statistics(as_staff, clerk, team_lead):
    client = as_staff(clerk)
    assert client.get(reverse("backoffice:read_log")).status_code == 404
    assert client.get(reverse("backoffice:statistics")).status_code == 404
    client = as_staff(team_lead)
    assert client.get(reverse("backoffice:read_log")).status_code == 404
    assert client.get(reverse("backoffice:statistics")).status_code == 200


def test_admin_sees_everything(as_staff, town_admin, nor_case):
    client = as_staff(town_admin)
    for name in ("backoffice:inbox", "backoffice:read_log", "backoffice:statistics"):
        assert client.get(reverse(name)).status_code == 200, name


def test_draft_is_not_reachable(as_staff, clerk, norderstedt, citizen):
    from rathaus.cases import services
    from rathaus.cases.plugin import procedure_get

    draft = services.case_draft_start(
        municipality=norderstedt,
        procedure=procedure_get("allgemeines-anliegen"),
        actor=citizen,
        owner_token="x",
    )
    client = as_staff(clerk)
    inbox = client.get(reverse("backoffice:inbox"))
    assert inbox.context["page"].paginator.count == 0
    # Drafts have no reference; an empty one does not resolve to a case either.
    assert draft.reference == ""
    assert client.get("/verwaltung/faelle/%20/").status_code == 404


def test_admin_still_mounted(nor_client, norderstedt):
    response = nor_client.get("/verwaltung/admin/")
    assert response.status_code == 302
    assert "/verwaltung/admin/login/" in response["Location"]
