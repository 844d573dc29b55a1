"""Medians and 90th percentiles of durations, the same figures on SQLite and PostgreSQL.

The figure is the continuous percentile (linear interpolation between the two nearest
ranks, as PostgreSQL's `percentile_cont` and spreadsheets' PERCENTILE.INC compute it).
PostgreSQL computes it in the aggregate query itself. Elsewhere one query numbers the
durations in order with a window function (ROW_NUMBER) and returns only the rows at the
ranks needed, at most two per percentile: the database sorts, Python never sees the
whole list, and memory stays flat whatever the range.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Expression, F, FloatField, Func, QuerySet, Window
from django.db.models.functions import RowNumber


class Seconds(Func):
    """Seconds from the `start` column to the `end` column, as a float, computed by the
    database itself (SQLite's julianday, PostgreSQL's EXTRACT(EPOCH)): Django's own
    duration arithmetic on SQLite calls back into Python for every row."""

    output_field = FloatField()
    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)"
    arg_joiner = " - "

    def __init__(self, end: str, start: str) -> None:
        super().__init__(F(end), F(start))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate `percentile_cont(p) WITHIN GROUP (ORDER BY x)`."""

    function = "percentile_cont"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile lies between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def in_database() -> bool:
    """Does the database compute percentiles in the aggregate query (PostgreSQL)?"""
    return connection.vendor == "postgresql"


def ranks(count: int, fraction: float) -> tuple[int, int, float]:
    """The 1-based ranks around the percentile in `count` sorted values, and the weight
    of the upper one."""
    position = fraction * (count - 1)
    low = math.floor(position)
    return low + 1, min(low + 2, count), position - low


def as_duration(seconds: float | None) -> datetime.timedelta | None:
    """Seconds as a duration, to the millisecond (None stays None)."""
    return None if seconds is None else datetime.timedelta(seconds=round(seconds, 3))


def interpolate(low: float, high: float, weight: float) -> datetime.timedelta | None:
    return as_duration(low + (high - low) * weight)


def by_ranks(
    queryset: QuerySet[Any], duration: Expression, count: int, fractions: Sequence[float]
) -> dict[float, datetime.timedelta | None]:
    """The percentiles of `duration` over the rows of `queryset` that have one, given
    their `count`, in one query returning at most two rows per fraction."""
    if count == 0:
        return dict.fromkeys(fractions)
    wanted = {fraction: ranks(count, fraction) for fraction in fractions}
    needed = sorted({r for low, high, _ in wanted.values() for r in (low, high)})
    rows = (
        queryset.order_by()
        .annotate(duration=duration)
        .filter(duration__isnull=False)
        .annotate(rank=Window(RowNumber(), order_by=[F("duration").asc(), F("id").asc()]))
        .filter(rank__in=needed)
        .values_list("rank", "duration")
    )
    values = dict(rows)
    return {
        fraction: interpolate(values[low], values[high], weight)
        for fraction, (low, high, weight) in wanted.items()
    }
