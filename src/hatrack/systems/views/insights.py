"""The leader view of the systems hat: uptime and incidents by system and month, time to
detect and to resolve, blast radius, single points of failure, renewals (cached)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from hatrack.core.lists import csv_response
from hatrack.core.permissions import requires
from hatrack.systems.insights import CACHE_SECONDS, RENEWAL_DAYS, insights_for
from hatrack.systems.models import Tier

TIER_LABELS = dict(Tier.choices)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def duration(value: dt.timedelta | None) -> str:
    """A duration in words a leader reads at a glance: '45 s', '12 min', '3 h 05 min'."""
    if value is None:
        return "—"
    seconds = round(value.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"${value:,.0f}"


def _times(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "detect_mean": duration(row["detect"]["mean"]),
        "detect_median": duration(row["detect"]["median"]),
        "resolve_mean": duration(row["resolve"]["mean"]),
        "resolve_median": duration(row["resolve"]["median"]),
        "resolved": row["resolve"]["count"],
    }


def present(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as the page shows them: percentages, durations in words, dollars."""
    systems = figures["systems"]
    renewals = figures["renewals"]
    return {
        "systems": [
            {
                "id": s["id"],
                "name": s["name"],
                "tier": s["tier"],
                "uptime": [percent(v) for v in s["uptime"]],
                "incidents": s["incidents"],
                "incident_total": sum(s["incidents"]),
            }
            for s in systems
        ],
        "tier_one_uptime": [percent(v) for v in figures["tier_one_uptime"]],
        "per_month": [
            {"label": m["label"], "incidents": m["incidents"], **_times(m)}
            for m in figures["per_month"]
        ],
        "overall": {"incidents": figures["overall"]["incidents"], **_times(figures["overall"])},
        "blast": [{**b, "tier_label": TIER_LABELS.get(b["tier"], "")} for b in figures["blast"]],
        "single_points": figures["single_points"],
        "renewals": [{**r, "cost": money(r["annual_cost"])} for r in renewals["rows"]],
        "renewal_total": money(renewals["total"]),
        "empty": not systems,
    }


def uptime_csv(figures: dict[str, Any]) -> StreamingHttpResponse:
    """The uptime table as CSV: one row per system, one column per month (percent)."""
    months = [m["label"] for m in figures["months"]]
    rows = (
        [s["name"], s["tier"], *("" if v is None else f"{v:.3f}" for v in s["uptime"])]
        for s in figures["systems"]
    )
    return csv_response("system-uptime.csv", ["System", "Tier", *months], rows)


@requires("systems.insights")
def insights(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The leader view, from the cache unless ?refresh=1; ?format=csv: the uptime table."""
    report = insights_for(fresh=request.GET.get("refresh") == "1")
    figures = report["figures"]
    if request.GET.get("format") == "csv":
        return uptime_csv(figures)
    context = {
        "months": figures["months"],
        "shown": present(figures),
        "charts": report["charts"],
        "computed_at": report["computed_at"],
        "cache_minutes": CACHE_SECONDS // 60,
        "renewal_days": RENEWAL_DAYS,
    }
    return render(request, "systems/insights.html", context)
