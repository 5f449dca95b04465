"""Queries behind the back-office pages that are not about one case (those live in
``rathaus.cases.selectors``)."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

# Above this many cases the inbox says "more than 1,000 cases" instead of counting them all.
INBOX_COUNT_CAP = 1000


def _page_number(value) -> int | None:
    """The page ``get_page`` will try; None for a number below 1, which it answers with the
    last page (that needs the exact count)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if number >= 1 else None


class CappedCountPaginator(Paginator):
    """A paginator that counts at most ``max(cap, rows up to the requested page)`` + 1 rows.

    ``SELECT count(*) FROM (SELECT ... LIMIT n + 1)`` reads at most n + 1 index entries instead of
    the whole result. When the result is small (or the requested page is at or beyond its end)
    the count is exact and everything behaves like Django's ``Paginator``. Otherwise
    ``count_is_lower_bound`` is true, ``count`` is ``n + 1`` (a lower bound), and the requested
    page and the one after it exist, so "previous" and "next" work on every page; there is no
    "last page" figure then."""

    def __init__(self, object_list: QuerySet, per_page: int, *, cap: int, page_number) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.requested_page = _page_number(page_number)

    @cached_property
    def count_limit(self) -> int | None:
        if self.requested_page is None:
            return None
        return max(self.cap, self.requested_page * self.per_page)

    @cached_property
    def count(self) -> int:
        if self.count_limit is None:
            return super().count
        # Only the primary keys (no joins, no ordering) in the LIMIT-ed subquery.
        return self.object_list.order_by().values("pk")[: self.count_limit + 1].count()

    @property
    def count_is_lower_bound(self) -> bool:
        return self.count_limit is not None and self.count > self.count_limit


# What an inbox row shows or needs (the overdue badge: status, date, procedure; the row ids the
# names are encrypted for). Loading no more saves building and decrypting values nobody sees.
INBOX_ROW_FIELDS = (
    "encryption_row_id",
    "assignee__encryption_row_id",
    "reference",
    "procedure_key",
    "status",
    "stage",  # a case waiting too long at a stage is overdue
    "stage_changed_at",
    "applicant_name",
    "submitted_at",
    "assignee__given_name",
    "assignee__family_name",
)


def inbox_page(cases: QuerySet, *, per_page: int, page_number, cap: int | None = None):
    """The requested page of the inbox (Django's ``get_page`` rules: a bad or too high number gives
    the first or the last page) with a count that is exact up to ``cap`` (``INBOX_COUNT_CAP``).
    The page's cases carry only ``INBOX_ROW_FIELDS`` (others load one query each)."""
    cap = INBOX_COUNT_CAP if cap is None else cap
    cases = cases.only(*INBOX_ROW_FIELDS)
    paginator = CappedCountPaginator(cases, per_page, cap=cap, page_number=page_number)
    return paginator.get_page(page_number)
