"""A small paid procedure (the Meldebescheinigung fee from the catalogue) and the demo platform
as the towns' payment platform."""

from __future__ import annotations

import pytest
from django import forms

from rathaus.accounts.models import User
from rathaus.cases import services as case_services
from rathaus.cases.plugin import Procedure, QuestionPage, procedure_get
from rathaus.catalogue import demo as catalogue_demo
from rathaus.payments.models import ProviderConfig
from rathaus.payments.services import payment_for_case_require
from tests.accounts.factories import citizen_create, staff_create

PAID_KEY = "gebuehren-test"


class NamePage(QuestionPage):
    slug = "name"
    title = "Name"
    applicant_name = forms.CharField(label="Name", max_length=100)


class PaidTestProcedure(Procedure):
    key = PAID_KEY
    title = "Meldebescheinigung (test)"
    service_slug = "meldebescheinigung"
    pages = [NamePage]

    def on_submitted(self, context) -> None:
        payment_for_case_require(case=context.case)


@pytest.fixture(autouse=True)
def paid_procedure(procedure_registry):
    procedure_registry.add(PaidTestProcedure)
    return procedure_registry.get(PAID_KEY)


@pytest.fixture
def catalogue(towns):
    catalogue_demo.load()
    return towns


@pytest.fixture
def citizen(db) -> User:
    return citizen_create(email="erika@example.org")


@pytest.fixture
def other_citizen(db) -> User:
    return citizen_create(email="max@example.org", given_name="Max")


@pytest.fixture
def clerk(norderstedt):
    return staff_create(municipality=norderstedt)


@pytest.fixture
def rei_clerk(reinbek):
    return staff_create(municipality=reinbek)


def paid_case_submit(*, municipality, actor, name="Erika Mustermann"):
    procedure = procedure_get(PAID_KEY)
    # The catalogue asks for an eID ("high") for the Meldebescheinigung.
    case = case_services.case_draft_start(
        municipality=municipality,
        procedure=procedure,
        actor=actor,
        owner_token="t",
        trust_level="high",
    )
    case_services.case_draft_answers_save(
        case=case, page=NamePage, cleaned_data={"applicant_name": name}, actor=actor
    )
    case, _created = case_services.case_submit(
        case=case, actor=actor, idempotency_key=case.idempotency_key, trust_level="high"
    )
    return case


def demo_platform_configure(*, municipality, base: str, provider_key: str = "demo"):
    base = base.rstrip("/")
    return ProviderConfig.objects.update_or_create(
        municipality=municipality,
        defaults={
            "provider_key": provider_key,
            "base_url": f"{base}/demo-bezahlplattform/",
            "token_url": f"{base}/demo-bezahlplattform/token/",
            "originator_id": "rathaus-test",
            "endpoint_id": municipality.ags,
            "client_id": f"client-{municipality.slug}",
            "client_secret": "s3cret-for-tests",
        },
    )[0]


@pytest.fixture
def fast_platform(settings):
    settings.RATHAUS_PAYMENT_HTTP_TIMEOUT = 2.0
    settings.RATHAUS_PAYMENT_HTTP_RETRIES = 1
    settings.RATHAUS_PAYMENT_HTTP_BACKOFF = 0.01
    settings.RATHAUS_DEMO_PAYMENT_FAULT = ""
    return settings
