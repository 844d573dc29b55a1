"""The demo district's school calendar, by the rules US districts set theirs with, and how
busy the help desk is on each day of it.

Three school years end with the current one, so the demo always reaches today: Labor
Day, Thanksgiving break, winter break, Martin Luther King Jr. Day, Presidents Day,
spring break and Memorial Day are closures; summer is not a closure, just quieter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

YEARS = 3
OPENS, CLOSES = dt.time(7, 30), dt.time(16, 30)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th given weekday (0 = Monday) of a month; n = -1 for the last."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


@dataclass(frozen=True)
class SchoolYear:
    start: int  # the calendar year it begins in (August)

    @property
    def first_day(self) -> dt.date:
        """The Tuesday after the last full week of August begins."""
        return nth_weekday(self.start, 8, 1, 4)

    @property
    def last_day(self) -> dt.date:
        return nth_weekday(self.start + 1, 6, 4, 1) + dt.timedelta(days=7)

    @property
    def testing_window(self) -> tuple[dt.date, dt.date]:
        """The state testing window: three weeks from the second Monday of April."""
        begins = nth_weekday(self.start + 1, 4, 0, 2)
        return begins, begins + dt.timedelta(days=18)

    def closures(self) -> list[tuple[str, str, dt.date, dt.date]]:
        """(name, kind, first day, last day) of the year's holidays and breaks."""
        y, n = self.start, self.start + 1
        labor = nth_weekday(y, 9, 0, 1)
        thanksgiving = nth_weekday(y, 11, 3, 4)
        spring = nth_weekday(n, 3, 0, 3)
        return [
            ("Labor Day", "holiday", labor, labor),
            ("Thanksgiving break", "break", thanksgiving - dt.timedelta(days=1),
             thanksgiving + dt.timedelta(days=1)),
            ("Winter break", "break", dt.date(y, 12, 22), dt.date(n, 1, 2)),
            ("Martin Luther King Jr. Day", "holiday", nth_weekday(n, 1, 0, 3),
             nth_weekday(n, 1, 0, 3)),
            ("Presidents Day", "holiday", nth_weekday(n, 2, 0, 3), nth_weekday(n, 2, 0, 3)),
            ("Spring break", "break", spring, spring + dt.timedelta(days=4)),
            ("Memorial Day", "holiday", nth_weekday(n, 5, 0, -1), nth_weekday(n, 5, 0, -1)),
        ]  # fmt: skip


def school_years(today: dt.date) -> list[SchoolYear]:
    """The three school years ending with the one `today` falls in (or the summer before)."""
    current = today.year if today.month >= 8 else today.year - 1
    return [SchoolYear(current - YEARS + 1 + n) for n in range(YEARS)]


class Season:
    """How busy each day is, relative to an ordinary school day (1.0)."""

    def __init__(self, years: list[SchoolYear], last: dt.date) -> None:
        self.years = years
        self.first, self.last = dt.date(years[0].start, 8, 1), last
        self.closed: set[dt.date] = set()
        for year in years:
            for _, _, first, end in year.closures():
                self.closed.update(_days(first, end))
        self.weights = {day: self._weight(day) for day in _days(self.first, last)}

    def weight(self, day: dt.date) -> float:
        if day in self.weights:
            return self.weights[day]
        return self._weight(day)

    def _weight(self, day: dt.date) -> float:
        if day.weekday() >= 5:
            return 0.03
        if day in self.closed:
            return 0.08
        year = self._year_of(day)
        if year is None or not year.first_day - dt.timedelta(days=7) <= day <= year.last_day:
            return 0.25  # summer: projects and a few stragglers
        return _school_day(day, year)

    def _year_of(self, day: dt.date) -> SchoolYear | None:
        for year in self.years:
            if dt.date(year.start, 7, 1) <= day < dt.date(year.start + 1, 7, 1):
                return year
        return None


def _school_day(day: dt.date, year: SchoolYear) -> float:
    weight = {0: 1.15, 4: 0.85}.get(day.weekday(), 1.0)
    since_start = (day - year.first_day).days
    if since_start < 0:
        return weight * 0.9  # teachers back, setting up rooms
    if since_start < 28:
        weight *= 1.8 - since_start / 28 * 0.8  # the first weeks of school
    testing, _ = year.testing_window
    if dt.timedelta(0) <= testing - day <= dt.timedelta(days=21):
        weight *= 1.5  # every device must work before the state tests
    return weight


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
