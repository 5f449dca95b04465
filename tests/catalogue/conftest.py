import pytest

from rathaus.catalogue import demo as catalogue_demo


@pytest.fixture
def catalogue(towns):
    """Both demo towns with the default catalogue (Reinbek: own Meldebescheinigung fee)."""
    catalogue_demo.load()
    return towns
