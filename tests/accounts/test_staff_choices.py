"""The town's staff as filter choices: cached per process for a short time, and cleared at once in
this process when a user or a membership changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.accounts import selectors
from rathaus.accounts.constants import StaffRole
from rathaus.accounts.models import StaffMembership
from rathaus.accounts.selectors import staff_choices_for
from rathaus.core import cache

from .factories import citizen_create, staff_create

pytestmark = pytest.mark.django_db


def _queries(function) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return result, len(captured.captured_queries)


def test_choices_are_the_towns_staff_sorted_by_name_and_read_once(norderstedt, reinbek):
    zoe = staff_create(municipality=norderstedt)
    zoe.given_name, zoe.family_name = "Zoë", "Zander"
    zoe.save()
    anna = staff_create(municipality=norderstedt, role=StaffRole.ADMIN)
    staff_create(municipality=reinbek)
    citizen_create(email="not-staff@example.org")

    choices, queries = _queries(lambda: staff_choices_for(municipality=norderstedt))
    assert choices == ((str(anna.pk), "Sam Staff"), (str(zoe.pk), "Zoë Zander"))
    assert queries == 1
    again, queries = _queries(lambda: staff_choices_for(municipality=norderstedt))
    assert again == choices and queries == 0


def test_a_new_or_removed_clerk_clears_the_cache_at_once(norderstedt):
    first = staff_create(municipality=norderstedt)
    assert [pk for pk, _name in staff_choices_for(municipality=norderstedt)] == [str(first.pk)]

    second = staff_create(municipality=norderstedt)
    assert {pk for pk, _name in staff_choices_for(municipality=norderstedt)} == {
        str(first.pk),
        str(second.pk),
    }

    StaffMembership.objects.get(user=second).delete()
    assert [pk for pk, _name in staff_choices_for(municipality=norderstedt)] == [str(first.pk)]

    first.family_name = "Renamed"
    first.save()
    assert staff_choices_for(municipality=norderstedt) == ((str(first.pk), "Sam Renamed"),)


def test_entries_expire(norderstedt, monkeypatch, clock):
    monkeypatch.setattr(
        selectors,
        "_staff_choices",
        cache.ProcessCache(seconds=selectors.STAFF_CHOICES_CACHE_SECONDS, timer=clock),
    )
    clerk = staff_create(municipality=norderstedt)
    staff_choices_for(municipality=norderstedt)
    # A change this process did not see (another process's admin, a bulk update): no signal.
    type(clerk).objects.filter(pk=clerk.pk).update(is_staff=False)
    assert staff_choices_for(municipality=norderstedt) != ()
    clock.now += selectors.STAFF_CHOICES_CACHE_SECONDS
    assert staff_choices_for(municipality=norderstedt) == ()
