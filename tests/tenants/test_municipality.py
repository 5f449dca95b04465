import pytest
from django.core.exceptions import ValidationError

from rathaus.tenants.models import Municipality
from rathaus.tenants.validators import validate_ags


@pytest.mark.parametrize("ags", ["01060063", "16051000", "09162000", "11000000"])
def test_valid_ags(ags):
    validate_ags(ags)


@pytest.mark.parametrize(
    "ags",
    [
        "0106006",  # 7 digits
        "010600633",  # 9 digits
        "00060063",  # state 00
        "17060063",  # state 17
        "99000000",
        "0106006A",
        " 1060063",
        "01060063\n",
        "",
        "０１０６００６３",  # full-width digits are not ASCII digits
        "01０６００６３",
        None,
        1060063,
    ],
)
def test_invalid_ags(ags):
    with pytest.raises(ValidationError) as excinfo:
        validate_ags(ags)
    assert excinfo.value.code == "invalid_ags"


def _town(**overrides) -> Municipality:
    values = {
        "name": "Gemeinde Test",
        "slug": "test",
        "ags": "01060063",
        "state": "SH",
        "reference_prefix": "TST",
    }
    values.update(overrides)
    return Municipality(**values)


@pytest.mark.django_db
def test_ags_matching_state_is_clean():
    _town().full_clean()
    _town(ags="09162000", state="BY", slug="muenchen", reference_prefix="MUC").full_clean()


@pytest.mark.django_db
def test_state_mismatch_is_reported_on_the_state_field():
    with pytest.raises(ValidationError) as excinfo:
        _town(ags="09162000", state="SH").full_clean()
    assert list(excinfo.value.message_dict) == ["state"]


@pytest.mark.django_db
def test_invalid_ags_is_reported_on_the_ags_field():
    with pytest.raises(ValidationError) as excinfo:
        _town(ags="17000000").full_clean()
    assert "ags" in excinfo.value.message_dict
    assert "state" not in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("demo", "port", "expected"),
    [
        (False, "", "https://norderstedt.localhost/pruefen/ABC/"),
        (True, "", "http://norderstedt.localhost/pruefen/ABC/"),
        (True, "8000", "http://norderstedt.localhost:8000/pruefen/ABC/"),
    ],
)
def test_links_leaving_the_request_name_the_towns_host(norderstedt, settings, demo, port, expected):
    from rathaus.tenants.selectors import municipality_absolute_url

    settings.DEBUG = False
    settings.RATHAUS_DEMO = demo
    settings.RATHAUS_PUBLIC_PORT = port
    assert municipality_absolute_url(norderstedt, "/pruefen/ABC/") == expected
