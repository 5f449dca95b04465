"""Answers that once were server errors or undocumented: every one a documented JSON problem."""

import pytest
from django.test import Client

from .conftest import NOR_HOST, ApiClient, assert_error

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = "9223372036854775808"


@pytest.mark.parametrize(
    "query",
    [
        {"offset": BEYOND_64_BITS},
        {"offset": "1000000001"},
        {"assignee": BEYOND_64_BITS},
        {"assignee": "1" * 40},
    ],
)
def test_numbers_beyond_the_database_range_are_invalid_requests(nor_api, query):
    assert_error(nor_api.get("/cases", query), 422, "invalid_request")


def test_a_large_offset_within_range_answers_an_empty_page(nor_api, nor_case):
    response = nor_api.get("/cases", {"offset": "1000000000"})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_malformed_body_is_a_documented_400(nor_api, nor_case, towns):
    response = nor_api.client.post(
        f"/api/v1/cases/{nor_case.reference}/messages",
        b"\x00{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {nor_api.token}",
    )
    assert_error(response, 400, "malformed_request")
    document = ApiClient(NOR_HOST).get("/openapi.json").json()
    for item in document["paths"].values():
        for operation in item.values():
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= set(operation["responses"]), operation[
                    "operationId"
                ]


def test_unknown_host_under_the_api_answers_json(towns):
    response = Client(HTTP_HOST="unknown.localhost").get("/api/v1/cases")
    assert_error(response, 404, "unknown_host")
    page = Client(HTTP_HOST="unknown.localhost").get("/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "body",
    [
        {
            "office": "buergerbuero\u0000",
            "services": [{"service": "ausweis"}],
            "start": "2030-01-07T09:00:00Z",
            "challenge": "x",
        },
        {
            "office": "buergerbuero",
            "services": [{"service": "aus\u0000weis"}],
            "start": "2030-01-07T09:00:00Z",
            "challenge": "x",
        },
        {"office\u0000": "buergerbuero"},
    ],
)
def test_a_nul_character_anywhere_in_a_body_is_a_documented_400(towns, body):
    # PostgreSQL refuses NUL in a statement; the hold once answered 500 for it.
    response = Client(HTTP_HOST=NOR_HOST).post(
        "/api/v1/holds", body, content_type="application/json"
    )
    assert_error(response, 400, "malformed_request")
