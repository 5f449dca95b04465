import pytest
from django.db import OperationalError

from rathaus.core import middleware


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["unbekannt.localhost", "norderstedt.localhost", "127.0.0.1"])
def test_healthz_answers_without_a_municipality_host(client, host):
    response = client.get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_does_not_touch_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_checks_database_and_task_store(client):
    response = client.get("/readyz", HTTP_HOST="unbekannt.localhost")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "task_store": True}}


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("connection refused")


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_check_fails(client, monkeypatch):
    monkeypatch.setattr(middleware, "connection", _BrokenConnection())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": False, "task_store": True},
    }


@pytest.mark.django_db
def test_readyz_is_503_when_the_task_store_fails(client, monkeypatch):
    from huey.contrib.djhuey import HUEY

    def broken_queue_size():
        raise ConnectionError("redis down")

    monkeypatch.setattr(HUEY.storage, "queue_size", broken_queue_size)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "task_store": False}
