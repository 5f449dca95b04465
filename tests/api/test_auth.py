"""Staff API tokens: bearer authentication per municipality, stored hashed."""

import hashlib

import pytest
from django.db import connection
from django.utils import timezone

from rathaus.accounts.models import StaffMembership
from rathaus.api import services
from rathaus.api.models import ApiToken
from rathaus.core.models import AuditEvent

from .conftest import NOR_HOST, REI_HOST, ApiClient, assert_error

pytestmark = pytest.mark.django_db


def unauthorized(response):
    body = assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"
    return body


def test_a_valid_token_lists_cases(nor_api):
    assert nor_api.get("/cases").status_code == 200


def test_no_token_is_401(nor_token):
    api = ApiClient(NOR_HOST)
    unauthorized(api.get("/cases"))
    unauthorized(api.post("/cases/NOR-2026-000001/messages", {"body": "Hallo"}))


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer rth_", "Bearer rth__x", "Bearer nonsense"],
)
def test_malformed_authorization_is_401(nor_token, header):
    response = ApiClient(NOR_HOST).client.get("/api/v1/cases", HTTP_AUTHORIZATION=header)
    unauthorized(response)


def test_a_wrong_secret_or_unknown_prefix_is_401(nor_token):
    _token, clear = nor_token
    api = ApiClient(NOR_HOST)
    unauthorized(api.get("/cases", token=clear[:-2] + ("aa" if clear[-2:] != "aa" else "bb")))
    unauthorized(api.get("/cases", token=f"rth_{'0' * 12}_{clear.split('_', 2)[2]}"))


def test_a_revoked_token_is_401(nor_token, clerk):
    token, clear = nor_token
    services.api_token_revoke(token=token, actor=clerk)
    unauthorized(ApiClient(NOR_HOST, clear).get("/cases"))
    assert AuditEvent.objects.filter(action="api.token_revoked", target_id=str(token.pk)).exists()


def test_a_reinbek_token_on_norderstedts_host_is_401(rei_token, norderstedt):
    _token, clear = rei_token
    unauthorized(ApiClient(NOR_HOST, clear).get("/cases"))
    assert ApiClient(REI_HOST, clear).get("/cases").status_code == 200


def test_token_stops_working_when_its_acting_user_leaves_the_staff(nor_token, clerk):
    _token, clear = nor_token
    StaffMembership.objects.filter(user=clerk).delete()
    unauthorized(ApiClient(NOR_HOST, clear).get("/cases"))


def test_only_staff_of_the_town_can_be_the_acting_user(norderstedt, rei_clerk):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.api_token_create(
            municipality=norderstedt, name="x", acting_user=rei_clerk, created_by=None
        )
    assert not ApiToken.objects.exists()


def test_token_is_stored_hashed(nor_token):
    token, clear = nor_token
    prefix, secret = services.token_parse(clear)
    assert token.prefix == prefix
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        rows = cursor.fetchall()
    assert len(rows) == 1
    raw_values = " ".join(str(value) for value in rows[0])
    assert secret not in raw_values and clear not in raw_values
    assert hashlib.sha256(secret.encode()).hexdigest() in raw_values


def test_last_used_is_recorded(nor_api, nor_token):
    token, _clear = nor_token
    assert token.last_used_at is None
    before = timezone.now()
    nor_api.get("/cases")
    token.refresh_from_db()
    assert token.last_used_at >= before


def test_every_new_token_is_different(norderstedt, clerk):
    clears = {
        services.api_token_create(
            municipality=norderstedt, name=f"t{i}", acting_user=clerk, created_by=None
        )[1]
        for i in range(5)
    }
    assert len(clears) == 5
    assert all(len(services.token_parse(clear)[1]) >= 43 for clear in clears)  # 32 bytes
