"""A check's response-time history: the day's runs thinned to a readable chart, and the
month per hour from rollups (older than 7 days) and raw results (the last week)."""

from datetime import UTC, datetime, timedelta

import pytest

from hatrack.systems.checks.history import _hourly_averages, _thinned, response_chart
from hatrack.systems.models import CheckResult, CheckRollup
from hatrack.systems.tests.factories import make_check

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)


def test_a_busy_day_is_averaged_down_to_the_most_points_and_keeps_every_run():
    runs = [(NOW + timedelta(seconds=10 * n), n % 7) for n in range(8640)]

    points = _thinned(runs, 300)

    assert len(points) <= 300
    assert points[0][0] == runs[0][0]
    assert sum(ms for _, ms in points) == pytest.approx(sum(ms for _, ms in runs) / 29, rel=0.02)


def test_the_month_joins_rollups_of_older_hours_with_this_weeks_raw_results():
    check = make_check()
    old_hour = datetime(2026, 11, 1, 9, tzinfo=UTC)
    CheckRollup.objects.create(
        check_ref=check, hour=old_hour, runs=60, failures=0, timed_runs=60, total_ms=6000
    )
    recent = datetime(2026, 11, 19, 8, tzinfo=UTC)
    CheckResult.objects.bulk_create(
        CheckResult(check_ref=check, checked_at=recent + timedelta(minutes=m), ok=True,
                    response_ms=ms)
        for m, ms in ((1, 100), (20, 200), (40, 300))
    )  # fmt: skip

    assert _hourly_averages(check, NOW) == [(old_hour, 100), (recent, 200)]
    charts = response_chart(check, NOW)
    assert charts is not None and set(charts) == {"month"}
