"""The Meldewesen scenarios' pieces: what citizens type, reading the journey's pages, and one
journey to the PDF over real HTTP with a session written as the demo BundID writes it."""

import pytest
from bench.lib.melde_journey import (
    STEPS,
    certificate_link,
    client_open,
    hidden_value,
    journey_run,
    location_path,
    reference_number,
)
from bench.lib.melde_seed import citizen_sessions, citizens_pick, street_queries

from rathaus.cases.models import Case
from rathaus.documents.models import IssuedDocument
from rathaus.register import demo as register_demo
from tests.bench.event_loop import run


def test_street_queries_are_prefixes_and_later_words_once_each():
    queries = street_queries(["Segeberger Chaussee", "Rathausallee"], longest=4)
    assert queries == ["se", "seg", "sege", "chaussee", "ra", "rat", "rath"]
    assert (
        len(set(street_queries(sorted(n for n, *_ in register_demo.STREETS["norderstedt"])))) > 100
    )


def test_the_pages_are_read_as_a_browser_reads_them():
    page = '<input type="hidden" value="Erika &amp; Co" name="applicant_name" id="x">'
    assert hidden_value(page, "applicant_name") == "Erika & Co"
    assert hidden_value(page, "missing") == ""
    assert reference_number('<p class="kern-heading-medium rh-reference">NOR-2026-000042</p>') == (
        "NOR-2026-000042"
    )
    link = (
        '<a href="/anliegen/meine/NOR-2026-000042/dokumente/0b5c6a8e-1d2f-4e3a-9b7c-111122223333/">'
    )
    assert certificate_link(link, "NOR-2026-000042").endswith("-111122223333/")
    with pytest.raises(ValueError):
        certificate_link(link, "NOR-2026-000043")
    assert location_path("http://norderstedt.localhost/anliegen/x/?a=1") == "/anliegen/x/?a=1"


@pytest.mark.django_db(transaction=True)
def test_a_journey_reaches_the_pdf_with_a_session_like_the_demo_bundids(
    live_server, towns, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.RATHAUS_DEMO_RESIDENTS = 60
    register_demo.load()
    norderstedt = towns[0]
    persons = citizens_pick(municipality=norderstedt, count=2)
    assert len({person.pk for person in persons}) == 2
    sessions = citizen_sessions(municipality=norderstedt, persons=persons)

    async def one(session):
        connection, token = await client_open(
            live_server.url, host="norderstedt.localhost", session=session
        )
        try:
            return await journey_run(connection, token)
        finally:
            connection.close()

    done = run(one(sessions[0]), timeout=120)
    assert set(done.steps) == set(STEPS) and done.pdf_bytes > 1000
    case = Case.objects.get(procedure_key="meldebescheinigung")
    assert case.status == "approved"
    assert IssuedDocument.objects.filter(case=case, document_type="meldebescheinigung").count() == 1
    # The certificate is the picked resident's: the register matched the identity vouched for.
    assert case.applicant.verified_identity.family_name == persons[0].family_name
