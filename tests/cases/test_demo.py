import pytest

from rathaus.accounts import demo as accounts_demo
from rathaus.cases import demo
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case

pytestmark = pytest.mark.django_db


def test_demo_has_cases_in_every_submitted_state_for_both_towns(towns):
    accounts_demo.load()
    demo.load()
    demo.load()  # idempotent
    for town in towns:
        statuses = set(Case.objects.filter(municipality=town).values_list("status", flat=True))
        # awaiting_payment comes from paid procedures (payments); the demo requests are free.
        assert statuses == set(CaseStatus) - {CaseStatus.DRAFT, CaseStatus.AWAITING_PAYMENT}, town
        assert Case.objects.filter(municipality=town).count() == len(demo.DEMO_REQUESTS)
