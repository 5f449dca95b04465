"""The XBezahldienste client against the demo platform over real HTTP (live server)."""

from __future__ import annotations

import decimal
import socket
import uuid
from urllib.parse import urlsplit

import pytest

from rathaus.cases.constants import CaseStatus
from rathaus.payments import services
from rathaus.payments.constants import LedgerSource, PaymentErrorCode, PaymentStatus
from rathaus.payments.errors import PaymentError
from rathaus.payments.models import DemoPlatformTransaction, PaymentLedgerEntry
from rathaus.payments.providers.base import PaymentRequestData, ProviderError
from rathaus.payments.providers.xbezahldienste.client import XBezahldiensteClient

from .conftest import demo_platform_configure, paid_case_submit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def platform(live_server, catalogue, norderstedt, fast_platform):
    return demo_platform_configure(municipality=norderstedt, base=live_server.url)


@pytest.fixture
def paid_case(platform, norderstedt, citizen):
    return paid_case_submit(municipality=norderstedt, actor=citizen)


def free_port() -> int:
    """A port nothing listens on (for a cache that cannot be reached)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _client(live_server, config, **kwargs) -> XBezahldiensteClient:
    port = urlsplit(live_server.url).port
    return XBezahldiensteClient(
        base_url=config.base_url,
        token_url=config.token_url,
        originator_id=config.originator_id,
        endpoint_id=config.endpoint_id,
        client_id=config.client_id,
        client_secret=config.client_secret,
        headers={"Host": f"norderstedt.localhost:{port}"},
        **kwargs,
    )


def _request(request_id="req-1", amount="7.50", purpose="NOR-2026-000001"):
    return PaymentRequestData(
        request_id=request_id,
        request_timestamp="2026-11-25T10:00:00+01:00",
        currency="EUR",
        amount=decimal.Decimal(amount),
        purpose=purpose,
        description="Meldebescheinigung",
        redirect_url="http://norderstedt.localhost/bezahlen/x/zurueck/",
        item_id="item-1",
        item_reference="010600632600000018",
    )


def _pay(nor_client, payment, *, method="card", outcome="paid"):
    """Start at Rathaus, choose on the demo pay page, come back: returns the result response."""
    start = nor_client.post(f"/bezahlen/{payment.public_id}/")
    assert start.status_code == 302, start.content
    pay_path = urlsplit(start["Location"]).path
    assert pay_path.startswith("/demo-bezahlplattform/bezahlen/")
    page = nor_client.get(pay_path)
    assert page.status_code == 200
    back = nor_client.post(pay_path, {"method": method, "outcome": outcome})
    assert back.status_code == 302
    target = urlsplit(back["Location"])
    assert target.path == f"/bezahlen/{payment.public_id}/zurueck/"
    return nor_client.get(f"{target.path}?{target.query}")


def test_client_fetches_and_caches_the_token(live_server, platform):
    client = _client(live_server, platform)
    first = client.access_token()
    assert first and client.access_token() == first  # cached, no second request
    assert client.access_token(refresh=True)


def test_an_unreachable_cache_does_not_stop_a_payment(
    live_server, platform, settings, nor_client, citizen, paid_case
):
    # The token cache's Redis is down (restarted, say): the client fetches a token for each
    # call, and the citizen's payment goes through (it failed with a 500 before).
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        },
    }
    first, second = _client(live_server, platform), _client(live_server, platform)
    assert first.access_token() and second.access_token()
    nor_client.force_login(citizen)
    result = _pay(nor_client, paid_case.payment)
    assert result.status_code == 200
    paid_case.payment.refresh_from_db()
    assert paid_case.payment.status == PaymentStatus.PAID


def test_wrong_credentials_are_a_clear_error(live_server, platform):
    platform.client_secret = "wrong"
    with pytest.raises(ProviderError) as excinfo:
        _client(live_server, platform).access_token()
    assert excinfo.value.status == 401 and not excinfo.value.transient


def test_create_and_query_a_transaction(live_server, platform):
    client = _client(live_server, platform)
    created = client.transaction_create(_request())
    assert created.pay_url.startswith("http://norderstedt.localhost:")
    assert created.transaction_url.endswith(created.transaction_id)
    state = client.transaction_status(created.transaction_id)
    assert state.platform_status == "INITIAL"
    assert state.amount == decimal.Decimal("7.50")
    stored = DemoPlatformTransaction.objects.get(transaction_id=created.transaction_id)
    assert stored.payment_request["grosAmount"] == 7.5
    assert stored.payment_request["purpose"] == "NOR-2026-000001"


def test_duplicate_request_id_is_refused_by_the_platform(live_server, platform):
    client = _client(live_server, platform)
    client.transaction_create(_request(request_id="same"))
    with pytest.raises(ProviderError) as excinfo:
        client.transaction_create(_request(request_id="same"))
    assert excinfo.value.code == "PAYMENT_EXISTS"
    assert DemoPlatformTransaction.objects.filter(request_id="same").count() == 1


def test_invalid_purpose_is_a_4xx_error(live_server, platform):
    with pytest.raises(ProviderError) as excinfo:
        _client(live_server, platform).transaction_create(_request(purpose="x" * 28))
    assert excinfo.value.status == 400 and excinfo.value.code == "VALIDATION_ERROR"


def test_unknown_transaction_is_a_clear_error(live_server, platform):
    with pytest.raises(ProviderError) as excinfo:
        _client(live_server, platform).transaction_status(str(uuid.uuid4()))
    assert excinfo.value.status == 404 and not excinfo.value.transient


def test_garbage_answer_is_a_clear_error(live_server, platform, settings):
    client = _client(live_server, platform)
    client.access_token()
    settings.RATHAUS_DEMO_PAYMENT_FAULT = "garbage"
    with pytest.raises(ProviderError) as excinfo:
        client.transaction_create(_request())
    assert excinfo.value.code == "garbage"


def test_server_error_is_retried_then_transient(live_server, platform, settings):
    client = _client(live_server, platform, retries=2, backoff=0.01)
    client.access_token()
    settings.RATHAUS_DEMO_PAYMENT_FAULT = "500"
    with pytest.raises(ProviderError) as excinfo:
        client.transaction_status(str(uuid.uuid4()))
    assert excinfo.value.transient and excinfo.value.status == 500


@pytest.mark.parametrize(
    ("outcome", "method", "status", "case_status", "platform_method"),
    [
        ("paid", "card", PaymentStatus.PAID, CaseStatus.SUBMITTED, "CREDITCARD"),
        ("paid", "paypal", PaymentStatus.PAID, CaseStatus.SUBMITTED, "PAYPAL"),
        ("paid", "sepa", PaymentStatus.PAID, CaseStatus.SUBMITTED, "OTHER"),
        ("paid", "wero", PaymentStatus.PAID, CaseStatus.SUBMITTED, "OTHER"),
        ("declined", "card", PaymentStatus.FAILED, CaseStatus.AWAITING_PAYMENT, ""),
        ("cancelled", "paypal", PaymentStatus.CANCELLED, CaseStatus.AWAITING_PAYMENT, ""),
        ("pending_then_paid", "sepa", PaymentStatus.PENDING, CaseStatus.AWAITING_PAYMENT, ""),
        ("pending_then_failed", "sepa", PaymentStatus.PENDING, CaseStatus.AWAITING_PAYMENT, ""),
    ],
)
def test_every_outcome_ends_in_the_right_state(
    nor_client, citizen, paid_case, outcome, method, status, case_status, platform_method
):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    assert paid_case.status == CaseStatus.AWAITING_PAYMENT
    response = _pay(nor_client, payment, method=method, outcome=outcome)
    assert response.status_code == 200
    payment.refresh_from_db()
    paid_case.refresh_from_db()
    assert payment.status == status
    assert paid_case.status == case_status
    assert payment.payment_method == platform_method


@pytest.mark.parametrize(
    ("outcome", "final"),
    [("pending_then_paid", PaymentStatus.PAID), ("pending_then_failed", PaymentStatus.FAILED)],
)
def test_pending_outcomes_are_settled_by_reconciliation(
    nor_client, citizen, paid_case, outcome, final
):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    page = _pay(nor_client, payment, method="sepa", outcome=outcome)
    assert "kern-alert--info" in page.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert services.payments_reconcile() == 1
    payment.refresh_from_db()
    paid_case.refresh_from_db()
    assert payment.status == final
    expected_case = (
        CaseStatus.SUBMITTED if final == PaymentStatus.PAID else (CaseStatus.AWAITING_PAYMENT)
    )
    assert paid_case.status == expected_case


def test_slow_platform_times_out_stays_pending_and_is_resolved_later(
    nor_client, citizen, paid_case, settings
):
    settings.RATHAUS_DEMO_PAYMENT_SLOW_SECONDS = 1.5
    settings.RATHAUS_PAYMENT_HTTP_TIMEOUT = 0.5
    settings.RATHAUS_PAYMENT_HTTP_RETRIES = 0
    nor_client.force_login(citizen)
    payment = paid_case.payment
    page = _pay(nor_client, payment, outcome="slow")
    assert page.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    settings.RATHAUS_PAYMENT_HTTP_TIMEOUT = 5.0
    services.payments_reconcile()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_platform_500_keeps_pending_then_reconciliation_books(
    nor_client, citizen, paid_case, settings
):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    start = nor_client.post(f"/bezahlen/{payment.public_id}/")
    pay_path = urlsplit(start["Location"]).path
    nor_client.post(pay_path, {"method": "card", "outcome": "paid"})
    settings.RATHAUS_DEMO_PAYMENT_FAULT = "500"
    page = nor_client.get(f"/bezahlen/{payment.public_id}/zurueck/")
    assert page.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    settings.RATHAUS_DEMO_PAYMENT_FAULT = ""
    services.payments_reconcile()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_platform_down_when_starting_shows_an_error_and_keeps_the_payment_open(
    nor_client, citizen, paid_case, settings
):
    nor_client.force_login(citizen)
    settings.RATHAUS_DEMO_PAYMENT_FAULT = "500"
    page = nor_client.post(f"/bezahlen/{paid_case.payment.public_id}/")
    assert page.status_code == 200
    assert str(PaymentErrorCode.PROVIDER_UNAVAILABLE.label) in page.content.decode()
    paid_case.payment.refresh_from_db()
    assert paid_case.payment.status == PaymentStatus.OPEN


def test_decline_then_second_try_pays_without_a_second_case(nor_client, citizen, paid_case):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    failed = _pay(nor_client, payment, outcome="declined").content.decode()
    assert "kern-alert--danger" in failed
    assert f'action="/bezahlen/{payment.public_id}/"' in failed  # try again, same payment
    paid = _pay(nor_client, payment, outcome="paid").content.decode()
    assert "kern-alert--success" in paid
    assert f"/bezahlen/{payment.public_id}/quittung.pdf" in paid
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.attempts == 1
    assert paid_case.__class__.objects.filter(applicant=citizen).count() == 1
    statuses = list(
        PaymentLedgerEntry.objects.filter(payment=payment).values_list("to_status", flat=True)
    )
    assert statuses == ["pending", "failed", "open", "pending", "paid"]


def test_amount_different_from_the_request_is_flagged_not_paid(
    nor_client, citizen, paid_case, settings
):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    settings.RATHAUS_DEMO_PAYMENT_FAULT = "amount"
    _pay(nor_client, payment, outcome="paid")
    payment.refresh_from_db()
    paid_case.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.needs_clerk_attention
    assert "amount" in payment.attention_reason
    assert paid_case.status == CaseStatus.AWAITING_PAYMENT
    assert not PaymentLedgerEntry.objects.filter(payment=payment, to_status="paid").exists()


def test_late_paid_after_expiry_is_honoured_and_flagged(nor_client, citizen, paid_case):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    nor_client.post(f"/bezahlen/{payment.public_id}/")
    payment.refresh_from_db()
    services.payment_transition(
        payment=payment, to_status=PaymentStatus.EXPIRED, source=LedgerSource.RECONCILIATION
    )
    tx = DemoPlatformTransaction.objects.get(transaction_id=payment.provider_transaction_id)
    tx.status, tx.payment_method, tx.outcome = "PAYED", "CREDITCARD", "paid"
    tx.save()
    services.payment_refresh(payment=payment, source=LedgerSource.RECONCILIATION)
    payment.refresh_from_db()
    paid_case.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.needs_clerk_attention and "late" in payment.attention_reason
    assert paid_case.status == CaseStatus.SUBMITTED


def test_start_refuses_when_no_platform_is_configured(paid_case, platform, citizen):
    platform.is_active = False
    platform.save()
    with pytest.raises(PaymentError):
        services.payment_start(payment=paid_case.payment, actor=citizen, return_url="http://x/")


def test_lost_answer_of_an_earlier_start_does_not_block_the_payment(
    live_server, platform, nor_client, citizen, paid_case
):
    """The platform created the transaction but its answer never arrived: the next start gets
    PAYMENT_EXISTS, and the one after that uses a fresh requestId."""
    payment = paid_case.payment
    lost = _request(request_id=f"{payment.public_id.hex[:30]}-0", purpose=payment.purpose)
    _client(live_server, platform).transaction_create(lost)
    nor_client.force_login(citizen)
    refused = nor_client.post(f"/bezahlen/{payment.public_id}/")
    assert refused.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN and payment.request_id == ""
    start = nor_client.post(f"/bezahlen/{payment.public_id}/")
    assert start.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.request_id.endswith("-1")
