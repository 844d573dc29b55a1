"""Devices over the API: the list with the pages' filters, one device, adding, changing,
and the status a person sets by hand.

The list is the hot path: the same query as the device list page
(`devices.queries.devices`), plain `.values()` rows in one query, keyset-paged in the
selection's order, written straight to JSON.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.params import functions as param

from hatrack.accounts.models import User
from hatrack.core.api import (
    LIST_ERRORS,
    ONE_ERRORS,
    WRITE_ERRORS,
    api_page,
    api_requires,
    json_response,
    page_after,
    related,
)
from hatrack.core.lists import MAX_PAGE_SIZE
from hatrack.devices.api.common import VIEW, WORK, api_field_names
from hatrack.devices.api.schemas import (
    DeviceFilters,
    DeviceIn,
    DeviceOut,
    DevicePage,
    DevicePatch,
    DeviceStatusIn,
)
from hatrack.devices.models import Device, DeviceModel
from hatrack.devices.queries import devices as queries
from hatrack.devices.services import records as services
from hatrack.directory.models import FundingSource, Room, Site, Vendor

router = Router(tags=["devices"])
PAGE_SIZE = 100
ROW_COLUMNS = (*queries.LIST_COLUMNS, "condition", "purchased_on", "updated_at")
RELATED = {
    "model_id": (DeviceModel, "model", "device model"),
    "site_id": (Site, "site", "site"),
    "room_id": (Room, "room", "room"),
    "funding_source_id": (FundingSource, "funding_source", "funding source"),
    "vendor_id": (Vendor, "vendor", "vendor"),
}


def present_device_row(row: dict[str, Any]) -> dict[str, Any]:
    """A `.values()` row (ROW_COLUMNS) as the API's list item."""
    given, family = row["holder__given_name"], row["holder__family_name"]
    return {
        "id": row["id"],
        "serial_number": row["serial_number"],
        "asset_tag": row["asset_tag"],
        "model_id": row["model_id"],
        "model": queries.model_label(row["model__manufacturer"], row["model__name"]),
        "category": row["model__category"],
        "status": row["status"],
        "condition": row["condition"],
        "site_id": row["site_id"],
        "room_id": row["room_id"],
        "holder_id": row["holder_id"],
        "holder_name": " ".join(p for p in (given, family) if p),
        "purchased_on": row["purchased_on"],
        "warranty_ends_on": row["warranty_ends_on"],
        "auto_update_expiration": row["auto_update_expiration"]
        or row["model__auto_update_expiration"],
        "updated_at": row["updated_at"],
    }


def present_device(device: Device) -> dict[str, Any]:
    """One device in full (model and holder selected with it)."""
    holder = device.holder
    out = {name: getattr(device, name) for name in DeviceOut.model_fields if hasattr(device, name)}
    out.update(
        model=str(device.model),
        category=device.model.category,
        holder_name=holder.full_name if holder else "",
        auto_update_expiration=device.update_expiration,
        custom=device.custom if isinstance(device.custom, dict) else {},
    )
    return out


def _values(payload: dict[str, Any]) -> dict[str, Any]:
    """Payload fields as service values, related ids looked up (422 on an unknown id)."""
    values = dict(payload)
    for field, (model, name, label) in RELATED.items():
        if field in values:
            values[name] = related(model, values.pop(field), field, label)
    return values


@router.get("/devices", response={200: DevicePage, **LIST_ERRORS})
@api_requires(VIEW)
def list_devices(
    request: HttpRequest,
    filters: Query[DeviceFilters],
    limit: int = param.Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows per page."),
    after: str | None = page_after(),
) -> HttpResponse:
    """The fleet with the device list's search and filters, 100 devices a page by
    default, one query per page whatever its size (a search adds one or two probes)."""
    selection = queries.devices_matching(filters.model_dump())
    rows = selection.devices.values(*ROW_COLUMNS)
    items, next_url = api_page(request, rows, order=selection.order, limit=limit, after=after)
    return json_response({"items": [present_device_row(r) for r in items], "next": next_url})


@router.get("/devices/{device_id}", response={200: DeviceOut, **ONE_ERRORS})
@api_requires(VIEW)
def get_device(request: HttpRequest, device_id: int) -> Any:
    return present_device(queries.get_device_for(request.user, device_id))


@router.post("/devices", response={201: DeviceOut, **WRITE_ERRORS})
@api_requires(WORK)
def create_device(request: HttpRequest, payload: DeviceIn) -> Any:
    """Add a device, in stock. Serial number and asset tag are stored in capitals
    without spaces, and must be unique."""
    user: User = request.user  # type: ignore[assignment]
    with api_field_names():
        device = services.create_device(by=user, **_values(payload.model_dump()))
    return Status(201, present_device(queries.get_device_for(user, device.pk)))


@router.patch("/devices/{device_id}", response={200: DeviceOut, **ONE_ERRORS, **WRITE_ERRORS})
@api_requires(WORK)
def update_device(request: HttpRequest, device_id: int, payload: DevicePatch) -> Any:
    """Change what you send of a device's facts (not its holder or status)."""
    user: User = request.user  # type: ignore[assignment]
    device = queries.get_device_for(user, device_id)
    with api_field_names():
        services.update_device(
            device=device, by=user, **_values(payload.model_dump(exclude_unset=True))
        )
    return present_device(queries.get_device_for(user, device_id))


@router.post("/devices/{device_id}/status", response={200: DeviceOut, **ONE_ERRORS, **WRITE_ERRORS})
@api_requires(WORK)
def set_device_status(request: HttpRequest, device_id: int, payload: DeviceStatusIn) -> Any:
    """Mark a device in stock, lost, stolen, retired or disposed of."""
    user: User = request.user  # type: ignore[assignment]
    device = queries.get_device_for(user, device_id)
    with api_field_names():
        services.set_device_status(
            device=device, status=payload.status, notes=payload.notes, by=user
        )
    return present_device(queries.get_device_for(user, device_id))
