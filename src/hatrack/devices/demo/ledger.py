"""The demo fleet's clock and the rows it writes.

`Clock` knows the district's today and its school years: when each school hands out
its devices in August and collects them in June. `Ledger` collects plain rows for the
bulk inserts, with ids given here (assignments point at devices, repairs at loaner
check-outs, payments at fees before any of them is written).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from hatrack.servicedesk.demo.calendar import SchoolYear

UTC = dt.UTC
Row = dict[str, Any]
NO_ITEMS = json.dumps([])


class Clock:
    """Today (midnight at the start of the district's day, in UTC) and the school years.

    `year` is the school year under way: the one whose first day has come (in the
    summer, the one just ended, whose devices are still out).
    """

    def __init__(self, now: dt.datetime, zone: ZoneInfo) -> None:
        self.now, self.zone = now, zone
        self.today = now.astimezone(zone).date()
        year = self.today.year if self.today.month >= 8 else self.today.year - 1
        if SchoolYear(year).first_day > self.today:
            year -= 1
        self.year = year

    def school_year(self, years_ago: int) -> SchoolYear:
        return SchoolYear(self.year - years_ago)

    def at(self, day: dt.date, rng: random.Random, first: int = 8, last: int = 15) -> dt.datetime:
        """A moment of the school day on `day`, in UTC."""
        local = dt.datetime.combine(day, dt.time(rng.randrange(first, last), rng.randrange(60)))
        return local.replace(tzinfo=self.zone).astimezone(UTC)

    def school_day(self, rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
        """A weekday between `first` and `last` (weekends move to the Friday before)."""
        span = max(0, (last - first).days)
        day = first + dt.timedelta(days=rng.randrange(span + 1))
        while day.weekday() >= 5 and day > first:
            day -= dt.timedelta(days=1)
        return day

    def hand_out(self, years_ago: int, site_index: int, rng: random.Random) -> dt.datetime:
        """When a school handed out its devices: in the first days of the year."""
        day = self.school_year(years_ago).first_day + dt.timedelta(days=site_index % 3)
        return self.at(day, rng, 8, 10)

    def collect(self, years_ago: int, site_index: int, rng: random.Random) -> dt.datetime:
        """When a school collected its devices: in the last week of the year."""
        day = self.school_year(years_ago).last_day - dt.timedelta(days=3 + site_index % 3)
        return self.at(day, rng, 8, 10)

    def years_ago(self, moment: dt.datetime) -> int:
        """Which school year a moment falls in (0: this one), counting summers with the
        year that ended."""
        day = moment.astimezone(self.zone).date()
        start = day.year if day >= SchoolYear(day.year).first_day else day.year - 1
        return self.year - start


@dataclass
class Ledger:
    """Rows to insert, by model, and the next id of each."""

    next_ids: dict[str, int]
    rows: dict[str, list[Row]] = field(default_factory=dict)

    def add(self, kind: str, row: Row) -> Row:
        row["id"] = self.next_ids[kind]
        self.next_ids[kind] += 1
        self.rows.setdefault(kind, []).append(row)
        return row

    def of(self, kind: str) -> list[Row]:
        return self.rows.get(kind, [])
