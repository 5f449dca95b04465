import pytest

from rathaus.accounts.constants import StaffRole
from rathaus.cases import services
from rathaus.cases.plugin import procedure_get
from tests.accounts.factories import citizen_create, login_verified, staff_create

GENERAL = "allgemeines-anliegen"
NOR_HOST = "norderstedt.localhost"
REI_HOST = "reinbek.localhost"


def case_make(*, municipality, citizen=None, name="Erika Mustermann", subject="Laterne defekt"):
    """A submitted general request, made the way a citizen makes it."""
    procedure = procedure_get(GENERAL)
    case = services.case_draft_start(
        municipality=municipality, procedure=procedure, actor=citizen, owner_token="t"
    )
    answers = {
        "subject": subject,
        "message": "Die Laterne vor Hausnummer 12 ist dunkel.",
        "contact_preference": "email",
        "applicant_name": name,
        "email": "erika@example.org",
    }
    for page in procedure.active_pages(answers):
        form = page(data=procedure.page_data(page, answers))
        assert form.is_valid(), form.errors
        services.case_draft_answers_save(
            case=case, page=page, cleaned_data=form.cleaned_data, actor=citizen
        )
    case, created = services.case_submit(
        case=case, actor=citizen, idempotency_key=case.idempotency_key
    )
    assert created
    return case


@pytest.fixture
def citizen(db):
    return citizen_create(email="erika@example.org")


@pytest.fixture
def clerk(norderstedt):
    return staff_create(municipality=norderstedt, email="clara@norderstedt.example")


@pytest.fixture
def second_clerk(norderstedt):
    return staff_create(municipality=norderstedt, email="carl@norderstedt.example")


@pytest.fixture
def team_lead(norderstedt):
    return staff_create(
        municipality=norderstedt, role=StaffRole.TEAM_LEAD, email="lead@norderstedt.example"
    )


@pytest.fixture
def town_admin(norderstedt):
    return staff_create(
        municipality=norderstedt, role=StaffRole.ADMIN, email="admin@norderstedt.example"
    )


@pytest.fixture
def rei_clerk(reinbek):
    return staff_create(municipality=reinbek, email="rita@reinbek.example")


@pytest.fixture
def rei_admin(reinbek):
    return staff_create(municipality=reinbek, role=StaffRole.ADMIN, email="boss@reinbek.example")


@pytest.fixture
def as_staff(client):
    """Log a staff member in (password and TOTP verified) on a town's host; returns the client."""

    def login(user, host=NOR_HOST, language="en"):
        login_verified(client, user)
        client.defaults["HTTP_HOST"] = host
        client.cookies["django_language"] = language
        return client

    return login


@pytest.fixture
def nor_case(norderstedt, citizen):
    return case_make(municipality=norderstedt, citizen=citizen)
