"""Reads for the repair and fee pages: the two lists (keyset pages over narrow rows,
pre-formatted for the template), a repair or fee with what its page shows, the timeline
of a repair from the audit trail, and the person a fee is charged to by default."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse

from hatrack.core.audit_changes import describe_changes
from hatrack.core.models import AuditEntry
from hatrack.devices.models import Assignment, DamageType, Device, Fee, Repair
from hatrack.directory.models import Person, Vendor

REPAIR_ORDER = ("-opened_at", "-id")
# Money still owed sorts first: unpaid and partly paid fees, then paid and waived.
FEE_ORDER = ("owed_rank", "-charged_at", "-id")
OWED = (Fee.Status.UNPAID, Fee.Status.PARTIAL)
REPAIR_STATUS_LABELS = dict(Repair.Status.choices)
FEE_STATUS_LABELS = dict(Fee.Status.choices)
DAMAGE_LABELS = dict(DamageType.choices)
STATUS_BADGES = {
    "open": "badge-warning",
    "at_vendor": "badge-warning",
    "waiting_parts": "badge-warning",
    "repaired": "badge-success",
    "unrepairable": "badge-danger",
    "cancelled": "badge-muted",
    "unpaid": "badge-danger",
    "partial": "badge-warning",
    "paid": "badge-success",
    "waived": "badge-muted",
}


def money(value: Decimal | None) -> str:
    """$1,234.50; an em dash for nothing."""
    return "—" if value is None else f"${value:,.2f}"


def person_name(given: str | None, family: str | None) -> str:
    return f"{given or ''} {family or ''}".strip()


def vendor_choices() -> list[tuple[int, str]]:
    return list(Vendor.objects.order_by("name").values_list("id", "name"))


# --- Repairs ---------------------------------------------------------------------------


def repair_list_rows(filters: dict[str, Any]) -> QuerySet[Any]:
    qs = Repair.objects.all()
    status = filters.get("status")
    if status == "closed":
        qs = qs.exclude(status__in=Repair.OPEN_STATUSES)
    elif status in REPAIR_STATUS_LABELS:
        qs = qs.filter(status=status)
    elif status != "all":
        qs = qs.filter(status__in=Repair.OPEN_STATUSES)
    if filters.get("site"):
        qs = qs.filter(device__site=filters["site"])
    if filters.get("damage"):
        qs = qs.filter(damage_type=filters["damage"])
    if filters.get("vendor"):
        qs = qs.filter(vendor=filters["vendor"])
    return qs.values(
        "id", "status", "problem", "damage_type", "opened_at", "labor_cost", "parts_cost",
        "device_id", "device__asset_tag", "device__serial_number", "device__site__name",
        "holder_id", "holder__given_name", "holder__family_name", "vendor__name", "loaner_id",
        "loaner__checked_in_at",
    )  # fmt: skip


def present_repair_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    detail = reverse("devices:repair_detail", args=[0]).removesuffix("0/")
    return [
        {
            "url": f"{detail}{row['id']}/",
            "reference": f"R-{row['id']}",
            "device": row["device__asset_tag"] or row["device__serial_number"],
            "site": row["device__site__name"] or "",
            "holder": person_name(row["holder__given_name"], row["holder__family_name"]),
            "problem": _short(row["problem"]),
            "status": REPAIR_STATUS_LABELS.get(row["status"], row["status"]),
            "badge": STATUS_BADGES.get(row["status"], ""),
            "damage": DAMAGE_LABELS.get(row["damage_type"], row["damage_type"]),
            "vendor": row["vendor__name"] or "",
            "opened_at": row["opened_at"],
            "loaner": row["loaner_id"] is not None and row["loaner__checked_in_at"] is None,
            "cost": money(row["labor_cost"] + row["parts_cost"]),
        }
        for row in rows
    ]


def _short(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def repair_for_page(pk: int) -> Repair:
    """The repair with its device, holder, vendor, ticket and loaner; Http404 otherwise."""
    return get_object_or_404(
        Repair.objects.select_related(
            "device",
            "device__model",
            "device__site",
            "holder",
            "vendor",
            "ticket",
            "opened_by",
            "loaner",
            "loaner__device",
        ),
        pk=pk,
    )


def repair_fees(repair: Repair) -> list[Fee]:
    return list(Fee.objects.filter(repair=repair).select_related("person").order_by("charged_at"))


def repair_timeline(repair: Repair, *, limit: int = 100) -> list[dict[str, Any]]:
    """What happened to the repair and, while it was open, to its device: the audit
    entries of both, oldest first, in words."""
    repair_type = ContentType.objects.get_for_model(Repair)
    device_type = ContentType.objects.get_for_model(Device)
    device_window = Q(content_type=device_type, object_id=str(repair.device_id)) & Q(
        at__gte=repair.opened_at
    )
    if repair.closed_at is not None:
        device_window &= Q(at__lte=repair.closed_at)
    entries = AuditEntry.objects.filter(
        Q(content_type=repair_type, object_id=str(repair.pk)) | device_window
    ).order_by("at", "id")[:limit]
    models = {repair_type.pk: Repair, device_type.pk: Device}
    return [
        {
            "at": entry.at,
            "actor_name": entry.actor_name,
            "on_device": entry.content_type_id == device_type.pk,
            "summary": entry.summary or _action_words(entry, repair),
            "changes": []
            if entry.action == AuditEntry.Action.CREATE
            else describe_changes(entry, models.get(entry.content_type_id)),
        }
        for entry in entries
    ]


def _action_words(entry: AuditEntry, repair: Repair) -> str:
    if entry.action == AuditEntry.Action.CREATE:
        return f"{repair} opened"
    return entry.get_action_display()


def in_stock_near(repair: Repair, *, limit: int = 8) -> list[dict[str, Any]]:
    """Devices on the shelf at the repair's site (any site when it has none) that could
    go out as loaners, most like the broken one first."""
    qs = Device.objects.filter(status="in_stock").exclude(pk=repair.device_id)
    if repair.device.site_id:
        qs = qs.filter(site=repair.device.site_id)
    rows = qs.values("asset_tag", "serial_number", "model__manufacturer", "model__name")
    same_model = list(rows.filter(model=repair.device.model_id)[:limit])
    if len(same_model) < limit:
        same_model += list(rows.exclude(model=repair.device.model_id)[: limit - len(same_model)])
    return [
        {
            "tag": row["asset_tag"] or row["serial_number"],
            "model": f"{row['model__manufacturer']} {row['model__name']}",
        }
        for row in same_model
    ]


# --- Fees ------------------------------------------------------------------------------


def fee_list_rows(filters: dict[str, Any]) -> QuerySet[Any]:
    qs = Fee.objects.all()
    status = filters.get("status")
    if status in FEE_STATUS_LABELS:
        qs = qs.filter(status=status)
    elif status != "all":
        qs = qs.filter(status__in=OWED)
    if filters.get("site"):
        qs = qs.filter(person__primary_site=filters["site"])
    return qs.annotate(
        owed_rank=Case(
            When(status__in=OWED, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).values(
        "id", "status", "damage_type", "amount", "amount_paid", "charged_at", "owed_rank",
        "person_id", "person__given_name", "person__family_name", "person__primary_site__name",
        "device_id", "device__asset_tag", "device__serial_number", "repair_id",
    )  # fmt: skip


def fee_totals(rows: QuerySet[Any]) -> dict[str, Any]:
    """How many fees the filter matches and what is still owed on them, in one query."""
    totals = rows.order_by().aggregate(
        count=Count("id"),
        owed=Sum(F("amount") - F("amount_paid"), filter=Q(status__in=OWED)),
    )
    return {"count": f"{totals['count']:,}", "outstanding": money(totals["owed"] or Decimal(0))}


def present_fee_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    detail = reverse("devices:fee_detail", args=[0]).removesuffix("0/")
    presented = []
    for row in rows:
        waived = row["status"] == Fee.Status.WAIVED
        balance = Decimal(0) if waived else row["amount"] - row["amount_paid"]
        presented.append(
            {
                "url": f"{detail}{row['id']}/",
                "reference": f"F-{row['id']}",
                "person": person_name(row["person__given_name"], row["person__family_name"]),
                "school": row["person__primary_site__name"] or "",
                "device": row["device__asset_tag"] or row["device__serial_number"],
                "damage": DAMAGE_LABELS.get(row["damage_type"], row["damage_type"]),
                "amount": money(row["amount"]),
                "balance": money(balance),
                "status": FEE_STATUS_LABELS.get(row["status"], row["status"]),
                "badge": STATUS_BADGES.get(row["status"], ""),
                "charged_at": row["charged_at"],
            }
        )
    return presented


def fee_for_page(pk: int) -> Fee:
    return get_object_or_404(
        Fee.objects.select_related(
            "person",
            "person__primary_site",
            "device",
            "device__model",
            "repair",
            "charged_by",
            "waived_by",
        ),
        pk=pk,
    )


def fee_payments(fee: Fee) -> list[dict[str, Any]]:
    return [
        {
            "paid_on": p.paid_on,
            "amount": money(p.amount),
            "method": p.get_method_display(),
            "reference": p.reference,
            "recorded_by": p.recorded_by.get_username() if p.recorded_by else "",
        }
        for p in fee.payments.select_related("recorded_by").order_by("paid_on", "id")
    ]


def last_holder(device: Device) -> Person | None:
    """Who has the device now, else who last had it (a check-out or a repair)."""
    if device.holder_id:
        return Person.objects.filter(pk=device.holder_id).first()
    assignment = (
        Assignment.objects.filter(device=device, holder__isnull=False)
        .select_related("holder")
        .order_by("-checked_out_at", "-id")
        .first()
    )
    if assignment is not None:
        return assignment.holder
    repair = Repair.objects.filter(device=device, holder__isnull=False).order_by("-opened_at")
    found = repair.select_related("holder").first()
    return found.holder if found else None


def device_repairs(device: Device) -> list[Repair]:
    """The device's repairs, newest first, for the fee form's choice."""
    return list(Repair.objects.filter(device=device).order_by("-opened_at", "-id")[:20])
