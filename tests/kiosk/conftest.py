import pytest
from django.test import Client

from rathaus.kiosk.models import Terminal
from rathaus.kiosk.services import terminal_enrolment_code_issue
from tests.appointments.conftest import office_make

KIOSK_HOST = "norderstedt.localhost"


def terminal_make(municipality, *, office=None, name="Foyer") -> tuple[Terminal, str]:
    terminal = Terminal.objects.create(municipality=municipality, name=name, office=office)
    return terminal, terminal_enrolment_code_issue(terminal=terminal, actor=None)


def enrolled_client(code: str, host: str = KIOSK_HOST) -> Client:
    client = Client(HTTP_HOST=host)
    response = client.post("/terminal/einrichten/", {"code": code})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def office(norderstedt):
    return office_make(norderstedt)


@pytest.fixture
def terminal(norderstedt, office):
    terminal, code = terminal_make(norderstedt, office=office)
    terminal.code = code
    return terminal


@pytest.fixture
def kiosk_client(terminal):
    client = enrolled_client(terminal.code)
    terminal.refresh_from_db()
    return client
