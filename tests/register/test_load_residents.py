"""The benchmark's loader: ``manage.py load_residents`` adds invented residents in bulk."""

import pytest
from django.core.management import CommandError, call_command

from rathaus.register import demo, services
from rathaus.register.constants import ResidenceKind
from rathaus.register.models import Person, Residence

pytestmark = pytest.mark.django_db


@pytest.fixture
def streets(norderstedt, reinbek):
    for town in (norderstedt, reinbek):
        services.streets_load(municipality=town, sections=demo.STREETS[town.slug])
    return norderstedt, reinbek


def test_adds_residents_to_the_named_town_only(streets):
    norderstedt, reinbek = streets
    call_command("load_residents", "--count", "60", "--town", "norderstedt")
    persons = Person.objects.filter(municipality=norderstedt)
    assert 60 <= persons.count() <= 64  # whole households
    assert not Person.objects.filter(municipality=reinbek).exists()
    main = Residence.objects.filter(municipality=norderstedt, kind=ResidenceKind.MAIN)
    assert main.count() == persons.count()  # everyone lives at one main residence in the town
    assert {residence.postal_code for residence in main} <= {
        code for _name, code, *_rest in demo.STREETS["norderstedt"]
    }


def test_a_second_load_with_another_seed_adds_other_people(streets):
    norderstedt, _reinbek = streets
    call_command("load_residents", "--count", "30", "--town", "norderstedt", "--seed", "1")
    first = Person.objects.filter(municipality=norderstedt).count()
    call_command("load_residents", "--count", "30", "--town", "norderstedt", "--seed", "2")
    persons = Person.objects.filter(municipality=norderstedt)
    assert persons.count() >= first + 30
    digests = list(persons.values_list("match_digest", flat=True))
    assert len(set(digests)) > first  # not the same people again


def test_refuses_an_unknown_town(streets):
    with pytest.raises(CommandError):
        call_command("load_residents", "--count", "10", "--town", "atlantis")
