"""Payments for the system test, run in the cluster's environment (its database and keys)::

    python -m tests.system.payments seed --count N --platform URL --details-file OUT.json
    python -m tests.system.payments poll

``seed``: N submitted cases of Norderstedt, each with its fee as an open payment (amounts
differ), owned by an anonymous citizen whose session (in the database, as every session) holds
the case's owner token; the town's payment platform is the demo platform served at URL (a
Rathaus process with the demo settings standing in for XBezahldienste: the production settings
never serve it). OUT gets, per payment, its public id, amount and the citizen's session key.

``poll``: one run of the status poll (``payments.tasks.reconcile``, every five minutes in
production), as its worker runs it.

``platform_environment``: the environment of the platform's process.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from decimal import Decimal


def platform_environment(env: dict[str, str]) -> dict[str, str]:
    """The cluster's environment (database, keys: the client secret is encrypted with them) with
    the demo settings, which serve the demo payment platform; the production settings do not.
    Without the cluster's Redis: the platform is not part of the installation."""
    platform = {key: value for key, value in env.items() if key != "REDIS_URL"}
    return {**platform, "DJANGO_SETTINGS_MODULE": "rathaus.settings.dev", "RATHAUS_DEMO": "1"}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
    import django

    django.setup()


def seed(*, count: int, platform: str, details_file: str) -> None:
    _setup()
    from importlib import import_module

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from rathaus.cases.constants import SESSION_DRAFT_OWNER, CaseStatus, Channel
    from rathaus.cases.models import Case
    from rathaus.cases.selectors import owner_token_digest
    from rathaus.cases.services import owner_token_new, reference_allocate
    from rathaus.payments.models import ProviderConfig
    from rathaus.payments.services import payment_for_case_require
    from rathaus.tenants.models import Municipality

    town = Municipality.objects.get(slug="norderstedt")
    base = platform.rstrip("/")
    # The demo data's configuration (client id, encrypted secret), pointed at the platform.
    config = ProviderConfig.objects.get(municipality=town)
    config.provider_key = "demo"
    config.base_url = f"{base}/demo-bezahlplattform/"
    config.token_url = f"{base}/demo-bezahlplattform/token/"
    config.is_active = True
    config.save()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = []
    for index in range(count):
        token = owner_token_new()
        amount = Decimal("10.00") + Decimal(index) + Decimal("0.50")
        now = timezone.now()
        with transaction.atomic():
            # As a submitted case stands after case_submit (the journey to it is not tested here).
            case = Case.objects.create(
                municipality=town,
                procedure_key="fuehrungszeugnis",
                service_slug="fuehrungszeugnis",
                owner_token_digest=owner_token_digest(token),
                channel=Channel.ONLINE,
                language="de",
                status=CaseStatus.SUBMITTED,
                answers={},
                idempotency_key=uuid.uuid4().hex,
                reference=reference_allocate(municipality=town, at=now),
                submitted_at=now,
            )
            payment = payment_for_case_require(case=case, amount=amount)
        session = store()
        session[SESSION_DRAFT_OWNER] = token
        session.create()
        rows.append(
            {
                "payment": str(payment.public_id),
                "amount": str(amount),
                "session": session.session_key,
            }
        )
    with open(details_file, "w") as target:
        json.dump({"cookie": settings.SESSION_COOKIE_NAME, "payments": rows}, target)


def poll() -> None:
    _setup()
    from rathaus.payments.tasks import reconcile

    reconcile.call_local()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["seed", "poll"])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--platform", default="")
    parser.add_argument("--details-file", default="")
    arguments = parser.parse_args(sys.argv[1:])
    if arguments.command == "seed":
        seed(
            count=arguments.count,
            platform=arguments.platform,
            details_file=arguments.details_file,
        )
    else:
        poll()
