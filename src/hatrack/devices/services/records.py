"""The device records themselves: adding a device, changing its facts, and its status.

Each function is keyword-only, validates the whole record (normalized codes, unique
serial number and asset tag, the room at the device's site, field validators and
constraints), writes in one transaction and records the audit entry in it. Invalid
input raises `ValidationError` with a message per field and writes nothing. Who holds a
device is not changed here: check-out and check-in (`devices.services.assignments`) do
that, and `set_device_status` hands a lost or stolen device that is out to check-in.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hatrack.core import audit
from hatrack.devices.models import (
    Condition,
    Device,
    DeviceModel,
    Repair,
    Status,
    normalize_code,
    normalize_mac,
)
from hatrack.devices.services.assignments import check_in_device, lock_device, open_assignment
from hatrack.directory.models import FundingSource, Room, Site, Vendor

if TYPE_CHECKING:
    from hatrack.accounts.models import User


class DeviceValues(TypedDict, total=False):
    serial_number: str
    asset_tag: str | None
    model: DeviceModel
    condition: str
    site: Site | None
    room: Room | None
    purchase_order: str
    purchased_on: datetime.date | None
    cost: Decimal | None
    funding_source: FundingSource | None
    vendor: Vendor | None
    warranty_ends_on: datetime.date | None
    auto_update_expiration: datetime.date | None
    wifi_mac: str
    ethernet_mac: str
    notes: str
    custom: dict[str, Any]


EDITABLE = frozenset(DeviceValues.__annotations__)
# The statuses a person sets by hand; the others follow from check-out, loans and repairs.
MANUAL_STATUSES = (Status.IN_STOCK, Status.LOST, Status.STOLEN, Status.RETIRED, Status.DISPOSED)
_STATUS_VERBS = {
    Status.IN_STOCK: "Back in stock",
    Status.LOST: "Marked lost",
    Status.STOLEN: "Marked stolen",
    Status.RETIRED: "Retired",
    Status.DISPOSED: "Disposed of",
}


def _assign(device: Device, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name not in EDITABLE:
            raise TypeError(f"Device has no editable field {name!r}")
        setattr(device, name, value)


def _normalize(device: Device) -> None:
    device.serial_number = normalize_code(device.serial_number or "")
    device.asset_tag = normalize_code(device.asset_tag or "") or None
    device.wifi_mac = normalize_mac(device.wifi_mac)
    device.ethernet_mac = normalize_mac(device.ethernet_mac)
    device.purchase_order = (device.purchase_order or "").strip()
    if device.custom is None:
        device.custom = {}


def _taken(device: Device, column: str, value: str | None) -> Device | None:
    if not value:
        return None
    others = Device.objects.filter(**{column: value}).exclude(pk=device.pk)
    return others.only("id", "serial_number", "asset_tag").first()


def _check_unique(device: Device) -> None:
    errors: dict[str, str] = {}
    other = _taken(device, "serial_number", device.serial_number)
    if other is not None:
        errors["serial_number"] = (
            f"Another device ({other.label}) already has the serial number {device.serial_number}."
        )
    other = _taken(device, "asset_tag", device.asset_tag)
    if other is not None:
        errors["asset_tag"] = (
            f"The asset tag {device.asset_tag} is already on device {other.serial_number}."
        )
    if errors:
        raise ValidationError(errors)


def _check_place(device: Device) -> None:
    room = device.room
    if room is None:
        return
    if device.site_id is None:
        device.site_id = room.site_id
    elif room.site_id != device.site_id:
        raise ValidationError({"room": f"{room.name} is not at the device's site."})


def _check_custom(device: Device) -> None:
    custom = device.custom
    if not isinstance(custom, dict) or not all(isinstance(k, str) for k in custom):
        raise ValidationError({"custom": "Custom attributes are names with values."})
    if any(not isinstance(v, str | int | float | bool) and v is not None for v in custom.values()):
        raise ValidationError({"custom": "A custom attribute's value is text, a number or yes/no."})


def _save(device: Device) -> None:
    _normalize(device)
    _check_place(device)
    _check_custom(device)
    device.full_clean(validate_unique=False)
    _check_unique(device)
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError as exc:  # another person saved the same code a moment earlier
        raise ValidationError(
            {"serial_number": "Another device was just saved with this serial number or asset tag."}
        ) from exc


def create_device(*, by: User | None, **values: Unpack[DeviceValues]) -> Device:
    """Add a device, in stock. Raises ValidationError (bad or duplicate serial number or
    asset tag, a room of another site, a negative cost...) and then writes nothing."""
    device = Device(status=Status.IN_STOCK, condition=Condition.GOOD)
    _assign(device, dict(values))
    with transaction.atomic():
        _save(device)
        audit.record_create(device, by=by)
    return device


def update_device(*, device: Device, by: User | None, **values: Unpack[DeviceValues]) -> Device:
    """Change a device's facts (not its holder or status) and return it as saved (a
    fresh copy read under a row lock; the instance passed in is left as it was).
    Audited with before/after; nothing is written on error."""
    with transaction.atomic():
        locked = lock_device(device)
        before = audit.snapshot(locked)
        _assign(locked, dict(values))
        _save(locked)
        audit.record_update(locked, before, by=by)
    return locked


def _open_repair(device: Device) -> Repair | None:
    return (
        Repair.objects.filter(device=device, status__in=Repair.OPEN_STATUSES)
        .only("id", "status")
        .first()
    )


def _refusal(device: Device, status: Status) -> str | None:
    """Why `device` cannot take `status` by hand now, or None."""
    if status not in MANUAL_STATUSES:
        return "Choose in stock, lost, stolen, retired or disposed."
    if device.status == Status.DISPOSED and status != Status.DISPOSED:
        return f"{device.label} was disposed of; it cannot come back."
    if status not in (Status.LOST, Status.STOLEN):
        repair = _open_repair(device)
        if repair is not None:
            return f"{device.label} has an open repair ({repair}); close it first."
    return None


def set_device_status(*, device: Device, status: str, by: User | None, notes: str = "") -> Device:
    """Mark a device in stock, lost, stolen, retired or disposed of.

    A checked-out device marked lost or stolen is checked in with that status (its
    assignment closes, the holder is cleared: the loss stays on the holder's history).
    A checked-out device cannot be retired, disposed of or put back in stock: check it
    in first. Nor can a device with an open repair, except as lost or stolen. Raises
    ValidationError with the reason and writes nothing then; the same status is a no-op.
    """
    try:
        wanted = Status(status)
    except ValueError as exc:
        raise ValidationError({"status": "Choose a status from the list."}) from exc
    with transaction.atomic():
        device = lock_device(device)
        if device.status == wanted:
            return device
        reason = _refusal(device, wanted)
        if reason:
            raise ValidationError({"status": reason})
        current = open_assignment(device)
        if current is not None:
            if wanted not in (Status.LOST, Status.STOLEN):
                who = current.holder.full_name if current.holder else str(current.room)
                raise ValidationError(
                    {"status": f"{device.label} is checked out to {who}; check it in first."}
                )
            holder = current.holder.full_name if current.holder else str(current.room)
            check_in_device(device=device, by=by, status=wanted, notes=notes)
            device = lock_device(device)
            # The check-in's own entry says who it came from; this one says why.
            summary = f"{_STATUS_VERBS[wanted]} while checked out to {holder}"
            audit.record_event(device, by=by, summary=summary[:300])
            return device
        before = audit.snapshot(device)
        device.status = wanted
        if notes:
            device.notes = f"{device.notes}\n{notes}".strip()
        device.save()
        audit.record_event(
            device,
            by=by,
            summary=_STATUS_VERBS[wanted],
            changes=audit.diff(before, audit.snapshot(device)),
        )
    return device
