"""Repair and fee history of one device or one person, for the device page, the person
page and the API. Each function returns a queryset, newest first, with the related rows
its lines show already joined (one query however many rows; slice it for a short list).
"""

from __future__ import annotations

from django.db.models import QuerySet

from hatrack.devices.models import Device, Fee, Repair
from hatrack.directory.models import Person

REPAIR_FIELDS = (
    "id", "status", "problem", "damage_type", "opened_at", "closed_at", "labor_cost",
    "parts_cost", "warranty_claim", "device_id", "device__serial_number", "device__asset_tag",
    "holder_id", "holder__given_name", "holder__family_name", "vendor_id", "vendor__name",
)  # fmt: skip
FEE_FIELDS = (
    "id", "status", "damage_type", "amount", "amount_paid", "charged_at", "repair_id",
    "device_id", "device__serial_number", "device__asset_tag",
    "person_id", "person__given_name", "person__family_name",
)  # fmt: skip


def repairs_for_device(device: Device | int) -> QuerySet[Repair]:
    """Every repair of a device, newest first, with its holder and vendor."""
    return (
        Repair.objects.filter(device=device)
        .select_related("device", "holder", "vendor")
        .only(*REPAIR_FIELDS)
        .order_by("-opened_at", "-id")
    )


def repairs_for_person(person: Person | int) -> QuerySet[Repair]:
    """Every repair of a device the person held when it broke, newest first."""
    return (
        Repair.objects.filter(holder=person)
        .select_related("device", "holder", "vendor")
        .only(*REPAIR_FIELDS)
        .order_by("-opened_at", "-id")
    )


def fees_for_person(person: Person | int) -> QuerySet[Fee]:
    """Every fee charged to the person's family, newest first, with its device."""
    return (
        Fee.objects.filter(person=person)
        .select_related("device", "person")
        .only(*FEE_FIELDS)
        .order_by("-charged_at", "-id")
    )


def fees_for_device(device: Device | int) -> QuerySet[Fee]:
    """Every fee charged for a device, newest first, with the person charged."""
    return (
        Fee.objects.filter(device=device)
        .select_related("device", "person")
        .only(*FEE_FIELDS)
        .order_by("-charged_at", "-id")
    )
