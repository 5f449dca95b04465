import pytest
from django.contrib.auth.models import AnonymousUser

from rathaus.accounts.models import User
from rathaus.core.audit import audit_event_record
from rathaus.core.models import AuditEvent
from rathaus.core.registry import Registry


@pytest.mark.django_db
def test_audit_event_records_actor_town_and_target(norderstedt):
    clerk = User.objects.create_user(email="clerk@example.org", is_staff=True)
    event = audit_event_record(
        action="municipality.updated",
        actor=clerk,
        municipality=norderstedt,
        target=norderstedt,
        data={"fields": ["phone"]},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "municipality.updated"
    assert stored.actor == clerk
    assert stored.municipality == norderstedt
    assert stored.target_type == "tenants.municipality"
    assert stored.target_id == str(norderstedt.pk)
    assert stored.data == {"fields": ["phone"]}


@pytest.mark.django_db
def test_audit_event_without_actor_or_target():
    event = audit_event_record(action="system.cleanup", actor=AnonymousUser())
    assert event.actor is None
    assert event.municipality is None
    assert (event.target_type, event.target_id, event.data) == ("", "", {})


def test_registry_registers_looks_up_and_refuses_duplicates():
    providers: Registry[type] = Registry("payment provider")

    @providers.register("demo")
    class Demo:
        pass

    assert providers["demo"] is Demo
    assert providers.get("demo") is Demo
    assert providers.get("missing") is None
    assert "demo" in providers and "missing" not in providers
    assert list(providers) == ["demo"]
    assert dict(providers.items()) == {"demo": Demo}
    with pytest.raises(KeyError):
        providers["missing"]
    with pytest.raises(ValueError, match="payment provider 'demo' is registered twice"):
        providers.register("demo")(object)
