"""make_<thing>(**overrides): small valid device records for tests (written straight to
the tables, no services, so they set up reads without auditing)."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from hatrack.devices.models import (
    Assignment,
    Category,
    Device,
    DeviceModel,
    Fee,
    Kit,
    PhysicalAudit,
    Repair,
    ScanSession,
    Status,
)
from hatrack.directory.models import FundingSource, Room, Vendor

_seq = itertools.count(1)


def make_device_model(**overrides: Any) -> DeviceModel:
    n = next(_seq)
    values: dict[str, Any] = {
        "manufacturer": "Lenovo",
        "name": f"300e Chromebook Gen {n}",
        "category": Category.CHROMEBOOK,
    }
    values.update(overrides)
    return DeviceModel.objects.create(**values)


def make_device(**overrides: Any) -> Device:
    n = next(_seq)
    values: dict[str, Any] = {"serial_number": f"SN{n:08d}", "asset_tag": f"T{n:06d}"}
    values.update(overrides)
    if "model" not in values:
        values["model"] = make_device_model()
    return Device.objects.create(**values)


def make_kit(**overrides: Any) -> Kit:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Chromebook kit {n}",
        "category": Category.CHROMEBOOK,
        "accessories": ["charger", "case"],
    }
    values.update(overrides)
    return Kit.objects.create(**values)


def make_room(**overrides: Any) -> Room:
    from hatrack.directory.tests.factories import make_site

    n = next(_seq)
    values: dict[str, Any] = {"name": f"Room {100 + n}"}
    values.update(overrides)
    if "site" not in values:
        values["site"] = make_site()
    return Room.objects.create(**values)


def make_vendor(**overrides: Any) -> Vendor:
    n = next(_seq)
    values: dict[str, Any] = {"name": f"Vendor {n}"}
    values.update(overrides)
    return Vendor.objects.create(**values)


def make_funding_source(**overrides: Any) -> FundingSource:
    n = next(_seq)
    values: dict[str, Any] = {"name": f"Fund {n}"}
    values.update(overrides)
    return FundingSource.objects.create(**values)


def make_assignment(**overrides: Any) -> Assignment:
    """An open check-out to a new student; the device's holder and status follow."""
    from hatrack.directory.tests.factories import make_person

    values: dict[str, Any] = {"checked_out_at": timezone.now()}
    values.update(overrides)
    if "device" not in values:
        values["device"] = make_device()
    if "holder" not in values and "room" not in values:
        values["holder"] = make_person()
    assignment = Assignment.objects.create(**values)
    device = assignment.device
    if assignment.checked_in_at is None:
        device.holder = assignment.holder
        device.room = assignment.room or device.room
        device.holder_since = assignment.checked_out_at
        device.status = (
            Status.LOANER if assignment.kind == Assignment.Kind.LOANER else Status.DEPLOYED
        )
        device.save()
    return assignment


def make_scan_session(**overrides: Any) -> ScanSession:
    from hatrack.conftest import make_user

    values: dict[str, Any] = {"kind": ScanSession.Kind.DISTRIBUTE}
    values.update(overrides)
    if "started_by" not in values:
        values["started_by"] = make_user("technician", username=f"scanner-{next(_seq)}")
    return ScanSession.objects.create(**values)


def make_repair(**overrides: Any) -> Repair:
    values: dict[str, Any] = {"problem": "Screen is cracked", "opened_at": timezone.now()}
    values.update(overrides)
    if "device" not in values:
        values["device"] = make_device(status=Status.IN_REPAIR)
    return Repair.objects.create(**values)


def make_fee(**overrides: Any) -> Fee:
    from decimal import Decimal

    from hatrack.directory.tests.factories import make_person

    values: dict[str, Any] = {
        "damage_type": "screen",
        "amount": Decimal("45.00"),
        "charged_at": timezone.now(),
    }
    values.update(overrides)
    if "device" not in values:
        values["device"] = make_device()
    if "person" not in values:
        values["person"] = make_person()
    return Fee.objects.create(**values)


def make_physical_audit(**overrides: Any) -> PhysicalAudit:
    from hatrack.directory.tests.factories import make_site

    values: dict[str, Any] = {}
    values.update(overrides)
    if "site" not in values:
        values["site"] = make_site()
    return PhysicalAudit.objects.create(**values)
