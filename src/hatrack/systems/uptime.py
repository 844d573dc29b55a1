"""Uptime of systems, computed from their checks' outages.

A system is down while any of its checks has an outage that is neither `degraded` (a
slow answer is not downtime) nor `in_maintenance` (planned work is not downtime).
Overlapping outages of several checks count once (their union). An outage still open
runs to the end of the period, or to now when the period reaches into the future.
A system without checks has no uptime figure (None: unknown), never a flattering 100 %.

Each function reads a fixed number of queries whatever the number of systems or days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Min, Q
from django.utils import timezone

from hatrack.systems.models import Check, Outage

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class DayUptime:
    """One day of one system: `percent` is None when nothing watched it that day;
    `worst` is "operational", "degraded", "down" or "unknown"."""

    date: date
    percent: float | None
    worst: str

    @property
    def label(self) -> str:
        if self.percent is None:
            return f"{self.date:%b} {self.date.day}: no data"
        words = {"down": "outage", "degraded": "degraded performance"}.get(self.worst, "")
        suffix = f", {words}" if words else ""
        return f"{self.date:%b} {self.date.day}: {format_percent(self.percent)} up{suffix}"


def format_percent(value: float | None) -> str:
    """99.95 -> "99.95 %", 100 -> "100 %", None -> "No data"."""
    if value is None:
        return "No data"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} %"


def merged(spans: Iterable[Span]) -> list[Span]:
    """The union of time spans, as sorted spans that do not overlap."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def covered(spans: Iterable[Span], start: datetime, end: datetime) -> timedelta:
    """How much of [start, end] the (merged) spans cover."""
    total = timedelta(0)
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if e > s:
            total += e - s
    return total


def _outage_spans(
    system_ids: list[int], start: datetime, end: datetime, *, degraded: bool
) -> dict[int, list[Span]]:
    """Each system's merged outage spans within [start, end] (open ones run to end or now)."""
    stop = min(end, timezone.now())
    rows = Outage.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start),
        system_id__in=system_ids,
        degraded=degraded,
        in_maintenance=False,
        started_at__lt=end,
    ).values_list("system_id", "started_at", "ended_at")
    spans: dict[int, list[Span]] = defaultdict(list)
    for system_id, began, ended in rows:
        spans[system_id].append((max(began, start), min(ended or stop, end)))
    return {pk: merged(s for s in found if s[1] > s[0]) for pk, found in spans.items()}


def _watched_since(system_ids: list[int]) -> dict[int, datetime]:
    """When each system's first check was added (systems without checks are absent)."""
    rows = (
        Check.objects.filter(system_id__in=system_ids)
        .values("system_id")
        .annotate(first=Min("created_at"))
        .order_by()
        .values_list("system_id", "first")
    )
    return dict(rows)


def downtime(system_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, timedelta]:
    """Each system's downtime within [start, end]: the union of its outages."""
    ids = list(system_ids)
    spans = _outage_spans(ids, start, end, degraded=False)
    return {pk: covered(spans.get(pk, ()), start, end) for pk in ids}


def uptime_percent(
    system_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, float | None]:
    """Each system's uptime in per cent over [start, end]; None for systems without checks."""
    ids = list(system_ids)
    watched = _watched_since(ids)
    down = downtime([pk for pk in ids if pk in watched], start, end)
    length = (end - start).total_seconds()
    result: dict[int, float | None] = {}
    for pk in ids:
        if pk not in watched or length <= 0:
            result[pk] = None
        else:
            result[pk] = max(0.0, 100.0 * (1 - down[pk].total_seconds() / length))
    return result


def _day_bounds(day: date) -> Span:
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def daily_uptime(
    system_ids: Iterable[int], *, days: int = 90, today: date | None = None
) -> dict[int, list[DayUptime]]:
    """The last `days` days (oldest first, ending today in the district's time zone) of
    each system: per cent up and the worst state seen. Three queries in all."""
    ids = list(system_ids)
    today = today or timezone.localdate()
    first_day = today - timedelta(days=days - 1)
    start, _ = _day_bounds(first_day)
    _, end = _day_bounds(today)
    now = timezone.now()
    watched = _watched_since(ids)
    down = _outage_spans(ids, start, end, degraded=False)
    slow = _outage_spans(ids, start, end, degraded=True)
    result: dict[int, list[DayUptime]] = {}
    for pk in ids:
        since = watched.get(pk)
        row = []
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            day_start, day_end = _day_bounds(day)
            day_end = min(day_end, now)
            if since is None or day_end <= max(day_start, since):
                row.append(DayUptime(day, None, "unknown"))
                continue
            begin = max(day_start, since)
            lost = covered(down.get(pk, ()), begin, day_end)
            percent = max(0.0, 100.0 * (1 - lost / (day_end - begin)))
            worst = "operational"
            if lost:
                worst = "down"
            elif covered(slow.get(pk, ()), begin, day_end):
                worst = "degraded"
            row.append(DayUptime(day, percent, worst))
        result[pk] = row
    return result
