"""Reads for the district's shared lists: a site's rooms, vendors and funding sources."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from hatrack.core.search import text_filter
from hatrack.directory.models import FundingSource, Room, Site, Vendor

NAME_ORDER = ("name", "id")
ROOM_KIND_LABELS = dict(Room.Kind.choices)
FUNDING_KIND_LABELS = dict(FundingSource.Kind.choices)


def _active_filter(qs: QuerySet[Any], active: str) -> QuerySet[Any]:
    return qs if active == "all" else qs.filter(active=active == "active")


def site_rooms(site: Site) -> list[dict[str, Any]]:
    """Every room of a site (active first, then by name), with its edit address."""
    rooms = Room.objects.filter(site=site).order_by("-active", "name")
    rows: list[dict[str, Any]] = [dict(r) for r in rooms.values("id", "name", "kind", "active")]
    for row in rows:
        row["kind_label"] = ROOM_KIND_LABELS.get(row["kind"], row["kind"])
        row["edit_url"] = reverse("directory:room_edit", args=[row["id"]])
    return rows


def vendor_list_rows(filters: dict[str, Any]) -> QuerySet[Any]:
    fields = ("name", "email", "account_number")
    qs = text_filter(Vendor.objects.all(), fields, filters.get("q", ""))
    qs = _active_filter(qs, filters.get("active", "active"))
    return qs.values("id", "name", "website", "email", "phone", "account_number", "active")


def present_vendor_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = reverse("directory:vendor_list")
    for row in rows:
        row["edit_url"] = f"{base}{row['id']}/edit/"
    return rows


def funding_list_rows(filters: dict[str, Any]) -> QuerySet[Any]:
    qs = text_filter(FundingSource.objects.all(), ("name", "code"), filters.get("q", ""))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    qs = _active_filter(qs, filters.get("active", "active"))
    return qs.values("id", "name", "code", "kind", "recurring", "ends_on", "active")


def present_funding_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = reverse("directory:funding_list")
    for row in rows:
        row["edit_url"] = f"{base}{row['id']}/edit/"
        row["kind_label"] = FUNDING_KIND_LABELS.get(row["kind"], row["kind"])
    return rows
