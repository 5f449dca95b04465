"""Every response with personal data is ``no-store``: citizen and staff pages, PDFs, the API."""

import pytest
from django.test import Client
from django.urls import reverse

from rathaus.api import services as api_services
from tests.accounts.factories import citizen_create, login_verified, staff_create
from tests.backoffice.conftest import case_make

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_personal_pages_pdfs_and_api_answers_are_no_store(norderstedt):
    citizen = citizen_create(email="erika@example.org")
    case = case_make(municipality=norderstedt, citizen=citizen)
    clerk = staff_create(municipality=norderstedt, email="clara@norderstedt.example")

    own = Client(HTTP_HOST="norderstedt.localhost")
    own.force_login(citizen)
    for url in (
        reverse("accounts:profile"),
        reverse("cases:my_cases"),
        reverse("cases:case_detail", args=[case.reference]),
        reverse("cases:receipt_download", args=[case.reference]),
    ):
        response = own.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url

    staff = Client(HTTP_HOST="norderstedt.localhost")
    login_verified(staff, clerk)
    for url in (
        reverse("backoffice:inbox"),
        reverse("backoffice:case_detail", args=[case.reference]),
    ):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url

    _token, clear = api_services.api_token_create(
        municipality=norderstedt, name="Fachverfahren", acting_user=clerk, created_by=None
    )
    api = Client(HTTP_HOST="norderstedt.localhost", HTTP_AUTHORIZATION=f"Bearer {clear}")
    for url in ("/api/v1/cases", f"/api/v1/cases/{case.reference}"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_public_assets_keep_their_caching(norderstedt):
    response = Client(HTTP_HOST="norderstedt.localhost").get(reverse("web:theme"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
