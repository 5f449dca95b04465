import pytest
from django.test import Client

from rathaus.api import services
from tests.accounts.factories import staff_create
from tests.cases.conftest import submitted_make, user_make

NOR_HOST = "norderstedt.localhost"
REI_HOST = "reinbek.localhost"


class ApiClient:
    """A test client for one host that sends an optional bearer token."""

    def __init__(self, host: str, token: str | None = None):
        self.client = Client(HTTP_HOST=host)
        self.token = token

    def _headers(self, token):
        token = self.token if token is None else token
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, data=None, *, token=None):
        return self.client.get(f"/api/v1{path}", data or {}, **self._headers(token))

    def post(self, path, body, *, token=None):
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", **self._headers(token)
        )


@pytest.fixture
def clerk(norderstedt):
    return staff_create(municipality=norderstedt)


@pytest.fixture
def rei_clerk(reinbek):
    return staff_create(municipality=reinbek)


@pytest.fixture
def nor_token(norderstedt, clerk):
    """(ApiToken, clear token) of Norderstedt, acting as ``clerk``."""
    return services.api_token_create(
        municipality=norderstedt, name="Fachverfahren", acting_user=clerk, created_by=None
    )


@pytest.fixture
def rei_token(reinbek, rei_clerk):
    return services.api_token_create(
        municipality=reinbek, name="Fachverfahren", acting_user=rei_clerk, created_by=None
    )


@pytest.fixture
def nor_api(nor_token):
    return ApiClient(NOR_HOST, nor_token[1])


@pytest.fixture
def rei_api(rei_token):
    return ApiClient(REI_HOST, rei_token[1])


@pytest.fixture
def citizen(db):
    return user_make("erika@example.org")


@pytest.fixture
def nor_case(norderstedt, citizen):
    return submitted_make(municipality=norderstedt, actor=citizen)


@pytest.fixture
def rei_case(reinbek, citizen):
    return submitted_make(municipality=reinbek, actor=citizen)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert body["message"]
    assert isinstance(body["details"], dict)
    return body
