"""The leader's figures for the systems hat: uptime and incidents by system and month,
how fast incidents are detected and resolved, the systems with the widest blast radius,
single points of failure, and the contracts that renew in the next 90 days.

Uptime comes from `systems.uptime` (outages, maintenance left out); everything else from
a handful of queries whose number does not depend on how many incidents there are (a
district's year of incidents is hundreds of rows, folded in Python). The figures are
for planning, not live: `insights_for` keeps them CACHE_SECONDS and "Refresh now"
recomputes them.

Definitions the page states too:
- *month*: a calendar month in the district's time zone; the current one runs to now;
- *incidents of a system*: incidents it caused or failed with (role cause or joined),
  counted in the month the incident started;
- *time to detect*: detected_at - started_at; *time to resolve*: resolved_at -
  started_at, for the incidents resolved so far; both by the month the incident started.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from hatrack.systems import insights_charts
from hatrack.systems.graph_risks import blast_radius, single_points_of_failure
from hatrack.systems.models import Incident, IncidentRole, IncidentSystem, System, Tier
from hatrack.systems.uptime import uptime_percent

CACHE_SECONDS = 600
MONTHS = 12
RENEWAL_DAYS = 90
TOP_BLAST = 10


@dataclass(frozen=True)
class Month:
    """One calendar month of the window: its label and its [start, end) in aware times."""

    label: str
    key: str  # "2026-03"
    start: dt.datetime
    end: dt.datetime


def months_until(now: dt.datetime, count: int = MONTHS) -> list[Month]:
    """The `count` calendar months up to and including now's, oldest first; the last
    ends at `now`."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    firsts = []
    for _ in range(count):
        firsts.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    zone = timezone.get_current_timezone()
    result = []
    for i, (y, m) in enumerate(firsts):
        start = dt.datetime(y, m, 1, tzinfo=zone)
        if i + 1 < len(firsts):
            ny, nm = firsts[i + 1]
            end = dt.datetime(ny, nm, 1, tzinfo=zone)
        else:
            end = now
        result.append(
            Month(label=start.strftime("%b %Y"), key=f"{y}-{m:02d}", start=start, end=end)
        )
    return result


def month_key(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}-{local.month:02d}"


def _mean(values: list[dt.timedelta]) -> dt.timedelta | None:
    return sum(values, dt.timedelta()) / len(values) if values else None


def _median(values: list[dt.timedelta]) -> dt.timedelta | None:
    if not values:
        return None
    seconds = statistics.median(v.total_seconds() for v in values)
    return dt.timedelta(seconds=seconds)


def durations(values: list[dt.timedelta]) -> dict[str, Any]:
    """Count, mean and median of some durations (None for an empty list)."""
    return {"count": len(values), "mean": _mean(values), "median": _median(values)}


def _systems() -> list[dict[str, Any]]:
    rows = System.objects.active().order_by("tier", "name").values("id", "name", "tier")
    return [dict(row) for row in rows]


def _uptime(systems: list[dict[str, Any]], months: list[Month]) -> dict[int, list[float | None]]:
    """Each system's uptime percentage per month (None where it is not known)."""
    ids = [s["id"] for s in systems]
    by_system: dict[int, list[float | None]] = {pk: [] for pk in ids}
    for month in months:
        figures = uptime_percent(ids, month.start, month.end) if ids else {}
        for pk in ids:
            by_system[pk].append(figures.get(pk))
    return by_system


def _average(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _incidents(
    months: list[Month],
) -> tuple[dict[int, list[int]], list[dict[str, Any]], dict[str, Any]]:
    """Incidents per system and month, and time to detect and resolve per month."""
    start, keys = months[0].start, [m.key for m in months]
    index = {key: i for i, key in enumerate(keys)}
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(months))
    roles = IncidentSystem.objects.filter(
        incident__started_at__gte=start, role__in=(IncidentRole.CAUSE, IncidentRole.JOINED)
    ).values_list("system_id", "incident__started_at")
    for system_id, started_at in roles:
        i = index.get(month_key(started_at))
        if i is not None:
            counts[system_id][i] += 1
    detect: dict[str, list[dt.timedelta]] = defaultdict(list)
    resolve: dict[str, list[dt.timedelta]] = defaultdict(list)
    opened: dict[str, int] = defaultdict(int)
    rows = Incident.objects.filter(started_at__gte=start).values_list(
        "started_at", "detected_at", "resolved_at"
    )
    for started_at, detected_at, resolved_at in rows:
        key = month_key(started_at)
        opened[key] += 1
        detect[key].append(max(detected_at - started_at, dt.timedelta()))
        if resolved_at is not None:
            resolve[key].append(resolved_at - started_at)
    per_month = [
        {
            "label": m.label,
            "key": m.key,
            "incidents": opened[m.key],
            "detect": durations(detect[m.key]),
            "resolve": durations(resolve[m.key]),
        }
        for m in months
    ]
    overall = {
        "incidents": sum(opened.values()),
        "detect": durations([d for k in keys for d in detect[k]]),
        "resolve": durations([d for k in keys for d in resolve[k]]),
    }
    return dict(counts), per_month, overall


def _blast(names: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    top = []
    for system_id, affected, people in blast_radius():
        if system_id in names and affected > 0:
            top.append({**names[system_id], "affected": affected, "people": people})
        if len(top) == TOP_BLAST:
            break
    return top


def _single_points() -> list[dict[str, Any]]:
    """The graph's single points of failure: id, name, tier, and how many tier 1 or 2
    systems (`critical`) and systems in all (`fails`) fail with each."""
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "tier": row["tier"],
            "critical": row["critical_dependents"],
            "fails": row["fails"],
        }
        for row in single_points_of_failure()
    ]


def _renewals(today: dt.date) -> dict[str, Any]:
    rows = list(
        System.objects.active()
        .filter(renewal_date__gte=today, renewal_date__lte=today + dt.timedelta(days=RENEWAL_DAYS))
        .order_by("renewal_date", "name")
        .values("id", "name", "tier", "renewal_date", "annual_cost", "vendor__name")
    )
    total = sum((r["annual_cost"] or Decimal(0) for r in rows), Decimal(0))
    return {"rows": rows, "total": total}


def compute(now: dt.datetime | None = None) -> dict[str, Any]:
    """Every figure of the leader view as of `now` (plain values, ready to cache)."""
    now = now or timezone.now()
    months = months_until(now)
    systems = _systems()
    names = {s["id"]: s for s in systems}
    uptime = _uptime(systems, months)
    counts, per_month, overall = _incidents(months)
    tier_one = [uptime[s["id"]] for s in systems if s["tier"] == Tier.CRITICAL]
    return {
        "months": [{"label": m.label, "key": m.key} for m in months],
        "systems": [
            {
                **s,
                "uptime": uptime[s["id"]],
                "incidents": counts.get(s["id"], [0] * len(months)),
            }
            for s in systems
        ],
        "tier_one_uptime": [_average([u[i] for u in tier_one]) for i in range(len(months))],
        "all_uptime": [_average([uptime[s["id"]][i] for s in systems]) for i in range(len(months))],
        "per_month": per_month,
        "overall": overall,
        "blast": _blast(names) if systems else [],
        "single_points": _single_points() if systems else [],
        "renewals": _renewals(timezone.localdate(now)),
    }


def cache_key(now: dt.datetime) -> str:
    return f"systems:insights:{timezone.localdate(now).isoformat()}"


def insights_for(*, fresh: bool = False, now: dt.datetime | None = None) -> dict[str, Any]:
    """The figures and charts with `computed_at`: from the cache unless `fresh` (or
    nothing was computed in the last CACHE_SECONDS)."""
    now = now or timezone.now()
    key = cache_key(now)
    found: dict[str, Any] | None = None if fresh else cache.get(key)
    if found is None:
        figures = compute(now)
        found = {"figures": figures, "charts": insights_charts.draw(figures), "computed_at": now}
        cache.set(key, found, CACHE_SECONDS)
    return found
