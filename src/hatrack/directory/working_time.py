"""Business time on the district's calendar: when is a target due, how long was work open.

Service-level targets count business minutes: the minutes during which a site is open
by its working hours (`WorkingHours`), outside the school calendar's closures
(`Closure`). A request at 4 pm on the Friday before winter break is not late on the
Monday after.

Rules the whole module keeps:
- Wall-clock hours and dates are read in the district's time zone (`District.time_zone`,
  through zoneinfo); every datetime going in or out is aware, and results are in UTC.
- A business minute is a real elapsed minute while open: on the night clocks change, a
  site open around the change has one hour more or less of business time that day.
- A site with any `WorkingHours` rows of its own follows only those (a weekday without a
  row is closed there); a site without rows follows the district's default rows.
- A district-wide closure closes every site; a site's closure closes only that site.
- A calendar with no working hours at all (nothing set up yet) counts plain clock time,
  ignoring closures: targets still fall due rather than never. The same holds when a
  calendar has no open minute within `HORIZON_DAYS` of the start (a closure covering
  years): the search stops there and counts clock time instead of looping forever.

`WorkCalendar` holds one site's calendar in memory and answers with pure arithmetic;
`load_calendar`/`load_calendars` read it from the database in a fixed number of
queries (time zone, hours, closures in range), and `add_business_minutes` and
`business_minutes_between` do both for a single answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Q

from hatrack.directory.models import Closure, District, Site, WorkingHours

# How far ahead a target may be searched for: three school years.
HORIZON_DAYS = 3 * 366
UTC = dt.UTC

Hours = Mapping[int, tuple[dt.time, dt.time]]


@dataclass(frozen=True)
class WorkCalendar:
    """One site's working time: its time zone, open hours per weekday (0 = Monday) and
    the closed date ranges (both ends included) that apply to it."""

    zone: ZoneInfo
    hours: Hours
    closures: tuple[tuple[dt.date, dt.date], ...] = ()

    @property
    def counts_clock_time(self) -> bool:
        """True when no weekday has working hours: every minute counts."""
        return not self.hours

    def is_open_on(self, day: dt.date) -> bool:
        if day.weekday() not in self.hours:
            return False
        # Closures are few (a school year has a dozen or two): a scan beats an index.
        return not any(first <= day <= last for first, last in self.closures)

    def open_span(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The UTC start and end of the day's open hours, or None when closed all day."""
        if not self.is_open_on(day):
            return None
        opens, closes = self.hours[day.weekday()]
        start = dt.datetime.combine(day, opens, tzinfo=self.zone).astimezone(UTC)
        end = dt.datetime.combine(day, closes, tzinfo=self.zone).astimezone(UTC)
        return (start, end) if end > start else None

    def _spans_from(self, moment: dt.datetime, days: int) -> Iterator[tuple[dt.datetime, ...]]:
        day = moment.astimezone(self.zone).date() - dt.timedelta(days=1)
        for _ in range(days + 2):
            span = self.open_span(day)
            if span is not None and span[1] > moment:
                yield max(span[0], moment), span[1]
            day += dt.timedelta(days=1)

    def add_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The moment `minutes` business minutes after `start`, in UTC.

        Zero minutes is `start` itself, even outside working hours. A start outside
        working hours counts from the next opening. A target that exactly uses up a
        day's hours falls at closing time, not at the next opening.
        """
        start = _aware(start)
        if minutes < 0:
            raise ValueError("Business minutes to add cannot be negative.")
        if minutes == 0:
            return start
        if self.counts_clock_time:
            return start + dt.timedelta(minutes=minutes)
        left = dt.timedelta(minutes=minutes)
        for begin, end in self._spans_from(start, HORIZON_DAYS):
            if end - begin >= left:
                return begin + left
            left -= end - begin
        return start + dt.timedelta(minutes=minutes)  # no open time in reach: clock time

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole business minutes from `start` to `end` (0 when end is not after start)."""
        start, end = _aware(start), _aware(end)
        if end <= start:
            return 0
        if self.counts_clock_time:
            return int((end - start).total_seconds() // 60)
        total = dt.timedelta()
        days = (end - start).days + 1
        for begin, close in self._spans_from(start, days):
            if begin >= end:
                break
            total += min(close, end) - begin
        return int(total.total_seconds() // 60)


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Business time needs an aware datetime.")
    return moment.astimezone(UTC)


# --- Loading from the database --------------------------------------------------------


def district_zone() -> ZoneInfo:
    """The district's time zone; the site-wide TIME_ZONE until a district profile exists."""
    name = District.objects.filter(pk=1).values_list("time_zone", flat=True).first()
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        # A zone the form refuses can still come from an old row or the API: never crash.
        return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class CalendarBook:
    """Calendars for several sites at once (a bulk action, the SLA sweep), loaded together.

    `hours[None]` are the district's default hours; closures keyed None are district-wide.
    """

    zone: ZoneInfo
    hours: Mapping[int | None, Hours]
    closures: Mapping[int | None, tuple[tuple[dt.date, dt.date], ...]]
    _built: dict[int | None, WorkCalendar] = field(default_factory=dict, compare=False)

    def for_site(self, site_id: int | None) -> WorkCalendar:
        """The calendar of one site (None: the district's own)."""
        if site_id not in self._built:
            own = self.hours.get(site_id) if site_id is not None else None
            self._built[site_id] = WorkCalendar(
                zone=self.zone,
                hours=own or self.hours.get(None, {}),
                closures=(
                    *self.closures.get(None, ()),
                    *(self.closures.get(site_id, ()) if site_id is not None else ()),
                ),
            )
        return self._built[site_id]


def _site_id(site: Site | int | None) -> int | None:
    return site.pk if isinstance(site, Site) else site


def load_calendars(
    *, sites: Iterable[Site | int | None] | None, first: dt.date, last: dt.date
) -> CalendarBook:
    """Read the calendars of `sites` (None: every site) with the closures overlapping
    `first`..`last` (local dates). Three queries, whatever the number of sites."""
    site_filter = Q(site__isnull=True)
    closure_filter = Q(site__isnull=True)
    if sites is None:
        site_filter = closure_filter = Q()
    else:
        ids = {i for i in map(_site_id, sites) if i is not None}
        site_filter |= Q(site_id__in=ids)
        closure_filter |= Q(site_id__in=ids)
    hours: dict[int | None, dict[int, tuple[dt.time, dt.time]]] = {}
    rows = WorkingHours.objects.filter(site_filter).values_list(
        "site_id", "weekday", "opens", "closes"
    )
    for site_id, weekday, opens, closes in rows:
        hours.setdefault(site_id, {})[weekday] = (opens, closes)
    closures: dict[int | None, list[tuple[dt.date, dt.date]]] = {}
    spans = (
        Closure.objects.filter(closure_filter, end_date__gte=first, start_date__lte=last)
        .order_by("start_date")
        .values_list("site_id", "start_date", "end_date")
    )
    for site_id, start, end in spans:
        closures.setdefault(site_id, []).append((start, end))
    return CalendarBook(
        zone=district_zone(),
        hours=hours,
        closures={key: tuple(value) for key, value in closures.items()},
    )


def load_calendar(*, site: Site | int | None, first: dt.date, last: dt.date) -> WorkCalendar:
    """One site's calendar (None: the district's) with closures in `first`..`last`."""
    return load_calendars(sites=[site], first=first, last=last).for_site(_site_id(site))


def search_range(start: dt.datetime, end: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """Local dates whose closures a calculation from `start` (to `end`) may meet, with a
    day's margin for time zones; without `end`, up to the search horizon."""
    first = start.date() - dt.timedelta(days=1)
    last = (end.date() if end else start.date() + dt.timedelta(days=HORIZON_DAYS)) + dt.timedelta(
        days=1
    )
    return first, last


def add_business_minutes(
    start: dt.datetime, minutes: int, *, site: Site | int | None = None
) -> dt.datetime:
    """`start` plus `minutes` business minutes at `site` (None: the district), in UTC.
    Reads the calendar once (three queries). See WorkCalendar.add_minutes."""
    first, last = search_range(_aware(start))
    return load_calendar(site=site, first=first, last=last).add_minutes(start, minutes)


def business_minutes_between(
    start: dt.datetime, end: dt.datetime, *, site: Site | int | None = None
) -> int:
    """Business minutes at `site` (None: the district) from `start` to `end`.
    Reads the calendar once (three queries). See WorkCalendar.minutes_between."""
    first, last = search_range(_aware(start), _aware(end))
    return load_calendar(site=site, first=first, last=last).minutes_between(start, end)
