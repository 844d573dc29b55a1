"""Reads for the catalog pages: the filtered system list (page and CSV), a system with
everything its page shows, and the dependency lists in both directions.

The list is one `.values()` query joined to owner and vendor (no query per row); the
detail page costs a fixed handful of queries whatever the system's size.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from hatrack.core.search import text_filter
from hatrack.systems.graph_risks import cycles
from hatrack.systems.models import (
    Audience,
    Check,
    DataKind,
    Dependency,
    DependencyKind,
    Effect,
    Hosting,
    Incident,
    Kind,
    State,
    System,
    Tier,
)

SYSTEM_ORDER = ("tier", "name", "id")
KIND_LABELS = dict(Kind.choices)
HOSTING_LABELS = dict(Hosting.choices)
STATE_LABELS = dict(State.choices)
TIER_LABELS = dict(Tier.choices)
DATA_LABELS = dict(DataKind.choices)
AUDIENCE_LABELS = dict(Audience.choices)
DEPENDENCY_LABELS = dict(DependencyKind.choices)
EFFECT_LABELS = dict(Effect.choices)
LIST_FIELDS = (
    "id",
    "name",
    "kind",
    "tier",
    "state",
    "hosting",
    "renewal_date",
    "annual_cost",
    "active",
    "owner_id",
    "owner__given_name",
    "owner__family_name",
    "vendor__name",
)
CSV_HEADER = (
    "Name",
    "Kind",
    "Tier",
    "State",
    "Owner",
    "Vendor",
    "Hosting",
    "Contract renewal",
    "Annual cost",
    "Active",
)


def system_list_rows(
    filters: dict[str, Any], *, today: datetime.date | None = None
) -> QuerySet[Any]:
    """The systems matching the list's filters, as dicts of the columns the list shows."""
    qs = text_filter(System.objects.all(), ("name",), filters.get("q", ""))
    for name in ("kind", "hosting", "state"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("tier"):
        qs = qs.filter(tier=filters["tier"])
    if filters.get("holds"):
        # The JSON list as text holds each value in quotes, on SQLite and PostgreSQL alike;
        # no DataKind value is part of another.
        qs = qs.annotate(data_text=Cast("data_held", TextField())).filter(
            data_text__contains=f'"{filters["holds"]}"'
        )
    if filters.get("renewal"):
        start = today or timezone.localdate()
        end = start + datetime.timedelta(days=int(filters["renewal"]))
        qs = qs.filter(renewal_date__gte=start, renewal_date__lte=end)
    active = filters.get("active") or "active"
    if active != "all":
        qs = qs.filter(active=active == "active")
    return qs.values(*LIST_FIELDS)


def _owner_name(row: dict[str, Any]) -> str:
    return f"{row['owner__given_name'] or ''} {row['owner__family_name'] or ''}".strip()


def present_system_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = reverse("systems:system_list")
    for row in rows:
        row["url"] = f"{base}{row['id']}/"
        row["kind_label"] = KIND_LABELS.get(row["kind"], row["kind"])
        row["tier_label"] = f"Tier {row['tier']}"
        row["state_label"] = STATE_LABELS.get(row["state"], row["state"])
        row["hosting_label"] = HOSTING_LABELS.get(row["hosting"], row["hosting"])
        row["owner_name"] = _owner_name(row)
        row["vendor_name"] = row["vendor__name"] or ""
    return rows


def system_csv_rows(rows: QuerySet[Any]) -> Iterator[list[Any]]:
    """Every filtered system as a CSV row, streamed in the list's order."""
    for row in rows.order_by(*SYSTEM_ORDER).iterator(chunk_size=500):
        yield [
            row["name"],
            KIND_LABELS.get(row["kind"], row["kind"]),
            row["tier"],
            STATE_LABELS.get(row["state"], row["state"]),
            _owner_name(row),
            row["vendor__name"] or "",
            HOSTING_LABELS.get(row["hosting"], row["hosting"]),
            row["renewal_date"].isoformat() if row["renewal_date"] else "",
            row["annual_cost"],
            "yes" if row["active"] else "no",
        ]


def is_filtered(filters: dict[str, Any]) -> bool:
    chosen = ("q", "kind", "tier", "hosting", "state", "holds", "renewal")
    return any(filters.get(name) for name in chosen) or filters.get("active") not in (
        "",
        None,
        "active",
    )


# --- One system -----------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """One dependency as a page shows it, from the point of view of one system."""

    id: int
    other_id: int
    other_name: str
    other_url: str
    other_active: bool
    kind_label: str
    effect: str
    effect_label: str
    note: str


def system_for_page(pk: int) -> System:
    """The system with its vendor, owners, funding source and sites (404 when unknown)."""
    qs = System.objects.select_related("vendor", "owner", "backup_owner", "funding_source")
    return get_object_or_404(qs.prefetch_related("sites"), pk=pk)


def _edges(qs: QuerySet[Dependency], other: str) -> list[Edge]:
    base = reverse("systems:system_list")
    rows = qs.select_related(other).only(
        "id", "kind", "effect", "note", f"{other}__name", f"{other}__active", f"{other}__tier"
    )
    edges = []
    for dep in rows.order_by(f"{other}__tier", f"{other}__name", "kind"):
        target: System = getattr(dep, other)
        edges.append(
            Edge(
                id=dep.pk,
                other_id=target.pk,
                other_name=target.name,
                other_url=f"{base}{target.pk}/",
                other_active=target.active,
                kind_label=DEPENDENCY_LABELS.get(dep.kind, dep.kind),
                effect=dep.effect,
                effect_label=EFFECT_LABELS.get(dep.effect, dep.effect),
                note=dep.note,
            )
        )
    return edges


def depends_on(system: System) -> list[Edge]:
    """What the system needs: the systems it depends on, by their tier and name."""
    return _edges(Dependency.objects.filter(system=system), "depends_on")


def needed_by(system: System) -> list[Edge]:
    """Who needs the system: the systems that depend on it."""
    return _edges(Dependency.objects.filter(depends_on=system), "system")


def in_cycle(system: System) -> list[int]:
    """The other systems of the dependency cycle this system is part of (empty if none)."""
    for component in cycles():
        if system.pk in component:
            return [pk for pk in component if pk != system.pk]
    return []


def names_of(ids: list[int]) -> list[dict[str, Any]]:
    base = reverse("systems:system_list")
    rows = System.objects.filter(pk__in=ids).order_by("name").values("id", "name")
    return [{"name": r["name"], "url": f"{base}{r['id']}/"} for r in rows]


def system_checks(system: System) -> list[Check]:
    return list(
        Check.objects.filter(system=system)
        .only("id", "name", "kind", "state", "enabled", "system_id")
        .order_by("name")
    )


def open_incidents(system: System) -> list[Incident]:
    return list(
        Incident.objects.open()
        .filter(system_roles__system=system)
        .distinct()
        .only("id", "title", "status", "started_at", "impact_level")
        .order_by("-started_at")
    )


def dependency_choices(system: System) -> QuerySet[System]:
    """The active systems another can depend on (all but itself): about 300 in a district,
    so a plain select serves."""
    return System.objects.active().exclude(pk=system.pk).only("id", "name", "tier").order_by("name")


def dependency_for_page(pk: int) -> Dependency:
    return get_object_or_404(Dependency.objects.select_related("system", "depends_on"), pk=pk)
