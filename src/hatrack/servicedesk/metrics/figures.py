"""Every figure of the metrics page, computed in a fixed number of grouped queries.

The figures describe the tickets opened in the period (the cohort found through
`ticket_created_idx` on `created_at`), in one queue or site when asked: volume by week,
category, site and channel; first response and resolution times (wall-clock time from
opening, median and 90th percentile); SLA attainment; technician workload; satisfaction.
Backlog age and open tickets per technician describe the desk as it stands now.
Duplicates merged into another ticket are left out: one request counts once.

Every function returns plain values (numbers, strings, dates), ready to cache and to
write to CSV. The query count does not depend on how many tickets there are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import CharField, Count, F, Func, Q, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from hatrack.directory.models import Site
from hatrack.servicedesk.metrics import percentiles
from hatrack.servicedesk.metrics.period import Period
from hatrack.servicedesk.models import (
    Category,
    Deflection,
    SatisfactionRating,
    Ticket,
    TicketQuerySet,
)
from hatrack.servicedesk.queries import still_open

FRACTIONS = (0.5, 0.9)
BACKLOG_BUCKETS = (
    ("Under 1 day", 0, 1),
    ("1 to 3 days", 1, 3),
    ("3 to 7 days", 3, 7),
    ("7 to 30 days", 7, 30),
    ("Over 30 days", 30, None),
)
CHANNEL_LABELS = dict(Ticket.Channel.choices)


@dataclass(frozen=True)
class Scope:
    """What the figures cover: a period, and optionally one queue and one site (ids)."""

    period: Period
    queue: int | None = None
    site: int | None = None

    def tickets(self) -> TicketQuerySet:
        """All tickets of the queue and site, merged duplicates left out."""
        qs = Ticket.objects.filter(merged_into__isnull=True)
        if self.queue is not None:
            qs = qs.filter(queue=self.queue)
        if self.site is not None:
            qs = qs.filter(site=self.site)
        return qs

    def open_now(self) -> TicketQuerySet:
        """The tickets open now. `still_open()`, written exactly as the partial index
        `ticket_open_updated_idx` is, lets the database read that index alone instead of
        every ticket ever filed (naming the open statuses does not: SQLite's statistics
        put a quarter of all tickets behind each status). A merged duplicate
        is always closed (a constraint says so), so no merge test is needed here; one
        would tempt SQLite into the merged_into index, which holds every ticket."""
        qs = Ticket.objects.filter(still_open())
        if self.queue is not None:
            qs = qs.filter(queue=self.queue)
        if self.site is not None:
            qs = qs.filter(site=self.site)
        return qs

    def opened(self) -> TicketQuerySet:
        """The tickets opened in the period: a range seek on `ticket_created_idx`."""
        return self.tickets().filter(
            created_at__gte=self.period.start, created_at__lt=self.period.end
        )


def _duration(end: str) -> percentiles.Seconds:
    return percentiles.Seconds(end, "created_at")


FIRST_RESPONSE = "first_response_at"
RESOLUTION = "resolved_at"


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def summary(scope: Scope) -> dict[str, Any]:
    """Counts, SLA attainment and the response and resolution percentiles.

    SLA attainment counts tickets with a due time whose outcome is known: answered (or
    resolved) by then is met; answered late, or still waiting past the due time, is
    missed; still waiting before the due time is not counted yet.
    """
    now = timezone.now()
    fr_due, res_due = Q(first_response_due__isnull=False), Q(resolution_due__isnull=False)
    aggregates: dict[str, Any] = {
        "total": Count("id"),
        "responded": Count("id", filter=Q(first_response_at__isnull=False)),
        "resolved": Count("id", filter=Q(resolved_at__isnull=False)),
        "response_measured": Count(
            "id",
            filter=fr_due & (Q(first_response_at__isnull=False) | Q(first_response_due__lt=now)),
        ),
        "response_met": Count(
            "id", filter=fr_due & Q(first_response_at__lte=F("first_response_due"))
        ),
        "resolution_measured": Count(
            "id", filter=res_due & (Q(resolved_at__isnull=False) | Q(resolution_due__lt=now))
        ),
        "resolution_met": Count("id", filter=res_due & Q(resolved_at__lte=F("resolution_due"))),
    }
    if percentiles.in_database():
        for end in (FIRST_RESPONSE, RESOLUTION):
            for fraction in FRACTIONS:
                aggregates[f"{end}:{fraction}"] = percentiles.PercentileCont(
                    _duration(end), fraction
                )
    figures = scope.opened().aggregate(**aggregates)
    times = {}
    for end, count_key in ((FIRST_RESPONSE, "responded"), (RESOLUTION, "resolved")):
        if percentiles.in_database():
            found = {f: percentiles.as_duration(figures.pop(f"{end}:{f}")) for f in FRACTIONS}
        else:
            done = scope.opened().filter(**{f"{end}__isnull": False})
            found = percentiles.by_ranks(done, _duration(end), figures[count_key], FRACTIONS)
        times[end] = {"median": found[0.5], "p90": found[0.9]}
    figures["first_response"] = times[FIRST_RESPONSE]
    figures["resolution"] = times[RESOLUTION]
    figures["response_attainment"] = _share(figures["response_met"], figures["response_measured"])
    figures["resolution_attainment"] = _share(
        figures["resolution_met"], figures["resolution_measured"]
    )
    return figures


def _whole_hour_zone(period: Period) -> bool:
    """Is the zone's offset from UTC whole hours at both ends of the period (every US
    zone; not India's or Newfoundland's)? Then UTC hours map to local days exactly."""
    return all(
        (moment.utcoffset() or datetime.timedelta()) % datetime.timedelta(hours=1)
        == datetime.timedelta()
        for moment in (period.start, period.end)
    )


def _opened_per_local_day(scope: Scope) -> dict[datetime.date, int]:
    """Tickets opened per local day. SQLite groups by UTC hour with its own strftime
    (Django's time-zone-aware truncation there runs Python for every row), and Python
    moves each hour to its local day; PostgreSQL truncates in the zone itself."""
    zone = scope.period.zone
    if connection.vendor == "postgresql" or not _whole_hour_zone(scope.period):
        rows = (
            scope.opened()
            .annotate(day=TruncDate("created_at", tzinfo=zone))
            .values("day")
            .annotate(n=Count("id"))
            .order_by()
        )
        return {row["day"]: row["n"] for row in rows}
    hours = (
        scope.opened()
        .annotate(
            hour=Func(
                Value("%Y-%m-%d %H"), F("created_at"), function="strftime", output_field=CharField()
            )
        )
        .values("hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    days: dict[datetime.date, int] = {}
    for row in hours:
        text = row["hour"]  # "2025-03-09 04", UTC; slicing is far quicker than strptime
        moment = datetime.datetime(
            int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), tzinfo=datetime.UTC
        )
        day = moment.astimezone(zone).date()
        days[day] = days.get(day, 0) + row["n"]
    return days


def weekly(scope: Scope) -> list[dict[str, Any]]:
    """Tickets opened each week (Monday to Sunday, local time), every week of the
    period listed, empty weeks as 0."""
    counts: dict[datetime.date, int] = {}
    for day, n in _opened_per_local_day(scope).items():
        monday = day - datetime.timedelta(days=day.weekday())
        counts[monday] = counts.get(monday, 0) + n
    first = scope.period.first - datetime.timedelta(days=scope.period.first.weekday())
    weeks, day = [], first
    while day <= scope.period.last:
        weeks.append({"week": day, "opened": counts.get(day, 0)})
        day += datetime.timedelta(weeks=1)
    return weeks


def _grouped(qs: QuerySet[Ticket], column: str) -> list[tuple[Any, int]]:
    rows = qs.values(column).annotate(n=Count("id")).order_by()
    return [(row[column], row["n"]) for row in rows]


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most tickets first, then by name (the same order on every database)."""
    return sorted(rows, key=lambda row: (-row["tickets"], row["label"]))


def _category_paths(ids: Iterable[int]) -> dict[int, str]:
    """Full names ("Hardware › Chromebook") of the given categories, from one query of
    the categories of their queues (a few hundred rows at most)."""
    wanted = set(ids)
    if not wanted:
        return {}
    queues = Category.objects.filter(pk__in=wanted).values("queue")
    known = {
        row["id"]: row
        for row in Category.objects.filter(queue__in=queues).values("id", "name", "parent_id")
    }
    paths = {}
    for pk in wanted:
        names, row, seen = [], known.get(pk), set()
        while row is not None and row["id"] not in seen:
            seen.add(row["id"])
            names.append(row["name"])
            row = known.get(row["parent_id"])
        paths[pk] = " › ".join(reversed(names))
    return paths


def by_category(scope: Scope) -> list[dict[str, Any]]:
    rows = _grouped(scope.opened(), "category")
    names = _category_paths(pk for pk, _ in rows if pk is not None)
    return _ranked([{"label": names.get(pk, "No category"), "tickets": n} for pk, n in rows])


def by_site(scope: Scope) -> list[dict[str, Any]]:
    rows = _grouped(scope.opened(), "site")
    ids = [pk for pk, _ in rows if pk is not None]
    names = dict(Site.objects.filter(pk__in=ids).values_list("id", "name"))
    return _ranked([{"label": names.get(pk, "No site"), "tickets": n} for pk, n in rows])


def by_channel(scope: Scope) -> list[dict[str, Any]]:
    rows = _grouped(scope.opened(), "channel")
    return _ranked([{"label": CHANNEL_LABELS.get(v, v), "tickets": n} for v, n in rows])


def backlog(scope: Scope) -> list[dict[str, Any]]:
    """Open tickets now (whatever the period), by how long ago they were opened."""
    now = timezone.now()
    aggregates = {}
    for n, (_, younger, older) in enumerate(BACKLOG_BUCKETS):
        condition = Q(created_at__lte=now - datetime.timedelta(days=younger))
        if older is not None:
            condition &= Q(created_at__gt=now - datetime.timedelta(days=older))
        aggregates[f"bucket{n}"] = Count("id", filter=condition)
    counts = scope.open_now().aggregate(**aggregates)
    return [
        {"label": label, "tickets": counts[f"bucket{n}"]}
        for n, (label, _, _) in enumerate(BACKLOG_BUCKETS)
    ]


def workload(scope: Scope) -> list[dict[str, Any]]:
    """Per technician: open tickets now, and tickets of the period they resolved."""
    from hatrack.accounts.models import User

    open_now = dict(_grouped(scope.open_now().filter(assignee__isnull=False), "assignee"))
    done = scope.opened().filter(resolved_at__isnull=False, assignee__isnull=False)
    resolved = dict(_grouped(done, "assignee"))
    people = {u.pk: str(u) for u in User.objects.filter(pk__in={*open_now, *resolved})}
    rows = [
        {
            "label": people.get(pk, "Former account"),
            "open": open_now.get(pk, 0),
            "resolved": resolved.get(pk, 0),
        }
        for pk in {*open_now, *resolved}
    ]
    return sorted(rows, key=lambda r: (-r["open"], -r["resolved"], r["label"]))


def satisfaction(scope: Scope, resolved: int) -> dict[str, Any]:
    """Ratings of the period's tickets: average, count per score, and the share of
    resolved tickets that were rated."""
    ratings = SatisfactionRating.objects.filter(ticket__in=scope.opened().values("pk"))
    counts = dict(ratings.values_list("score").annotate(n=Count("id")).values_list("score", "n"))
    rated = sum(counts.values())
    total = sum(score * n for score, n in counts.items())
    return {
        "rated": rated,
        "average": round(total / rated, 2) if rated else None,
        "response_rate": _share(rated, resolved),
        "distribution": [{"label": f"{s} of 5", "ratings": counts.get(s, 0)} for s in range(1, 6)],
    }


def deflections(scope: Scope) -> int:
    """Questions a suggested article answered in the period (of the queue's articles when
    a queue is chosen; deflections belong to no site)."""
    qs = Deflection.objects.filter(
        created_at__gte=scope.period.start, created_at__lt=scope.period.end
    )
    if scope.queue is not None:
        qs = qs.filter(article__queue=scope.queue)
    return qs.count()


def compute(scope: Scope) -> dict[str, Any]:
    """Every figure of the page, as plain values."""
    head = summary(scope)
    return {
        "summary": head,
        "weekly": weekly(scope),
        "categories": by_category(scope),
        "sites": by_site(scope),
        "channels": by_channel(scope),
        "backlog": backlog(scope),
        "workload": workload(scope),
        "satisfaction": satisfaction(scope, head["resolved"]),
        "deflections": deflections(scope),
    }
