"""Repairs over the API: lists by device, holder or status, one repair, opening one and
changing its progress, through `devices.services.repairs` as the repair pages do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from hatrack.accounts.models import User
from hatrack.core.api import (
    LIST_ERRORS,
    ONE_ERRORS,
    WRITE_ERRORS,
    api_page,
    api_requires,
    get_or_404,
    json_response,
    page_after,
    page_limit,
    related,
)
from hatrack.devices.api.common import VIEW, WORK, api_field_names
from hatrack.devices.api.schemas import (
    RepairFilters,
    RepairIn,
    RepairOut,
    RepairPage,
    RepairPatch,
)
from hatrack.devices.models import Repair
from hatrack.devices.queries.devices import get_device_for
from hatrack.devices.services import repairs as services
from hatrack.directory.models import Vendor

router = Router(tags=["repairs"])
ORDER = ("-opened_at", "-id")
COLUMNS = tuple(RepairOut.model_fields)


@router.get("/repairs", response={200: RepairPage, **LIST_ERRORS})
@api_requires(VIEW)
def list_repairs(
    request: HttpRequest,
    filters: Query[RepairFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """Repairs newest first: of a device, of the devices a person held, or by status."""
    repairs = Repair.objects.all()
    if filters.device is not None:
        repairs = repairs.filter(device_id=filters.device)
    if filters.holder is not None:
        repairs = repairs.filter(holder_id=filters.holder)
    if filters.status is not None:
        repairs = repairs.filter(status=filters.status)
    rows = repairs.values(*COLUMNS)
    items, next_url = api_page(request, rows, order=ORDER, limit=limit, after=after)
    return json_response({"items": items, "next": next_url})


@router.get("/repairs/{repair_id}", response={200: RepairOut, **ONE_ERRORS})
@api_requires(VIEW)
def get_repair(request: HttpRequest, repair_id: int) -> Any:
    return get_or_404(Repair, repair_id)


def _ticket(pk: int | None) -> Any:
    if pk is None:
        return None
    from hatrack.servicedesk.models import Ticket

    return related(Ticket, pk, "ticket_id", "ticket")


@router.post("/repairs", response={201: RepairOut, **WRITE_ERRORS})
@api_requires(WORK)
def create_repair(request: HttpRequest, payload: RepairIn) -> Any:
    """Open a repair: the device goes out of service (checked in first if it was out,
    its holder kept on the repair). Refused with 422 when it already has an open repair
    or is lost, stolen, retired or disposed of."""
    user: User = request.user  # type: ignore[assignment]
    from hatrack.devices.models import Device

    with api_field_names():
        device = related(Device, payload.device_id, "device_id", "device")
        repair = services.open_repair(
            device=get_device_for(user, device.pk),
            problem=payload.problem,
            damage_type=payload.damage_type,
            by=user,
            ticket=_ticket(payload.ticket_id),
            vendor=related(Vendor, payload.vendor_id, "vendor_id", "vendor"),
            warranty_claim=payload.warranty_claim,
            claim_number=payload.claim_number,
        )
    return Status(201, get_or_404(Repair, repair.pk))


@router.patch("/repairs/{repair_id}", response={200: RepairOut, **ONE_ERRORS, **WRITE_ERRORS})
@api_requires(WORK)
def update_repair(request: HttpRequest, repair_id: int, payload: RepairPatch) -> Any:
    """Change what you send of an open repair's progress, problem, damage, vendor,
    warranty claim and labour cost (closing a repair is done on its page)."""
    user: User = request.user  # type: ignore[assignment]
    repair = get_or_404(Repair, repair_id)
    values = payload.model_dump(exclude_unset=True)
    if "vendor_id" in values:
        values["vendor"] = related(Vendor, values.pop("vendor_id"), "vendor_id", "vendor")
    with api_field_names():
        services.update_repair(repair=repair, by=user, **values)
    return get_or_404(Repair, repair_id)
