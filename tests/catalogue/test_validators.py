import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from rathaus.catalogue.models import Service
from rathaus.catalogue.validators import validate_leika_key

VALID = "urn:de:fim:leika:leistung:99115005104000"


def test_valid_leika_key_passes():
    validate_leika_key(VALID)


@pytest.mark.parametrize(
    "value",
    [
        "urn:de:fim:leika:leistung:9911500510400",  # 13 digits
        "urn:de:fim:leika:leistung:991150051040000",  # 15 digits
        "urn:de:fim:leika:leistungen:99115005104000",  # wrong prefix
        "urn:de:fim:leika:99115005104000",  # prefix cut short
        "99115005104000",  # digits only
        "URN:DE:FIM:LEIKA:LEISTUNG:99115005104000",  # prefix in capitals
        "urn:de:fim:leika:leistung:9911500510400a",
        "urn:de:fim:leika:leistung:99115005104000\n",
        "urn:de:fim:leika:leistung:٩٩١١٥٠٠٥١٠٤٠٠٠",  # non-ASCII digits
        "",
    ],
)
def test_invalid_leika_keys_are_rejected(value):
    with pytest.raises(ValidationError) as info:
        validate_leika_key(value)
    assert info.value.code == "invalid_leika_key"


def test_message_is_translated_to_german():
    with pytest.raises(ValidationError) as info:
        validate_leika_key("urn:de:fim:leika:leistung:123")
    with translation.override("de"):
        assert "genau 14 Ziffern" in info.value.messages[0]
    with translation.override("en"):
        assert "exactly 14 digits" in info.value.messages[0]


def _service(**fields):
    defaults = {
        "slug": "test-leistung",
        "name": "Testleistung",
        "summary": "Kurz",
        "delivery_mode": "online",
        "leika_key": VALID,
    }
    return Service(**{**defaults, **fields})


@pytest.mark.django_db
def test_model_validation_uses_the_validator():
    with pytest.raises(ValidationError) as info:
        _service(leika_key="urn:de:fim:leika:leistung:123").full_clean()
    assert "leika_key" in info.value.message_dict


@pytest.mark.django_db
def test_leika_key_is_unique_but_may_be_empty_for_several_services():
    _service().save()
    with pytest.raises(ValidationError) as info:
        _service(slug="zweite").full_clean()
    assert info.value.messages
    _service(slug="ohne-1", leika_key="").save()
    ohne = _service(slug="ohne-2", leika_key="")
    ohne.full_clean()
    ohne.save()
    assert Service.objects.filter(leika_key="").count() == 2


@pytest.mark.django_db
def test_fee_rule_is_validated_on_the_model():
    with pytest.raises(ValidationError) as info:
        _service(fee_rule={"kind": "fixed", "amount": "abc"}).full_clean()
    assert "fee_rule" in info.value.message_dict
