"""The in-process Meldebescheinigung harness: the benchmark's own journey, answered by the WSGI
handler in the test's process, with each request's CPU time and statements recorded."""

import asyncio

import pytest
from bench.lib.inbox_cpu import WsgiCaller
from bench.lib.melde_journey import START, STEPS, csrf_token, journey_run
from bench.lib.melde_profile import InProcessConnection, StatementCounter, complete
from bench.lib.melde_seed import citizen_sessions, citizens_pick
from django.db import connection

from rathaus.cases.models import Case
from rathaus.register import demo as register_demo


def test_complete_runs_a_coroutine_that_never_waits_and_refuses_one_that_does():
    async def at_once():
        return 42

    async def waits():
        await asyncio.sleep(0)

    assert complete(at_once()) == 42
    with pytest.raises(RuntimeError):
        complete(waits())


@pytest.mark.django_db
def test_a_journey_in_process_records_each_step(towns, settings, tmp_path, keep_connection):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.RATHAUS_DEMO_RESIDENTS = 60
    register_demo.load()
    persons = citizens_pick(municipality=towns[0], count=1)
    caller = WsgiCaller(
        "norderstedt.localhost", citizen_sessions(municipality=towns[0], persons=persons)[0]
    )
    status, _headers, page = caller.get(START)
    assert status.startswith("200") and "csrftoken" in caller.cookies
    counter = StatementCounter()
    client = InProcessConnection(caller, counter)

    with connection.execute_wrapper(counter):
        done = complete(journey_run(client, csrf_token(page.decode())))

    assert done.pdf_bytes > 1000
    assert Case.objects.get(procedure_key="meldebescheinigung").status == "approved"
    assert len(client.samples) == len(STEPS)
    assert all(cpu > 0 and statements > 0 for cpu, statements in client.samples)
    assert counter.count == sum(statements for _cpu, statements in client.samples)
