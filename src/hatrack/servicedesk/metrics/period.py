"""The range of dates a metrics page covers, in the district's own time zone."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from hatrack.directory.models import District

LAST_12_WEEKS, LAST_30_DAYS, SCHOOL_YEAR, CUSTOM = "12w", "30d", "year", "custom"
PRESETS = [
    (LAST_12_WEEKS, "Last 12 weeks"),
    (LAST_30_DAYS, "Last 30 days"),
    (SCHOOL_YEAR, "This school year"),
    (CUSTOM, "Dates of my choice"),
]
# School years start on July 1 in the United States' reporting calendar.
SCHOOL_YEAR_STARTS = (7, 1)
LONGEST = datetime.timedelta(days=3 * 366)


def district_zone() -> zoneinfo.ZoneInfo:
    """The district's time zone (settings.TIME_ZONE until the district is set up)."""
    name = District.objects.filter(pk=1).values_list("time_zone", flat=True).first()
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """Local dates `first` to `last`, both included, in `zone`."""

    first: datetime.date
    last: datetime.date
    zone: zoneinfo.ZoneInfo

    @property
    def start(self) -> datetime.datetime:
        """The first instant of the range (aware)."""
        return datetime.datetime.combine(self.first, datetime.time.min, tzinfo=self.zone)

    @property
    def end(self) -> datetime.datetime:
        """The first instant after the range (aware, excluded)."""
        following = self.last + datetime.timedelta(days=1)
        return datetime.datetime.combine(following, datetime.time.min, tzinfo=self.zone)

    @property
    def label(self) -> str:
        return f"{self.first:%b %-d, %Y} to {self.last:%b %-d, %Y}"


def today_in(zone: zoneinfo.ZoneInfo) -> datetime.date:
    return timezone.now().astimezone(zone).date()


def school_year_start(day: datetime.date) -> datetime.date:
    month, first = SCHOOL_YEAR_STARTS
    start = datetime.date(day.year, month, first)
    return start if day >= start else start.replace(year=day.year - 1)


def preset_period(preset: str, zone: zoneinfo.ZoneInfo) -> Period:
    """The range a preset names, ending today (local)."""
    today = today_in(zone)
    if preset == LAST_30_DAYS:
        return Period(today - datetime.timedelta(days=29), today, zone)
    if preset == SCHOOL_YEAR:
        return Period(school_year_start(today), today, zone)
    # Twelve whole weeks, Monday to Sunday, the last one this week.
    monday = today - datetime.timedelta(days=today.weekday())
    return Period(monday - datetime.timedelta(weeks=11), today, zone)
