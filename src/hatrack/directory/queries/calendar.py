"""Reads of the school calendar for its pages: the week's hours and the closures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from hatrack.directory.models import Closure, Site, WorkingHours

CLOSURE_ORDER = ("-start_date", "-id")
KIND_LABELS = dict(Closure.Kind.choices)


def week_rows(site: Site | None) -> list[WorkingHours]:
    """The district's default hours (site None) or a site's own, Monday first."""
    return list(WorkingHours.objects.filter(site=site).order_by("weekday"))


def present_week(rows: list[WorkingHours]) -> list[dict[str, Any]]:
    """Seven lines, Monday to Sunday: each day's hours in words, or "Closed"."""
    by_day = {row.weekday: row for row in rows}
    return [
        {
            "name": name,
            "hours": (
                f"{by_day[day].opens:%H:%M} to {by_day[day].closes:%H:%M}"
                if day in by_day
                else "Closed"
            ),
        }
        for day, name in WorkingHours.Weekday.choices
    ]


def sites_with_own_hours() -> list[dict[str, Any]]:
    """Sites that keep hours of their own, by name, with their week in words. One query."""
    rows = WorkingHours.objects.filter(site__isnull=False).select_related("site")
    sites: dict[int, dict[str, Any]] = {}
    grouped: dict[int, list[WorkingHours]] = {}
    for row in rows.order_by("site__name", "site_id", "weekday"):
        if row.site is None:  # filtered out above; this tells the type checker
            continue
        sites.setdefault(row.site.pk, {"id": row.site.pk, "name": row.site.name})
        grouped.setdefault(row.site.pk, []).append(row)
    for site_id, site in sites.items():
        site["week"] = present_week(grouped[site_id])
    return list(sites.values())


def closure_rows() -> QuerySet[Any]:
    return Closure.objects.values(
        "id", "name", "kind", "start_date", "end_date", "site_id", "site__name"
    )


def present_closure_rows(rows: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    for row in rows:
        row["kind_label"] = KIND_LABELS.get(row["kind"], row["kind"])
        row["where"] = row["site__name"] or "Whole district"
        days = (row["end_date"] - row["start_date"]).days + 1
        row["days"] = f"{days} day{'s' if days != 1 else ''}"
        row["past"] = row["end_date"] < today
    return rows
