"""Every URL pattern that shows a case, walked: citizen URLs serve the owner only (the town's own
clerk gets 404 and leaves no trace), and every staff read of personal data — page, file, API —
writes a §40 BMG read-log row.

The patterns are found in the URL configuration, not listed by hand: a new pattern that names a
case (a ``reference``, a case's or payment's ``public_id``) fails this test until it is placed in
``CITIZEN`` or ``STAFF`` below.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rathaus.api import services as api_services
from rathaus.cases import services as case_services
from rathaus.cases.models import CaseReadLog
from rathaus.cases.services import case_document_issue
from tests.accounts.factories import login_verified
from tests.cases.conftest import submitted_make

from .conftest import paid_case_submit

pytestmark = pytest.mark.django_db

HOST = "norderstedt.localhost"
NAME = "Erika Mustermann"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"xref\n0 3\n0000000000 65535 f \ntrailer<</Size 3/Root 1 0 R>>\nstartxref\n9\n%%EOF\n"
)
CASE_PARAMETERS = {"reference", "public_id", "attachment_id", "document_id"}

# Citizen URLs; True where the owner must be served (the journey pages of a submitted case and
# the payment return without a platform answer may refuse even the owner).
CITIZEN = {
    "cases:case_detail": True,
    "cases:case_withdraw": True,
    "cases:attachment_download": True,
    "cases:receipt_download": True,
    "cases:issued_document_download": True,
    "cases:confirmation_receipt_download": True,
    "cases:confirmation": True,
    "cases:check": False,
    "cases:attachment_page": False,
    "cases:page": False,
    "cases:group_add": False,
    "cases:group_item": False,
    "cases:group_remove": False,
    "procedures:code_letter_enter": False,  # only while a code letter waits
    "procedures:custody_consent_code_renew": False,  # a POST, only while a consent waits
    "payments:overview": True,
    "payments:return": False,
    "payments:receipt": False,
}
STAFF = {
    "backoffice:case_detail",
    "backoffice:case_assign",
    "backoffice:case_approve",
    "backoffice:case_complete",
    "backoffice:case_reject",
    "backoffice:case_request_info",
    "backoffice:case_message",
    "backoffice:attachment_download",
    "backoffice:document_download",
    "backoffice:case_action",
    "backoffice:case_stage",
    "backoffice:case_code_letter",
    "backoffice:payment_detail",
    "backoffice:payment_waive",
    "backoffice:payment_refund_request",
    "backoffice:payment_refund_confirm",
    "backoffice:payment_resolve",
    "api-v1:get_case",
    "api-v1:transition_case",
    "api-v1:add_message",
    "api-v1:set_case_stage",
}
# Namespaces whose ids are not a case's (demo platform transactions, admin rows, bookings), and
# the postal vote's applications (not cases: tests/elections/test_views.py walks their URLs
# against the wrong browser, the wrong clerk and the wrong town).
OTHER_NAMESPACES = {
    "admin",
    "payments_demo",
    "appointments",
    "accounts",
    "notifications",
    "elections",
    "elections_office",
}


def _patterns(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}", set(entry.pattern.regex.groupindex)


def case_url_names() -> set[str]:
    return {
        name
        for name, parameters in _patterns()
        if parameters & CASE_PARAMETERS and name.split(":")[0] not in OTHER_NAMESPACES
    }


@pytest.fixture
def world(catalogue, norderstedt, citizen, clerk):
    """A general request with a file and an issued letter, and a paid case for the payment URLs."""
    case = submitted_make(municipality=norderstedt, actor=citizen)
    case.payment = paid_case_submit(municipality=norderstedt, actor=citizen, name=NAME).payment
    attachment = case_services.attachment_add(
        case=case, upload=SimpleUploadedFile("brief.pdf", PDF), actor=citizen
    )
    document = case_document_issue(case=case, document_type="reply_letter", actor=clerk)
    values = {
        "reference": case.reference,
        "attachment_id": attachment.public_id,
        "document_id": document.public_id,
        "procedure_key": case.procedure_key,
        "page_slug": "name",
        "index": 0,
        "action": "pruefen",
        "stage": "printed",
    }
    return case, values


def _url(name: str, case, values: dict) -> str:
    parameters = dict(_patterns())[name]
    kwargs = {key: values[key] for key in parameters if key in values}
    if name == "cases:attachment_page":
        kwargs["page_slug"] = "anhang"
    if "public_id" in parameters:
        kwargs["public_id"] = case.payment.public_id if "payment" in name else case.public_id
    return reverse(name, kwargs=kwargs)


def test_every_case_url_pattern_is_placed():
    assert case_url_names() == set(CITIZEN) | STAFF


def test_citizen_urls_serve_the_owner_only(world, citizen, clerk):
    case, values = world
    owner = Client(HTTP_HOST=HOST)
    owner.force_login(citizen)
    staff = Client(HTTP_HOST=HOST)
    login_verified(staff, clerk)
    for name, owner_served in CITIZEN.items():
        url = _url(name, case, values)
        if owner_served:
            assert owner.get(url).status_code in (200, 302), name
        logged = CaseReadLog.objects.count()
        response = staff.get(url)
        assert response.status_code == 404, name
        assert NAME not in response.content.decode(errors="replace"), name
        assert CaseReadLog.objects.count() == logged, name


def _shows_personal_data(response) -> bool:
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/html", "application/json")):
        return True  # a file of the case: a PDF, an attachment
    return NAME in response.content.decode()


def test_every_staff_read_of_personal_data_is_logged(world, norderstedt, citizen, clerk):
    case, values = world
    staff = Client(HTTP_HOST=HOST)
    login_verified(staff, clerk)
    _token, secret = api_services.api_token_create(
        municipality=norderstedt, name="Fachverfahren", acting_user=clerk, created_by=None
    )
    api = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {secret}")
    owner = Client(HTTP_HOST=HOST)
    owner.force_login(citizen)
    reads = 0
    for name in sorted(STAFF):
        url = _url(name, case, values)
        client = api if name.startswith("api-v1:") else staff
        logged = CaseReadLog.objects.count()
        response = client.get(url)
        if response.status_code == 200 and _shows_personal_data(response):
            assert CaseReadLog.objects.count() == logged + 1, name
            reads += 1
        else:
            assert NAME not in response.content.decode(errors="replace"), name
        # The applicant is not staff: the back office and the API refuse them.
        assert owner.get(url).status_code in (302, 401, 403, 404, 405), name
    assert reads >= 4  # case page, attachment, document, API read
