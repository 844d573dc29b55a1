"""Devices and assets: the catalog, the devices, who holds them, repairs and fees, audits."""

from hatrack.devices.models.assignments import Assignment, Scan, ScanSession
from hatrack.devices.models.audits import AuditItem, PhysicalAudit
from hatrack.devices.models.catalog import Category, DeviceModel, Kit
from hatrack.devices.models.devices import (
    IN_FLEET,
    Condition,
    Console,
    Device,
    DeviceQuerySet,
    Status,
    normalize_code,
    normalize_mac,
)
from hatrack.devices.models.repairs import DamageType, Fee, FeePayment, Repair, RepairPart

__all__ = [
    "IN_FLEET",
    "Assignment",
    "AuditItem",
    "Category",
    "Condition",
    "Console",
    "DamageType",
    "Device",
    "DeviceModel",
    "DeviceQuerySet",
    "Fee",
    "FeePayment",
    "Kit",
    "PhysicalAudit",
    "Repair",
    "RepairPart",
    "Scan",
    "ScanSession",
    "Status",
    "normalize_code",
    "normalize_mac",
]
