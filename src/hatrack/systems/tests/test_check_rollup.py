"""Raw results older than 7 days are rolled up per hour, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hatrack.systems.checks.rollup import roll_up_results
from hatrack.systems.models import CheckResult, CheckRollup
from hatrack.systems.tests.factories import make_check

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 20, 12, 30, tzinfo=UTC)
OLD_HOUR = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def result(check, at, *, ok=True, ms=None):
    return CheckResult.objects.create(check_ref=check, checked_at=at, ok=ok, response_ms=ms)


def test_old_results_become_one_row_per_hour_and_the_raw_rows_go() -> None:
    check = make_check()
    result(check, OLD_HOUR + timedelta(minutes=1), ms=100)
    result(check, OLD_HOUR + timedelta(minutes=2), ms=300)
    result(check, OLD_HOUR + timedelta(minutes=3), ok=False)
    result(check, OLD_HOUR + timedelta(hours=1, minutes=5), ms=50)
    recent = result(check, NOW - timedelta(days=1), ms=10)

    assert roll_up_results(now=NOW, batch=2) == 4

    first, second = CheckRollup.objects.order_by("hour")
    assert (first.hour, first.runs, first.failures, first.timed_runs) == (OLD_HOUR, 3, 1, 2)
    assert (first.min_ms, first.max_ms, first.average_ms) == (100, 300, 200)
    assert (second.runs, second.failures, second.total_ms) == (1, 0, 50)
    assert list(CheckResult.objects.values_list("pk", flat=True)) == [recent.pk]


def test_rolling_up_again_merges_into_the_hour_and_counts_nothing_twice() -> None:
    check = make_check()
    result(check, OLD_HOUR + timedelta(minutes=1), ms=100)
    roll_up_results(now=NOW)
    result(check, OLD_HOUR + timedelta(minutes=40), ms=20)  # arrived late

    assert roll_up_results(now=NOW) == 1
    assert roll_up_results(now=NOW) == 0

    rollup = CheckRollup.objects.get()
    assert (rollup.runs, rollup.min_ms, rollup.max_ms, rollup.total_ms) == (2, 20, 100, 120)
