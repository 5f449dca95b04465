"""The idle-timeout middleware writes the last-seen second at most once a minute."""

import time
from importlib import import_module
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rathaus.accounts.constants import SESSION_LAST_SEEN
from rathaus.accounts.middleware import LAST_SEEN_WRITE_INTERVAL, last_seen_write_interval

from .factories import PASSWORD, citizen_create

pytestmark = pytest.mark.django_db


def _login(client):
    citizen_create(email="idle@example.org")
    client.post(reverse("accounts:login"), {"email": "idle@example.org", "password": PASSWORD})


def _set_last_seen(client, value: int) -> None:
    session = client.session
    session[SESSION_LAST_SEEN] = value
    session.save()


def _count_saves():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return mock.patch.object(store, "save", autospec=True, side_effect=store.save)


def test_two_requests_within_a_minute_save_the_session_once(nor_client, norderstedt, settings):
    settings.SESSION_IDLE_TIMEOUT = 1800
    _login(nor_client)
    _set_last_seen(nor_client, int(time.time()) - 120)
    with _count_saves() as save:
        assert nor_client.get(reverse("accounts:profile")).status_code == 200
        assert nor_client.get(reverse("accounts:profile")).status_code == 200
    assert save.call_count == 1
    assert int(time.time()) - nor_client.session[SESSION_LAST_SEEN] < LAST_SEEN_WRITE_INTERVAL


def test_recent_last_seen_is_left_alone(nor_client, norderstedt, settings):
    settings.SESSION_IDLE_TIMEOUT = 1800
    _login(nor_client)
    stored = int(time.time()) - 10
    _set_last_seen(nor_client, stored)
    with _count_saves() as save:
        assert nor_client.get(reverse("accounts:profile")).status_code == 200
    assert save.call_count == 0
    assert nor_client.session[SESSION_LAST_SEEN] == stored


def test_first_request_after_login_stores_last_seen(nor_client, norderstedt):
    _login(nor_client)
    session = nor_client.session
    if SESSION_LAST_SEEN in session:
        del session[SESSION_LAST_SEEN]
        session.save()
    assert nor_client.get(reverse("accounts:profile")).status_code == 200
    assert abs(nor_client.session[SESSION_LAST_SEEN] - int(time.time())) <= 2


def test_idle_timeout_still_logs_out(nor_client, norderstedt, settings):
    settings.SESSION_IDLE_TIMEOUT = 1800
    _login(nor_client)
    # Within the timeout (even if the stored value is stale by up to a minute): still logged in.
    _set_last_seen(nor_client, int(time.time()) - 1790)
    assert nor_client.get(reverse("accounts:profile")).status_code == 200
    # The request above refreshed the stored value; now let it run past the timeout.
    _set_last_seen(nor_client, int(time.time()) - 1801)
    response = nor_client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert "_auth_user_id" not in nor_client.session


# Fewer than two letters: the street suggestions answer without a query of their own.
API_CALL = "/api/v1/streets?q=u"


def test_an_api_call_with_the_session_cookie_reads_the_session_but_not_the_account(
    nor_client, norderstedt, settings
):
    settings.SESSION_IDLE_TIMEOUT = 1800
    _login(nor_client)
    _set_last_seen(nor_client, int(time.time()) - 10)
    with CaptureQueriesContext(connection) as queries:
        assert nor_client.get(API_CALL).json() == {"streets": []}
    assert len(queries) == 1
    assert "django_session" in queries[0]["sql"]


def test_an_api_call_keeps_the_session_alive_and_ends_an_idle_one(
    nor_client, norderstedt, settings
):
    settings.SESSION_IDLE_TIMEOUT = 1800
    _login(nor_client)
    _set_last_seen(nor_client, int(time.time()) - 120)
    assert nor_client.get(API_CALL).status_code == 200
    assert int(time.time()) - nor_client.session[SESSION_LAST_SEEN] < LAST_SEEN_WRITE_INTERVAL
    _set_last_seen(nor_client, int(time.time()) - 1801)
    assert nor_client.get(API_CALL).status_code == 200
    assert "_auth_user_id" not in nor_client.session
    assert nor_client.get(reverse("accounts:profile")).status_code == 302


def test_write_interval_never_exceeds_a_quarter_of_the_timeout():
    assert last_seen_write_interval(1800) == 60
    assert last_seen_write_interval(60) == 15
    assert last_seen_write_interval(2) == 0
