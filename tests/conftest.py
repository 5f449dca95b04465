import pytest

from rathaus.tenants import demo as tenants_demo


@pytest.fixture
def towns(db):
    """The two demo municipalities: (Norderstedt, Reinbek)."""
    norderstedt, reinbek = tenants_demo.load()
    return norderstedt, reinbek


@pytest.fixture
def norderstedt(towns):
    return towns[0]


@pytest.fixture
def reinbek(towns):
    return towns[1]


@pytest.fixture
def nor_client(client):
    """A test client that talks to Norderstedt's host."""
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    return client


@pytest.fixture
def rei_client(client):
    client.defaults["HTTP_HOST"] = "reinbek.localhost"
    return client
