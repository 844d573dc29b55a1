"""Devices as the directory's pages show them: what a person holds and held, and what a
site has.

Each function costs one query whatever the number of rows (the person's lists are
short slices, the site's counts one grouped query), so the person and site pages keep
a fixed query count. Rows are plain dicts, pre-formatted for the templates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import reverse

from hatrack.devices.models import Assignment, Category, Device, DeviceModel, Status
from hatrack.devices.repair_history import fees_for_person, repairs_for_person
from hatrack.directory.models import Person, Site
from hatrack.servicedesk.models import TicketLink

HISTORY_LIMIT = 20
STATUS_LABELS = dict(Status.choices)


def _link(url_name: str) -> Callable[[Any], str]:
    """pk -> the address of the record page `url_name`."""
    return lambda pk: reverse(url_name, args=[pk])


def device_list_url(**filters: Any) -> str:
    """The device list filtered by `filters` (e.g. site=3, status='lost')."""
    return f"{reverse('devices:device_list')}?{urlencode(filters)}"


def _model_label(manufacturer: str, name: str) -> str:
    return str(DeviceModel(manufacturer=manufacturer, name=name))


def devices_held_by(person: Person | int) -> list[dict[str, Any]]:
    """The devices the person holds now (loaners too), the longest-held first."""
    columns = (
        "id", "serial_number", "asset_tag", "status", "holder_since",
        "model__manufacturer", "model__name",
    )  # fmt: skip
    rows = Device.objects.filter(holder=person).order_by("holder_since", "id").values(*columns)
    device_url = _link("devices:device_detail")
    return [
        {
            "id": row["id"],
            "label": row["asset_tag"] or row["serial_number"],
            "serial_number": row["serial_number"],
            "model": _model_label(row["model__manufacturer"], row["model__name"]),
            "status": STATUS_LABELS.get(row["status"], row["status"]),
            "since": row["holder_since"],
            "url": device_url(row["id"]),
        }
        for row in rows
    ]


def person_device_history(person: Person | int) -> dict[str, Any]:
    """The person's last 20 check-outs, newest first: {"rows": [...], "more": bool}, where
    `more` says older ones exist (the device list filtered by holder shows them all)."""
    columns = (
        "id", "kind", "checked_out_at", "checked_in_at", "device_id",
        "device__serial_number", "device__asset_tag",
        "device__model__manufacturer", "device__model__name",
    )  # fmt: skip
    assignments = Assignment.objects.filter(holder=person).order_by("-checked_out_at", "-id")
    rows = list(assignments.values(*columns)[: HISTORY_LIMIT + 1])
    device_url = _link("devices:device_detail")
    kinds = dict(Assignment.Kind.choices)
    return {
        "rows": [
            {
                "label": row["device__asset_tag"] or row["device__serial_number"],
                "model": _model_label(
                    row["device__model__manufacturer"], row["device__model__name"]
                ),
                "kind": kinds.get(row["kind"], row["kind"]),
                "out": row["checked_out_at"],
                "back": row["checked_in_at"],
                "url": device_url(row["device_id"]),
            }
            for row in rows[:HISTORY_LIMIT]
        ],
        "more": len(rows) > HISTORY_LIMIT,
    }


def person_repairs(person: Person | int) -> list[dict[str, Any]]:
    """The last 20 repairs of devices the person held when they broke."""
    repair_url = _link("devices:repair_detail")
    return [
        {
            "number": f"R-{repair.pk}",
            "label": repair.device.label,
            "problem": repair.problem,
            "damage": repair.get_damage_type_display(),
            "status": repair.get_status_display(),
            "opened": repair.opened_at,
            "url": repair_url(repair.pk),
        }
        for repair in repairs_for_person(person)[:HISTORY_LIMIT]
    ]


def person_fees(person: Person | int) -> list[dict[str, Any]]:
    """The last 20 fees charged to the person's family, with what is still owed."""
    fee_url = _link("devices:fee_detail")
    return [
        {
            "number": f"F-{fee.pk}",
            "label": fee.device.label,
            "damage": fee.get_damage_type_display(),
            "amount": fee.amount,
            "balance": fee.balance,
            "status": fee.get_status_display(),
            "charged": fee.charged_at,
            "url": fee_url(fee.pk),
        }
        for fee in fees_for_person(person)[:HISTORY_LIMIT]
    ]


def site_device_counts(site: Site | int) -> dict[str, Any]:
    """The site's devices counted by status and by kind, from one grouped query:
    {"total": n, "by_status": [...], "by_category": [...]}, each entry with its label,
    its count and a link to the device list filtered by site and that status or kind."""
    site_pk = site.pk if isinstance(site, Site) else site
    pairs = (
        Device.objects.filter(site=site_pk)
        .order_by()
        .values_list("status", "model__category")
        .annotate(n=Count("id"))
    )
    by_status: dict[str, int] = {}
    by_category: dict[str, int] = {}
    for status, category, n in pairs:
        by_status[status] = by_status.get(status, 0) + n
        by_category[category] = by_category.get(category, 0) + n
    return {
        "total": sum(by_status.values()),
        "url": device_list_url(site=site_pk),
        "by_status": [
            {
                "label": label,
                "count": by_status[value],
                "url": device_list_url(site=site_pk, status=value),
            }
            for value, label in Status.choices
            if value in by_status
        ],
        "by_category": [
            {
                "label": label,
                "count": by_category[value],
                "url": device_list_url(site=site_pk, category=value),
            }
            for value, label in Category.choices
            if value in by_category
        ],
    }


def device_choices(person: Person | int | None) -> list[tuple[int, str]]:
    """The devices a person holds as (id, "LHS-0042 · Lenovo 300e Gen 3") choices, for
    the service desk's "which device?" (one query; none for no person)."""
    if person is None:
        return []
    return [(row["id"], f"{row['label']} · {row['model']}") for row in devices_held_by(person)]


def ticket_devices(ticket_id: int) -> list[dict[str, Any]]:
    """The devices a service desk ticket is linked to, with their model (one query)."""
    linked = TicketLink.objects.filter(
        ticket_id=ticket_id, content_type=ContentType.objects.get_for_model(Device)
    ).values("object_id")
    columns = ("id", "serial_number", "asset_tag", "model__manufacturer", "model__name")
    device_url = _link("devices:device_detail")
    return [
        {
            "label": row["asset_tag"] or row["serial_number"],
            "model": _model_label(row["model__manufacturer"], row["model__name"]),
            "url": device_url(row["id"]),
        }
        for row in Device.objects.filter(pk__in=linked).order_by("serial_number").values(*columns)
    ]
