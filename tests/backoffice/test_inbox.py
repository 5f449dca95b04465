"""Inbox: filters, search by reference and name, sorting, pagination, assign to me, queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus, Channel
from rathaus.cases.models import Case
from rathaus.cases.plugin import procedure_get
from tests.accounts.factories import staff_create
from tests.cases.conftest import user_make
from tests.procedures.test_fuehrungszeugnis import _counter_approve, _draft, _submit

from .conftest import case_make

pytestmark = pytest.mark.django_db
INBOX = "/verwaltung/"


def _references(response):
    return [row["case"].reference for row in response.context["rows"]]


def test_inbox_url_and_drafts_hidden(as_staff, clerk, norderstedt, citizen, nor_case):
    services.case_draft_start(
        municipality=norderstedt,
        procedure=procedure_get("allgemeines-anliegen"),
        actor=citizen,
        owner_token="x",
    )
    assert reverse("backoffice:inbox") == INBOX
    response = as_staff(clerk).get(INBOX)
    assert response.status_code == 200
    assert _references(response) == [nor_case.reference]
    html = response.content.decode()
    assert '<table class="kern-table' in html
    assert "<caption" in html and 'scope="col"' in html
    assert html.count("<h1") == 1
    assert "Erika Mustermann" in html  # decrypted for display


def test_filter_by_status_assignee_and_overdue(as_staff, clerk, second_clerk, norderstedt):
    fresh = case_make(municipality=norderstedt, name="Anna Alt")
    in_review = case_make(municipality=norderstedt, name="Bert Bau")
    services.case_transition(case=in_review, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    mine = case_make(municipality=norderstedt, name="Carla Chor")
    services.case_assign(case=mine, assignee=clerk, actor=clerk)
    theirs = case_make(municipality=norderstedt, name="Dora Dach")
    services.case_assign(case=theirs, assignee=second_clerk, actor=second_clerk)
    old = case_make(municipality=norderstedt, name="Emil Eile")
    Case.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=30))
    old_done = case_make(municipality=norderstedt, name="Frida Fertig")
    services.case_transition(case=old_done, to_status=CaseStatus.REJECTED, actor=clerk, reason="x")
    Case.objects.filter(pk=old_done.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=30)
    )
    client = as_staff(clerk)

    assert _references(client.get(INBOX, {"status": "in_review"})) == [in_review.reference]
    assert _references(client.get(INBOX, {"assignee": "mine"})) == [mine.reference]
    assert _references(client.get(INBOX, {"assignee": str(second_clerk.pk)})) == [theirs.reference]
    unassigned = set(_references(client.get(INBOX, {"assignee": "unassigned"})))
    assert unassigned == {fresh.reference, in_review.reference, old.reference, old_done.reference}
    # Overdue: undecided and older than the procedure's target time (14 days); decided ones not.
    assert _references(client.get(INBOX, {"overdue": "on"})) == [old.reference]
    assert _references(client.get(INBOX, {"procedure": "allgemeines-anliegen"})) != []
    assert _references(client.get(INBOX, {"procedure": "allgemeines-anliegen", "status": "x"}))
    response = client.get(INBOX, {"status": "no-such-status"})
    assert response.context["form"].errors  # reported, and the filter is ignored
    assert len(_references(response)) == 6


def test_overdue_badge(as_staff, clerk, nor_case):
    Case.objects.filter(pk=nor_case.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=15)
    )
    response = as_staff(clerk).get(INBOX)
    assert response.context["rows"][0]["overdue"] is True


def test_search_by_reference_exact_prefix_and_by_name(as_staff, clerk, norderstedt):
    first = case_make(municipality=norderstedt, name="Erika Mustermann")
    second = case_make(municipality=norderstedt, name="Max Meier")
    client = as_staff(clerk)
    assert _references(client.get(INBOX, {"search": first.reference})) == [first.reference]
    # Prefix, case-insensitive input.
    prefix = first.reference[:-1].lower()
    assert set(_references(client.get(INBOX, {"search": prefix}))) == {
        first.reference,
        second.reference,
    }
    # Name: exact match through the keyed hash (case and spaces do not matter).
    assert _references(client.get(INBOX, {"search": "max  MEIER"})) == [second.reference]
    assert _references(client.get(INBOX, {"search": "Meier"})) == []
    assert "Max Meier" not in client.get(INBOX, {"search": "Meier"}).content.decode()


def test_sort_and_pagination(as_staff, clerk, norderstedt):
    cases = [case_make(municipality=norderstedt, name=f"Person {i}") for i in range(27)]
    base = timezone.now() - datetime.timedelta(days=1)
    for index, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(
            submitted_at=base + datetime.timedelta(minutes=index)
        )
    services.case_transition(case=cases[0], to_status=CaseStatus.IN_REVIEW, actor=clerk)
    client = as_staff(clerk)
    newest = client.get(INBOX)
    assert len(newest.context["rows"]) == 25
    assert _references(newest)[0] == cases[-1].reference
    assert newest.context["page"].paginator.num_pages == 2
    second = client.get(INBOX, {"seite": 2})
    assert _references(second) == [cases[1].reference, cases[0].reference]
    oldest = client.get(INBOX, {"sort": "submitted"})
    assert _references(oldest)[0] == cases[0].reference
    by_status = client.get(INBOX, {"sort": "-status"})
    assert _references(by_status)[0] == cases[0].reference  # in review after submitted
    by_status = client.get(INBOX, {"sort": "status"})
    assert _references(by_status)[0] == cases[-1].reference
    # The page links keep the filters.
    html = client.get(INBOX, {"sort": "submitted"}).content.decode()
    assert "?sort=submitted&amp;seite=2" in html


def test_assign_to_me_from_inbox(as_staff, clerk, nor_case):
    client = as_staff(clerk)
    response = client.post(
        reverse("backoffice:case_assign", args=[nor_case.reference]),
        {"next": "/verwaltung/?status=submitted"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/verwaltung/?status=submitted"
    nor_case.refresh_from_db()
    assert nor_case.assignee == clerk
    assert _references(client.get(INBOX, {"assignee": "mine"})) == [nor_case.reference]


def test_assign_refuses_foreign_next_url(as_staff, clerk, nor_case):
    response = as_staff(clerk).post(
        reverse("backoffice:case_assign", args=[nor_case.reference]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("backoffice:case_detail", args=[nor_case.reference])


def test_inbox_query_count_does_not_grow(
    as_staff, clerk, second_clerk, norderstedt, django_assert_max_num_queries
):
    for index in range(30):
        case = case_make(municipality=norderstedt, name=f"Person {index}")
        services.case_assign(case=case, assignee=clerk if index % 2 else second_clerk, actor=clerk)
    Case.objects.filter(municipality=norderstedt).update(channel=Channel.ONLINE)
    client = as_staff(clerk)
    client.get(INBOX)  # warm caches (host lookup)
    with django_assert_max_num_queries(12):
        response = client.get(INBOX, {"assignee": "", "sort": "status"})
    assert len(response.context["rows"]) == 25
    with django_assert_max_num_queries(12):
        client.get(INBOX, {"search": "Person 3"})


def test_demo_cases_show_in_both_inboxes(client):
    from django.utils.module_loading import import_string

    from rathaus.core.demo import DEMO_LOADERS

    for dotted in DEMO_LOADERS:
        if dotted.startswith(
            ("rathaus.tenants", "rathaus.accounts", "rathaus.catalogue", "rathaus.cases")
        ):
            import_string(dotted)()
    from rathaus.accounts.models import TOTPDevice, User
    from rathaus.tenants.models import Municipality
    from tests.accounts.factories import login_verified

    for slug, host in (("norderstedt", "norderstedt.localhost"), ("reinbek", "reinbek.localhost")):
        town = Municipality.objects.get(slug=slug)
        clerk = (
            User.objects.filter(is_staff=True, memberships__municipality=town)
            .order_by("pk")
            .first()
        )
        assert TOTPDevice.objects.filter(user=clerk, confirmed=True).exists()
        login_verified(client, clerk)
        prefix = f"{town.reference_prefix}-"
        response = client.get(INBOX, HTTP_HOST=host)
        assert response.status_code == 200
        references = _references(response)
        assert len(references) == 7
        assert all(reference.startswith(prefix) for reference in references)
        statuses = {row["case"].status for row in response.context["rows"]}
        assert statuses == set(CaseStatus.values) - {"draft", "awaiting_payment"}


def test_demo_login_text_points_to_the_back_office():
    from rathaus.core.demo import demo_logins_text

    text = demo_logins_text(host="localhost", port="8000")
    assert "http://norderstedt.localhost:8000/verwaltung/" in text
    assert "http://reinbek.localhost:8000/verwaltung/" in text


def test_inbox_markup_comes_from_templates_with_kern_selects(as_staff, clerk, norderstedt):
    hostile = "<script>alert(1)</script> & Co"
    case_make(municipality=norderstedt, name=hostile)
    html = as_staff(clerk).get(INBOX).content.decode()
    # Every filter select sits in KERN's wrapper, which draws its box and arrow.
    for name in ("procedure", "status", "assignee", "sort"):
        assert f'<div class="kern-form-input__select-wrapper"><select name="{name}"' in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert html.count('form="bo-assign"') == 1


def test_offices_page_lists_the_towns_own_offices_with_their_screens(
    as_staff, clerk, team_lead, norderstedt, reinbek
):
    from rathaus.appointments.models import Office

    Office.objects.create(municipality=reinbek, name="Rathaus Reinbek", slug="rathaus-reinbek")
    office = Office.objects.create(municipality=norderstedt, name="Bürgerbüro", slug="bb")
    html = as_staff(clerk).get("/verwaltung/termine/").content.decode()
    assert f'href="/termine/schalter/{office.slug}/"' in html
    assert f'href="/termine/verwaltung/{office.slug}/tag/"' in html
    assert "Rathaus Reinbek" not in html
    assert "/termine/statistik/" not in html  # figures are for team leads
    assert 'aria-current="page">Appointments and counters<' in html
    lead_html = as_staff(team_lead).get("/verwaltung/termine/").content.decode()
    assert f'href="/termine/statistik/{office.slug}/"' in lead_html


@pytest.fixture
def _private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def _status_option(response, value):
    return dict(response.context["form"].fields["status"].choices)[value]


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_status_filter_says_what_the_rows_say(
    as_staff, clerk, norderstedt, _private_root, language
):
    """A general request is "answered", not "approved": the rows say so, and so does the
    status filter — in the service's words once the service is chosen, with every service
    the engine's word and the services' own ("approved / answered")."""
    answered = case_make(municipality=norderstedt, name="Anna Antwort")
    services.case_transition(case=answered, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_decide(
        case=answered, actor=clerk, to_status=CaseStatus.APPROVED, text="Wird repariert."
    )
    client = as_staff(clerk, language=language)
    for filters in (
        {"status": "approved"},
        {"status": "approved", "procedure": "allgemeines-anliegen"},
    ):
        response = client.get(INBOX, filters)
        rows = response.context["rows"]
        assert [row["reference"] for row in rows] == [answered.reference]
        option = _status_option(response, "approved")
        assert rows[0]["status"] in option.split(" / ")
        html = response.content.decode()
        assert f'<option value="approved" selected>{option}</option>' in html
        assert f">{rows[0]['status']}" in html
    # With the service chosen, the option is exactly the rows' word.
    assert _status_option(response, "approved") == rows[0]["status"]
    with translation.override(language):
        words = procedure_get("allgemeines-anliegen").status_label("approved")
        assert rows[0]["status"] == str(words)
    # With every service, the engine's word comes first and the service's word with it.
    everyone = client.get(INBOX, {"status": "approved"})
    with translation.override(language):
        engine = str(CaseStatus.APPROVED.label)
    assert _status_option(everyone, "approved").startswith(f"{engine} / ")
    # Statuses no service names differently keep the one word.
    with translation.override(language):
        assert _status_option(everyone, "in_review") == str(CaseStatus.IN_REVIEW.label)


def test_a_row_shows_the_stage_in_the_words_of_the_stage_filter(
    as_staff, norderstedt, _private_root
):
    """A Führungszeugnis sent to the federal register: "approved" and, beside it, the stage
    "Sent to the federal register" — the words of the stage filter's option."""
    citizen = user_make("erika.fz@example.org")
    clerk = staff_create(municipality=norderstedt, email="fz-clerk@norderstedt.example")
    web = as_staff(clerk)
    case = _submit(_draft(norderstedt, citizen, web, basis="volunteer"), citizen)
    web.logout()
    case = _counter_approve(case, clerk, web)
    assert case.stage == "sent"
    web = as_staff(clerk, language="en")
    response = web.get(INBOX, {"stage": "fuehrungszeugnis:sent"})
    rows = response.context["rows"]
    assert [row["reference"] for row in rows] == [case.reference]
    procedure = procedure_get("fuehrungszeugnis")
    with translation.override("en"):
        stage = procedure.stage_label("sent")
        option = dict(response.context["form"].fields["stage"].choices)["fuehrungszeugnis:sent"]
    assert rows[0]["stage"] == stage and option.endswith(f": {stage}")
    assert f"Stage: {stage}" in response.content.decode()


def _selected(html, name):
    """The values of the selected options of the select ``name``."""
    select = html.split(f'<select name="{name}"', 1)[1].split("</select>", 1)[0]
    options = [option.split(">", 1)[0] for option in select.split('<option value="')[1:]]
    return [option.split('"', 1)[0] for option in options if option.endswith(" selected")]


def _overdue_box(html):
    return html.split('name="overdue"', 1)[1].split(">", 1)[0]


def test_kept_filters_follow_the_choice_the_language_and_the_staff(
    as_staff, clerk, second_clerk, norderstedt
):
    """The filter selects are kept per process (backoffice/inbox_filters.html) under a key of all
    they show: another choice, language or clerk list is another fragment, and a wrong value is
    reported without being kept."""
    from django.core.cache import caches

    from rathaus.accounts.models import User

    case_make(municipality=norderstedt, name="Anna Alt")
    client = as_staff(clerk)
    for _ in range(2):  # rendered, then kept
        first = client.get(INBOX, {"status": "in_review"}).content.decode()
        assert _selected(first, "status") == ["in_review"]
        assert _selected(first, "sort") == []
        assert "checked" not in _overdue_box(first)
    other = client.get(INBOX, {"status": "submitted", "overdue": "on"}).content.decode()
    assert _selected(other, "status") == ["submitted"]
    assert "checked" in _overdue_box(other)

    german = as_staff(clerk, language="de").get(INBOX, {"status": "in_review"}).content.decode()
    assert "Alle Status" in german and "All statuses" not in german

    renamed = User.objects.get(pk=second_clerk.pk)
    renamed.family_name = "Neuname"
    renamed.save()
    client = as_staff(clerk)
    assert "Neuname" in client.get(INBOX, {"status": "in_review"}).content.decode()

    caches["fragments"].clear()
    wrong = client.get(INBOX, {"status": "<b>no-such-status</b>"})
    assert wrong.context["form"].errors
    assert "&lt;b&gt;no-such-status&lt;/b&gt;" in wrong.content.decode()
    kept = b"".join(caches["fragments"]._cache.values())  # pickled fragments
    assert b"no-such-status" not in kept  # nothing kept that repeats what was sent


def test_kept_filters_are_the_filters_rendered_afresh(as_staff, clerk, norderstedt):
    from django.core.cache import caches

    case_make(municipality=norderstedt, name="Anna Alt")
    client = as_staff(clerk)
    params = {"procedure": "allgemeines-anliegen", "assignee": "mine", "sort": "submitted"}
    caches["fragments"].clear()
    fresh = client.get(INBOX, params).content.decode()
    kept_before = len(caches["fragments"]._cache)
    kept = client.get(INBOX, params).content.decode()
    assert len(caches["fragments"]._cache) == kept_before  # served from what was kept

    def filters(html):
        return html.split('class="bo-filters__grid">', 1)[1].split("</button>", 1)[0]

    assert filters(kept) == filters(fresh)


def test_kept_page_frame_follows_the_role_the_section_and_the_town(
    client, as_staff, clerk, team_lead, norderstedt
):
    """The staff links and the footer are kept per process under all they show."""
    from rathaus.tenants.selectors import municipality_cache_clear

    payments = reverse("backoffice:payment_list")
    for _ in range(2):  # rendered, then kept
        html = as_staff(clerk).get(INBOX).content.decode()
        assert f'href="{payments}"' not in html
        assert f'href="{INBOX}" aria-current="page"' in html
        html = as_staff(team_lead).get(payments).content.decode()
        assert f'href="{payments}" aria-current="page"' in html
        assert f'href="{INBOX}" aria-current' not in html
    norderstedt.phone = "04193 111 222"
    norderstedt.save()
    municipality_cache_clear()
    assert 'href="tel:04193111222"' in as_staff(clerk).get(INBOX).content.decode()
