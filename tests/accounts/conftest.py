import contextlib
import re

import pytest
from django.core.cache import cache

from rathaus.core.ratelimit import CACHE_UNREACHABLE
from rathaus.notifications.models import OutboxMessage


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    # A test may end with the cache out of reach (``unreachable_cache``): nothing to clear.
    with contextlib.suppress(*CACHE_UNREACHABLE):
        cache.clear()


@pytest.fixture
def outbox_link():
    """The last path (…/konto/…) mailed to the outbox whose subject contains ``subject``."""

    def find(*, subject: str) -> str:
        message = next(m for m in OutboxMessage.objects.all() if subject in m.subject)
        match = re.search(r"https?://[^/\s]+(/konto/\S+)", message.body)
        assert match, message.body
        return match.group(1)

    return find
