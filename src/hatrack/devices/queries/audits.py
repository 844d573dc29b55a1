"""Reads of the audit pages: recent audits, one audit, and its found / missing /
unexpected lists (keyset pages over the items, with only the columns shown)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from hatrack.devices.models import AuditItem, PhysicalAudit, Status

AUDIT_ORDER = ("-started_at", "-id")
FOUND, MISSING, UNEXPECTED = "found", "missing", "unexpected"
LISTS: dict[str, dict[str, Any]] = {
    MISSING: {
        "title": "Missing",
        "filter": Q(expected=True, found_at__isnull=True),
        "order": ("id",),  # the start inserts items in serial-number order
        "empty": "Every device the records place here was scanned.",
    },
    FOUND: {
        "title": "Found",
        "filter": Q(expected=True, found_at__isnull=False),
        "order": ("-found_at", "-id"),
        "empty": "No expected device scanned yet.",
    },
    UNEXPECTED: {
        "title": "Unexpected",
        "filter": Q(expected=False),
        "order": ("-found_at", "-id"),
        "empty": "No device from elsewhere turned up.",
    },
}
ITEM_COLUMNS = (
    "id", "found_at", "device_id", "device__asset_tag", "device__serial_number",
    "device__status", "device__model__manufacturer", "device__model__name",
    "device__site__name", "device__room__name", "device__holder__given_name",
    "device__holder__family_name", "found_by__username",
)  # fmt: skip
CSV_HEADER = (
    "Asset tag", "Serial number", "Model", "Status", "Site", "Room", "Holder",
    "Found at", "Found by",
)  # fmt: skip
STATUS_LABELS = dict(Status.choices)


def device_link() -> Callable[[int], str]:
    """pk -> the device's page."""
    return lambda pk: reverse("devices:device_detail", args=[pk])


def audit_list_rows() -> QuerySet[PhysicalAudit, dict[str, Any]]:
    return PhysicalAudit.objects.values(  # type: ignore[return-value]
        "id", "status", "started_at", "finished_at", "expected_count", "found_count",
        "unexpected_count", "site__name", "room__name", "started_by__username",
    )  # fmt: skip


def present_audit_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["place"] = row["site__name"] + (f", {row['room__name']}" if row["room__name"] else "")
        row["found"] = row["found_count"] - row["unexpected_count"]
        row["missing"] = row["expected_count"] - row["found"]
        row["open"] = row["status"] == PhysicalAudit.Status.OPEN
        row["url"] = reverse("devices:audit_detail", args=[row["id"]])
    return rows


def get_audit(pk: int) -> PhysicalAudit:
    audits = PhysicalAudit.objects.select_related("site", "room__site", "started_by")
    return get_object_or_404(audits, pk=pk)


def item_rows(audit: PhysicalAudit, kind: str) -> QuerySet[AuditItem, dict[str, Any]]:
    """One list's items, with the device columns the list shows."""
    items = AuditItem.objects.filter(LISTS[kind]["filter"], audit=audit)
    return cast("QuerySet[AuditItem, dict[str, Any]]", items.values(*ITEM_COLUMNS))


def _recorded_place(row: dict[str, Any]) -> str:
    holder = f"{row['device__holder__given_name']} {row['device__holder__family_name']}"
    parts = [row["device__site__name"] or "No site", row["device__room__name"]]
    if row["device__holder__given_name"] is not None:
        parts.append(f"with {holder.strip()}")
    return ", ".join(part for part in parts if part)


def present_item_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    link = device_link()
    for row in rows:
        row["label"] = row["device__asset_tag"] or row["device__serial_number"]
        row["model"] = f"{row['device__model__manufacturer']} {row['device__model__name']}"
        row["status_label"] = STATUS_LABELS.get(row["device__status"], row["device__status"])
        row["recorded"] = _recorded_place(row)
        row["url"] = link(row["device_id"])
    return rows


def item_csv_rows(audit: PhysicalAudit, kind: str) -> Iterator[tuple[Any, ...]]:
    """Every row of one list for the CSV export, streamed in the list's order."""
    rows = item_rows(audit, kind).order_by(*LISTS[kind]["order"])
    for row in rows.iterator(chunk_size=2000):
        holder = (
            f"{row['device__holder__given_name'] or ''} {row['device__holder__family_name'] or ''}"
        )
        yield (
            row["device__asset_tag"] or "",
            row["device__serial_number"],
            f"{row['device__model__manufacturer']} {row['device__model__name']}",
            STATUS_LABELS.get(row["device__status"], row["device__status"]),
            row["device__site__name"] or "",
            row["device__room__name"] or "",
            holder.strip(),
            row["found_at"].isoformat() if row["found_at"] else "",
            row["found_by__username"] or "",
        )
