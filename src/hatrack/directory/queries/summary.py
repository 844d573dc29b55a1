"""The dashboard's view of the directory: headline numbers and the latest import."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse

from hatrack.core.models import ImportRun
from hatrack.directory.models import Person, Site
from hatrack.directory.services import SUMMARY_CACHE_KEY


def directory_summary() -> dict[str, Any]:
    """The district's headline numbers, from one grouped scan of people and one of sites.

    A full scan of people, so it is cached for five minutes and cleared by the services
    (and imports) that change the directory: the home page stays cheap on a district of
    half a million people.
    """
    summary: dict[str, Any] | None = cache.get(SUMMARY_CACHE_KEY)
    if summary is None:
        summary = _summarize()
        cache.set(SUMMARY_CACHE_KEY, summary, 300)
    return summary


def _summarize() -> dict[str, Any]:
    groups = (
        Person.objects.order_by()
        .values_list("primary_site_id", "role", "active")
        .annotate(n=Count("id"))
    )
    students = staff = inactive = 0
    per_site: dict[int | None, dict[str, int]] = {}
    for site_id, role, active, n in groups:
        if not active:
            inactive += n
            continue
        is_student = role == Person.Role.STUDENT
        students += n if is_student else 0
        staff += 0 if is_student else n
        bucket = per_site.setdefault(site_id, {"students": 0, "staff": 0})
        bucket["students" if is_student else "staff"] += n
    sites: list[dict[str, Any]] = [
        dict(row) for row in Site.objects.filter(active=True).values("id", "name", "code", "kind")
    ]
    kinds = _count_by_kind(sites)
    return {
        "students": students,
        "staff": staff,
        "active": students + staff,
        "inactive": inactive,
        "site_count": len(sites),
        "sites_by_kind": kinds,
        "per_site": [
            {**site, **per_site.get(site["id"], {"students": 0, "staff": 0})} for site in sites
        ],
        "unassigned": per_site.get(None, {"students": 0, "staff": 0}),
    }


def _count_by_kind(sites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for site in sites:
        counts[site["kind"]] = counts.get(site["kind"], 0) + 1
    base = reverse("directory:site_list")
    return [
        {"label": label, "count": counts[value], "url": f"{base}?kind={value}"}
        for value, label in Site.Kind.choices
        if counts.get(value)
    ]


def latest_import() -> ImportRun | None:
    return (
        ImportRun.objects.filter(kind="oneroster")
        .only("id", "status", "source_name", "created_at", "finished_at", "counts", "error_count")
        .first()
    )
