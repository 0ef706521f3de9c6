"""A paginator that counts no further than a few pages past the one asked for.

Django's paginator counts every row of the list to number the pages: over 100,000 cases that
count alone takes ~35 ms on PostgreSQL and grows with the table. :class:`CappedPaginator` counts
at most ``ahead`` pages past the page asked for (``SELECT COUNT(*)`` of a ``LIMIT`` subquery), so
a page costs the same whatever the size of the list; beyond that, the list says « au moins ».
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # not generic at run time
    """``count`` is exact when :attr:`complete`; otherwise the list holds more rows than
    ``count`` and :attr:`pages_at_least` pages at least."""

    def __init__(self, object_list: Any, per_page: int, asked: Any, ahead: int = 10) -> None:
        super().__init__(object_list, per_page)
        try:
            page = max(1, int(asked))
        except (TypeError, ValueError):
            page = 1
        # One row more than the pages counted tells whether the list goes further.
        self.limit = (page + ahead) * per_page + 1

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list  # a QuerySet: its slice is counted by the database
        return int(rows[:self.limit].count())

    @property
    def complete(self) -> bool:
        return self.count < self.limit

    @property
    def rows_beyond(self) -> int:
        """When not complete: the list holds more rows than this."""
        return self.limit - 1

    @property
    def pages_at_least(self) -> int:
        """The number of pages the list holds at least (all of them when complete)."""
        return self.num_pages if self.complete else (self.limit - 1) // self.per_page
