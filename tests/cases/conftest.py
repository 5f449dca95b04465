import pytest

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.models import StaffMembership, User
from rathaus.cases import services
from rathaus.cases.plugin import procedure_get

GENERAL = "allgemeines-anliegen"


def user_make(email, *, given="Erika", family="Mustermann", staff_of=None):
    user = User.objects.create_user(
        email, "a-long-test-password", given_name=given, family_name=family
    )
    if staff_of is not None:
        user.is_staff = True
        user.save()
        StaffMembership.objects.create(user=user, municipality=staff_of, role=StaffRole.CLERK)
    return user


@pytest.fixture
def citizen(db):
    return user_make("erika@example.org")


@pytest.fixture
def other_citizen(db):
    return user_make("max@example.org", given="Max", family="Meier")


@pytest.fixture
def clerk(norderstedt):
    return user_make(
        "clerk@norderstedt.example", given="Clara", family="Clerk", staff_of=norderstedt
    )


@pytest.fixture
def rei_clerk(reinbek):
    return user_make("clerk@reinbek.example", given="Rita", family="Reinbek", staff_of=reinbek)


@pytest.fixture
def general():
    return procedure_get(GENERAL)


COMPLETE_ANSWERS = {
    "subject": "Laterne defekt",
    "message": "Die Laterne vor Hausnummer 12 ist seit einer Woche dunkel.",
    "contact_preference": "email",
    "applicant_name": "Erika Mustermann",
    "email": "erika@example.org",
}


# The postal address asked when the reply is to come by letter.
POSTAL_ANSWERS = {
    "contact_preference": "post",
    "street": "Rathausallee 12",
    "postal_code": "22846",
    "city": "Norderstedt",
}


def draft_make(*, municipality, actor=None, owner_token="", answers=None):
    procedure = procedure_get(GENERAL)
    case = services.case_draft_start(
        municipality=municipality, procedure=procedure, actor=actor, owner_token=owner_token
    )
    data = dict(COMPLETE_ANSWERS if answers is None else answers)
    for page in procedure.active_pages(data):
        if not any(name in data for name in page.field_names()):
            continue  # a page the citizen has not reached yet
        form = page(data=procedure.page_data(page, data))
        assert form.is_valid(), form.errors
        services.case_draft_answers_save(
            case=case, page=page, cleaned_data=form.cleaned_data, actor=actor
        )
    return case


def submitted_make(*, municipality, actor, answers=None):
    case = draft_make(municipality=municipality, actor=actor, answers=answers)
    case, created = services.case_submit(
        case=case, actor=actor, idempotency_key=case.idempotency_key
    )
    assert created
    return case


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run ``action(*args, **kwargs)`` and then the callbacks it left for the commit (the
    e-mails queued after it), as the request's commit would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


class WorkerKilled(BaseException):
    """The process ends here (a web worker killed during the PDF render): nothing after it runs,
    and its open transaction is rolled back. No ``except Exception`` catches it."""
