"""Property-based run of the whole API against its own OpenAPI document (schemathesis).

Every operation is called with generated input, valid and invalid, anonymously and with a staff
token of the town: no answer may be a server error, use a status code the document does not list
for the operation, or break the documented schema or content type. Examples are bounded so the
run stays short.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rathaus.api import services

from .conftest import NOR_HOST, ApiClient

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 20


@pytest.fixture
def api_schema(towns):
    """The document as the API serves it, called through Django's WSGI handler. Like Django's
    test client, the handler must not close the test's database connection after each call."""
    document = ApiClient(NOR_HOST).get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(norderstedt):
    from tests.accounts.factories import staff_create

    clerk = staff_create(municipality=norderstedt)
    return services.api_token_create(
        municipality=norderstedt, name="Prüfung", acting_user=clerk, created_by=None
    )[1]


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def _run(operation, mode: GenerationMode, headers: dict) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        call()
    except Unsatisfiable:
        # No invalid input exists for an operation whose inputs are none or any string (GET
        # /offices, GET /offices/{slug}/services); valid input must always be generated.
        assert mode == GenerationMode.NEGATIVE, operation.label


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_anonymous_calls_keep_to_the_document(api_schema, mode):
    for operation in _operations(api_schema):
        _run(operation, mode, {"Host": NOR_HOST})


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_calls_with_a_staff_token_keep_to_the_document(api_schema, staff_token, mode):
    headers = {"Host": NOR_HOST, "Authorization": f"Bearer {staff_token}"}
    for operation in _operations(api_schema):
        _run(operation, mode, headers)
