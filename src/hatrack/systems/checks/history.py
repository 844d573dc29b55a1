"""Reads for the check pages: the list's rows, a check's recent results, its response-time
chart (raw results for 24 hours, hourly rollups for 30 days) and its uptime from outages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pygal
from django.db.models import Avg, Q, QuerySet
from django.db.models.functions import TruncHour
from django.shortcuts import get_object_or_404
from django.urls import reverse

from hatrack.systems.models import Check, CheckKind, CheckResult, CheckRollup, CheckState, Outage
from hatrack.workspace.charts import HOUSE_STYLE, chart_image

CHECK_ORDER = ("name", "pk")
UPTIME_DAYS = (7, 30, 90)


def check_list_rows(filters: dict[str, Any]) -> QuerySet[Check]:
    rows = Check.objects.select_related("system").only(
        "name", "kind", "target", "state", "enabled", "interval_seconds", "last_run_at",
        "last_response_ms", "last_error", "system__name",
    )  # fmt: skip
    if filters.get("q"):
        rows = rows.filter(Q(name__icontains=filters["q"]) | Q(target__icontains=filters["q"]))
    if filters.get("state"):
        rows = rows.filter(state=filters["state"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("system"):
        rows = rows.filter(system_id=filters["system"])
    return rows


def present_check_rows(checks: list[Check]) -> list[dict[str, Any]]:
    return [
        {
            "url": reverse("systems:check_detail", args=[c.pk]),
            "name": c.name,
            "system_name": c.system.name,
            "system_url": reverse("systems:system_detail", args=[c.system_id]),
            "kind_label": CheckKind(c.kind).label,
            "target": c.target,
            "state": c.state,
            "state_label": CheckState(c.state).label,
            "enabled": c.enabled,
            "every": every_label(c.interval_seconds),
            "last_run_at": c.last_run_at,
            "last_response_ms": c.last_response_ms,
            "last_error": c.last_error,
        }
        for c in checks
    ]


def every_label(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def check_for_page(pk: int) -> Check:
    return get_object_or_404(Check.objects.select_related("system"), pk=pk)


def recent_results(check: Check, limit: int = 30) -> list[CheckResult]:
    return list(CheckResult.objects.filter(check_ref=check).order_by("-checked_at")[:limit])


def outages_of(check: Check, limit: int = 20) -> list[Outage]:
    return list(
        Outage.objects.filter(check_ref=check)
        .select_related("incident")
        .order_by("-started_at")[:limit]
    )


def uptime(check: Check, now: datetime) -> list[dict[str, Any]]:
    """Share of each period the check was not in a confirmed outage (maintenance excluded),
    counted from the later of the period's start and the check's creation."""
    start = now - timedelta(days=max(UPTIME_DAYS))
    spans = list(
        Outage.objects.filter(check_ref=check, in_maintenance=False)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .values_list("started_at", "ended_at")
    )
    figures = []
    for days in UPTIME_DAYS:
        begin = max(now - timedelta(days=days), check.created_at)
        total = (now - begin).total_seconds()
        down = sum(
            max(0.0, (min(end or now, now) - max(started, begin)).total_seconds())
            for started, end in spans
        )
        percent = None if total <= 0 else max(0.0, 100 * (1 - down / total))
        figures.append({"days": days, "percent": percent})
    return figures


# The last-24-hours chart draws at most this many points (averaged runs beyond it).
MOST_POINTS = 300


def response_chart(check: Check, now: datetime) -> dict[str, str] | None:
    """Two charts as data: URIs: the last 24 hours of runs, and the last 30 days per hour
    (hourly rollups for results past 7 days, raw results grouped by hour before that)."""
    raw: list[tuple[datetime, int]] = list(
        CheckResult.objects.filter(
            check_ref=check, checked_at__gte=now - timedelta(hours=24), response_ms__isnull=False
        )
        .order_by("checked_at")
        .values_list("checked_at", "response_ms")  # type: ignore[arg-type]
    )
    hourly = _hourly_averages(check, now)
    if not raw and not hourly:
        return None
    charts = {}
    if raw:
        charts["day"] = _line("Response time, last 24 hours (ms)", _thinned(raw, MOST_POINTS))
    if hourly:
        charts["month"] = _line("Average response time per hour, last 30 days (ms)", hourly)
    return charts


def _hourly_averages(check: Check, now: datetime) -> list[tuple[datetime, int | None]]:
    rolled = CheckRollup.objects.filter(
        check_ref=check, hour__gte=now - timedelta(days=30), timed_runs__gt=0
    ).values_list("hour", "total_ms", "timed_runs")
    points = {hour: round(total / runs) for hour, total, runs in rolled}
    recent = (
        CheckResult.objects.filter(
            check_ref=check, checked_at__gte=now - timedelta(days=30), response_ms__isnull=False
        )
        .annotate(hour=TruncHour("checked_at", tzinfo=UTC))
        .values("hour")
        .annotate(average=Avg("response_ms"))
        .values_list("hour", "average")
    )
    for hour, average in recent:
        points.setdefault(hour, round(average))
    return sorted(points.items())


def _thinned(points: list[tuple[datetime, int]], most: int) -> list[tuple[datetime, int | None]]:
    """At most `most` points: consecutive runs averaged together, so a check every few
    seconds still draws a readable day (and every run counts)."""
    size = max(1, -(-len(points) // most))
    return [
        (points[i][0], round(sum(ms for _, ms in points[i : i + size]) / len(points[i : i + size])))
        for i in range(0, len(points), size)
    ]


def _line(title: str, points: list[tuple[datetime, int | None]]) -> str:
    chart = pygal.DateTimeLine(
        style=HOUSE_STYLE, js=[], disable_xml_declaration=True, width=900, height=300,
        show_legend=False, show_dots=len(points) < 60, title=title, x_label_rotation=0,
        x_value_formatter=lambda at: at.strftime("%d %b %H:%M"), truncate_label=-1,
    )  # fmt: skip
    chart.add("ms", points)
    chart.x_labels = _time_labels(points)
    return chart_image(chart)


def _time_labels(points: list[tuple[datetime, int | None]], count: int = 6) -> list[datetime]:
    """A few evenly spaced times along the axis: pygal would label every point."""
    if len(points) < 2:
        return [at for at, _ in points]
    first, last = points[0][0], points[-1][0]
    step = (last - first) / (count - 1)
    return [first + step * n for n in range(count)]
