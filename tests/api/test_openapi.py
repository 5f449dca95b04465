"""The API's OpenAPI document and the error format of paths that do not exist."""

import pytest

from .conftest import NOR_HOST, ApiClient, assert_error

pytestmark = pytest.mark.django_db

CASE_OPERATIONS = {"list_cases", "get_case", "transition_case", "add_message"}
# Appointments plug their router into the same API (see rathaus.api.registry).
APPOINTMENT_OPERATIONS = {
    "list_offices",
    "list_office_services",
    "list_free_slots",
    "get_challenge",
    "create_hold",
    "confirm_booking",
    "cancel_booking",
    "get_booking",
}


def operations(document) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_openapi_document_lists_every_operation_once(towns):
    response = ApiClient(NOR_HOST).get("/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Rathaus API"
    assert document["info"]["version"]
    ids = [operation["operationId"] for _path, _method, operation in operations(document)]
    assert len(ids) == len(set(ids))
    assert set(ids) >= CASE_OPERATIONS | APPOINTMENT_OPERATIONS


def test_case_operations_require_the_bearer_token_in_the_document(towns):
    document = ApiClient(NOR_HOST).get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["ApiTokenAuth"].items()
    for path, method, operation in operations(document):
        if operation["operationId"] in CASE_OPERATIONS:
            assert operation["security"] == [{"ApiTokenAuth": []}], (path, method)
            assert "401" in operation["responses"]
        if operation["operationId"] in APPOINTMENT_OPERATIONS:
            assert "security" not in operation, (path, method)


def test_error_responses_are_documented_with_the_error_schema(towns):
    document = ApiClient(NOR_HOST).get("/openapi.json").json()
    error_schema = document["components"]["schemas"]["ErrorOut"]
    assert set(error_schema["properties"]) == {"code", "message", "details"}
    transition = document["paths"]["/api/v1/cases/{reference}/transitions"]["post"]
    conflict = transition["responses"]["409"]["content"]["application/json"]["schema"]
    assert conflict["$ref"].endswith("/ErrorOut")


def test_unknown_path_under_the_api_is_a_json_404(towns):
    assert_error(ApiClient(NOR_HOST).get("/gibt-es-nicht/"), 404, "not_found")
    assert_error(ApiClient(NOR_HOST).post("/cases/x/y/z", {}), 404, "not_found")


def test_messages_follow_the_request_language_and_codes_stay(towns):
    api = ApiClient(NOR_HOST)
    german = api.client.get("/api/v1/cases", HTTP_ACCEPT_LANGUAGE="de")
    english = api.client.get("/api/v1/cases", HTTP_ACCEPT_LANGUAGE="en")
    assert assert_error(german, 401, "unauthorized")["message"].startswith("Anmeldung")
    assert assert_error(english, 401, "unauthorized")["message"].startswith("Authentication")


def test_an_unexpected_failure_is_a_json_500(nor_api, monkeypatch):
    from rathaus.cases import selectors

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "case_list_for_staff", broken)
    body = assert_error(nor_api.get("/cases"), 500, "internal_error")
    assert "fire" not in body["message"]
