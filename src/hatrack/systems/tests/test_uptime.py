"""Uptime from outages: unions, clipping, maintenance and degraded excluded, open outages."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from hatrack.systems.models import Check, Outage
from hatrack.systems.tests.factories import make_check, make_system
from hatrack.systems.uptime import daily_uptime, downtime, format_percent, merged, uptime_percent

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
END = START + timedelta(hours=10)


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def outage(check: Check, start: float, end: float | None, **extra: object) -> Outage:
    return Outage.objects.create(
        check_ref=check,
        system=check.system,
        started_at=at(start),
        detected_at=at(start),
        ended_at=at(end) if end is not None else None,
        **extra,
    )


def watched_system():  # type: ignore[no-untyped-def]
    check = make_check()
    Check.objects.filter(pk=check.pk).update(created_at=START - timedelta(days=200))
    return check.system, check


def test_overlapping_outages_of_two_checks_count_once() -> None:
    system, first = watched_system()
    second = make_check(system)
    outage(first, 1, 3)
    outage(second, 2, 4)
    assert downtime([system.pk], START, END) == {system.pk: timedelta(hours=3)}
    assert uptime_percent([system.pk], START, END)[system.pk] == pytest.approx(70.0)


def test_outages_are_clipped_to_the_period() -> None:
    system, check = watched_system()
    outage(check, -5, 1)
    outage(check, 9, 15)
    assert downtime([system.pk], START, END)[system.pk] == timedelta(hours=2)


def test_maintenance_and_degraded_outages_are_not_downtime() -> None:
    system, check = watched_system()
    outage(check, 1, 2, in_maintenance=True)
    second = make_check(system)
    outage(second, 3, 5, degraded=True)
    assert downtime([system.pk], START, END)[system.pk] == timedelta(0)
    assert uptime_percent([system.pk], START, END)[system.pk] == 100.0


def test_an_open_outage_runs_to_the_end_of_the_period() -> None:
    system, check = watched_system()
    outage(check, 8, None)
    assert downtime([system.pk], START, END)[system.pk] == timedelta(hours=2)


def test_an_open_outage_runs_to_now_when_the_period_reaches_the_future() -> None:
    system, check = watched_system()
    outage(check, 2, None)
    with time_machine.travel(at(5), tick=False):
        assert downtime([system.pk], START, END)[system.pk] == timedelta(hours=3)


def test_a_system_without_checks_has_no_uptime_figure() -> None:
    system = make_system()
    assert uptime_percent([system.pk], START, END) == {system.pk: None}


def test_merged_joins_touching_and_nested_spans() -> None:
    assert merged([(at(0), at(2)), (at(2), at(3)), (at(5), at(6)), (at(5.5), at(5.7))]) == [
        (at(0), at(3)),
        (at(5), at(6)),
    ]


def test_daily_uptime_gives_each_day_its_percentage_and_worst_state() -> None:
    system, check = watched_system()
    with time_machine.travel(datetime(2026, 3, 5, 12, 0, tzinfo=UTC), tick=False):
        timezone.activate("UTC")
        try:
            Outage.objects.create(
                check_ref=check,
                system=system,
                started_at=datetime(2026, 3, 3, 6, tzinfo=UTC),
                detected_at=datetime(2026, 3, 3, 6, tzinfo=UTC),
                ended_at=datetime(2026, 3, 3, 12, tzinfo=UTC),
            )
            Outage.objects.create(
                check_ref=check,
                system=system,
                started_at=datetime(2026, 3, 4, 6, tzinfo=UTC),
                detected_at=datetime(2026, 3, 4, 6, tzinfo=UTC),
                ended_at=datetime(2026, 3, 4, 7, tzinfo=UTC),
                degraded=True,
            )
            days = daily_uptime([system.pk], days=4, today=date(2026, 3, 5))[system.pk]
        finally:
            timezone.deactivate()
    assert [d.date for d in days] == [date(2026, 3, d) for d in (2, 3, 4, 5)]
    assert days[0].percent == 100.0 and days[0].worst == "operational"
    assert days[1].percent == pytest.approx(75.0) and days[1].worst == "down"
    assert days[2].percent == 100.0 and days[2].worst == "degraded"
    assert "75 % up, outage" in days[1].label


def test_days_before_the_first_check_have_no_data() -> None:
    check = make_check()
    with time_machine.travel(datetime(2026, 3, 5, 12, 0, tzinfo=UTC), tick=False):
        Check.objects.filter(pk=check.pk).update(created_at=timezone.now() - timedelta(hours=1))
        days = daily_uptime([check.system_id], days=3)[check.system_id]
    assert [d.percent for d in days[:2]] == [None, None]
    assert days[2].percent == 100.0
    assert days[0].label.endswith("no data")


def test_percentages_read_plainly() -> None:
    assert format_percent(100.0) == "100 %"
    assert format_percent(99.954) == "99.95 %"
    assert format_percent(None) == "No data"
