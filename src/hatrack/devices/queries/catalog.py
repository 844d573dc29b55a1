"""Reads for the catalog pages: the models with their device counts, a model, the kits.

Counts come from one grouped query over the page's models (the device table's
model-leading index), never a query per row.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from hatrack.core.search import text_filter
from hatrack.devices.holdings import device_list_url
from hatrack.devices.models import IN_FLEET, Category, Device, DeviceModel, Kit, Status

MODEL_ORDER = ("manufacturer", "name", "id")
KIT_ORDER = ("name", "id")
CATEGORY_LABELS = dict(Category.choices)


def _active_filter(qs: QuerySet[Any], active: str) -> QuerySet[Any]:
    return qs if active == "all" else qs.filter(active=active == "active")


def model_list_rows(filters: dict[str, Any]) -> QuerySet[Any]:
    qs = text_filter(DeviceModel.objects.all(), ("manufacturer", "name"), filters.get("q", ""))
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    qs = _active_filter(qs, filters.get("active", "active"))
    return qs.values(
        "id",
        "manufacturer",
        "name",
        "category",
        "auto_update_expiration",
        "expected_life_years",
        "replacement_cost",
        "active",
    )


def device_counts(model_ids: list[int]) -> dict[int, dict[str, int]]:
    """{model id: {"fleet": devices in hand, "total": every device}} in one grouped query."""
    if not model_ids:
        return {}
    rows = (
        Device.objects.filter(model_id__in=model_ids)
        .order_by()
        .values("model_id")
        .annotate(total=Count("id"), fleet=Count("id", filter=Q(status__in=IN_FLEET)))
    )
    return {r["model_id"]: {"fleet": r["fleet"], "total": r["total"]} for r in rows}


def present_model_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = device_counts([row["id"] for row in rows])
    base = reverse("devices:model_list")
    for row in rows:
        row["url"] = f"{base}{row['id']}/"
        row["label"] = str(DeviceModel(manufacturer=row["manufacturer"], name=row["name"]))
        row["category_label"] = CATEGORY_LABELS.get(row["category"], row["category"])
        found = counts.get(row["id"], {})
        row["fleet"], row["total"] = found.get("fleet", 0), found.get("total", 0)
    return rows


def model_status_counts(device_model: DeviceModel) -> list[dict[str, Any]]:
    """A model's devices counted by status (one grouped query), in the statuses' order,
    each with a link to the device list filtered by model and status."""
    counts = dict(
        Device.objects.filter(model=device_model)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return [
        {
            "status": label,
            "count": counts[value],
            "url": device_list_url(model=device_model.pk, status=value),
        }
        for value, label in Status.choices
        if counts.get(value)
    ]


def model_kits(device_model: DeviceModel) -> list[Kit]:
    """Active kits that fit the model: those for its category and those for any device."""
    return list(
        Kit.objects.filter(Q(category=device_model.category) | Q(category=""), active=True).only(
            "id", "name", "category", "accessories"
        )
    )


def kit_list_rows(filters: dict[str, Any]) -> QuerySet[Any]:
    qs = text_filter(Kit.objects.all(), ("name",), filters.get("q", ""))
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    qs = _active_filter(qs, filters.get("active", "active"))
    return qs.values("id", "name", "category", "accessories", "active")


def present_kit_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = reverse("devices:kit_list")
    for row in rows:
        row["edit_url"] = f"{base}{row['id']}/edit/"
        row["category_label"] = CATEGORY_LABELS.get(row["category"]) or "Any kind"
        row["accessories_label"] = ", ".join(row["accessories"])
    return rows
