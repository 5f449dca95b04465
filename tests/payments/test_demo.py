from rathaus.payments import demo
from rathaus.payments.models import ProviderConfig
from rathaus.payments.services import provider_for


def test_demo_loader_configures_every_town_idempotently(norderstedt, reinbek):
    demo.load()
    demo.load()
    assert ProviderConfig.objects.count() == 2
    config = ProviderConfig.objects.get(municipality=norderstedt)
    assert config.provider_key == "demo" and config.endpoint_id == norderstedt.ags
    provider = provider_for(norderstedt)
    assert provider.key == "demo"
    assert provider.extra_headers()["Host"].startswith("norderstedt.localhost")


def test_client_secret_is_encrypted_at_rest(norderstedt):
    from django.db import connection

    demo.load()
    config = ProviderConfig.objects.get(municipality=norderstedt)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret FROM payments_providerconfig WHERE id = %s", [config.pk]
        )
        stored = cursor.fetchone()[0]
    assert demo.DEMO_CLIENT_SECRET not in stored
    assert config.client_secret == demo.DEMO_CLIENT_SECRET
