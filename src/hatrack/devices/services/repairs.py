"""Repairs: a broken device out of service, its parts and cost, the loaner handed out
meanwhile, and the way it comes back (to stock, to the student, or retired).

Every function runs in one transaction, locks the rows it changes, records audit
entries, and raises ValidationError with a message a technician can act on ("R-12 is
closed", "T000123 is not in stock") having written nothing. Check-out and check-in go
through `services.assignments`, so a loaner is an ordinary audited assignment.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from hatrack.core import audit
from hatrack.core.permissions import can
from hatrack.devices.models import (
    Assignment,
    DamageType,
    Device,
    Repair,
    RepairPart,
    Status,
)
from hatrack.devices.services.assignments import (
    check_in_device,
    check_out_device,
    lock_device,
    open_assignment,
)

if TYPE_CHECKING:
    from hatrack.accounts.models import User
    from hatrack.directory.models import Vendor
    from hatrack.servicedesk.models import Ticket


class Keep(enum.Enum):
    """`update_repair`'s default for a field the caller leaves as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


class Outcome(enum.StrEnum):
    """How a repair ends, and the status it closes with."""

    REPAIRED = "repaired"
    UNREPAIRABLE = "unrepairable"
    CANCELLED = "cancelled"


# Devices that cannot go to repair, with the reason.
NOT_REPAIRABLE = {
    Status.LOST: "is marked lost",
    Status.STOLEN: "is marked stolen",
    Status.RETIRED: "is retired",
    Status.DISPOSED: "was disposed of",
}
MAX_COST = Decimal("99999999.99")


def require_repair_worker(by: User) -> None:
    if not can(by, "devices.work"):
        raise ValidationError("Only technicians and technology leaders can change repairs.")


def clean_money(value: Any, *, field: str, label: str, allow_zero: bool = True) -> Decimal:
    """A money amount as Decimal with two places; ValidationError on the field otherwise."""
    try:
        amount = Decimal(str(value).strip().lstrip("$").replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: f"Enter the {label} as an amount, such as 45.00."}) from exc
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: f"Enter the {label} in dollars and cents."})
    if amount < 0 or (amount == 0 and not allow_zero):
        need = "zero or more" if allow_zero else "more than zero"
        raise ValidationError({field: f"The {label} must be {need}."})
    if amount > MAX_COST:
        raise ValidationError({field: f"The {label} is too large."})
    return amount.quantize(Decimal("0.01"))


def _clean_problem(problem: str) -> str:
    text = problem.strip()
    if not text:
        raise ValidationError({"problem": "Describe the problem."})
    return text


def _clean_damage(damage_type: str) -> str:
    if damage_type not in DamageType.values:
        raise ValidationError({"damage_type": "Choose the damage from the list."})
    return damage_type


def _clean_claim(warranty_claim: bool, claim_number: str) -> str:
    number = claim_number.strip()
    if len(number) > 100:
        raise ValidationError({"claim_number": "Keep the claim number under 100 characters."})
    if number and not warranty_claim:
        raise ValidationError(
            {"claim_number": "A claim number goes with a warranty claim: tick it, or clear this."}
        )
    return number


def lock_repair(repair: Repair) -> Repair:
    """The repair row, locked until the transaction ends (call inside atomic)."""
    return (
        Repair.objects.select_for_update(of=("self",))
        .select_related("device", "holder", "loaner")
        .get(pk=repair.pk)
    )


def _require_open(repair: Repair) -> None:
    if not repair.is_open:
        raise ValidationError(f"{repair} is already {repair.get_status_display().lower()}.")


def open_repair(
    *,
    device: Device,
    problem: str,
    damage_type: str,
    by: User,
    ticket: Ticket | None = None,
    vendor: Vendor | None = None,
    warranty_claim: bool = False,
    claim_number: str = "",
) -> Repair:
    """Take `device` out of service for repair, recording who held it as the repair's
    holder. A device that is checked out is checked in first (status In repair), so the
    student's device goes to the repair; a ticket is linked to the device and the repair.
    Raises ValidationError when the device already has an open repair or is lost,
    stolen, retired or disposed of."""
    require_repair_worker(by)
    problem = _clean_problem(problem)
    damage_type = _clean_damage(damage_type)
    claim_number = _clean_claim(warranty_claim, claim_number)
    with transaction.atomic():
        device = lock_device(device)
        _check_repairable(device)
        opened_at = timezone.now()  # before the check-in, so the repair's timeline shows it
        current = open_assignment(device)
        holder = current.holder if current is not None else None
        if current is not None:
            check_in_device(device=device, by=by, status=Status.IN_REPAIR, notes="Sent to repair")
        else:
            _set_device_status(device, Status.IN_REPAIR, by=by, summary="Sent to repair")
        repair = Repair.objects.create(
            device=device, problem=problem, damage_type=damage_type, holder=holder,
            ticket=ticket, vendor=vendor, warranty_claim=warranty_claim,
            claim_number=claim_number, opened_at=opened_at, opened_by=by,
        )  # fmt: skip
        audit.record_create(repair, by=by)
        if ticket is not None:
            from hatrack.servicedesk.services.labels import link_ticket

            link_ticket(ticket=ticket, target=device, by=by)
    return repair


def _check_repairable(device: Device) -> None:
    existing = Repair.objects.filter(device=device, status__in=Repair.OPEN_STATUSES).first()
    if existing is not None:
        raise ValidationError(f"{device.label} already has an open repair, {existing}.")
    reason = NOT_REPAIRABLE.get(Status(device.status))
    if reason:
        raise ValidationError(f"{device.label} {reason}; it cannot go to repair.")


def _set_device_status(device: Device, status: str, *, by: User, summary: str) -> None:
    """Change the status of a locked device that is not checked out, audited."""
    before = audit.snapshot(device)
    device.status = status
    device.save()
    audit.record_event(
        device, by=by, summary=summary, changes=audit.diff(before, audit.snapshot(device))
    )


def update_repair(
    *,
    repair: Repair,
    by: User,
    status: str | Keep = KEEP,
    problem: str | Keep = KEEP,
    damage_type: str | Keep = KEEP,
    vendor: Vendor | Keep | None = KEEP,
    warranty_claim: bool | Keep = KEEP,
    claim_number: str | Keep = KEEP,
    labor_cost: Decimal | str | Keep = KEEP,
) -> Repair:
    """Change an open repair: its progress (open, at vendor, waiting for parts), problem,
    damage, vendor and warranty claim, labour cost. Fields left as KEEP stay as they are.
    Closing goes through `close_repair`. Audited with before and after; a change that
    changes nothing records nothing."""
    require_repair_worker(by)
    with transaction.atomic():
        repair = lock_repair(repair)
        _require_open(repair)
        before = audit.snapshot(repair)
        if status is not KEEP:
            if status not in Repair.OPEN_STATUSES:
                raise ValidationError(
                    {"status": "Choose open, sent to vendor or waiting for parts; "
                     "close the repair to finish it."}
                )  # fmt: skip
            repair.status = status
        if problem is not KEEP:
            repair.problem = _clean_problem(problem)
        if damage_type is not KEEP:
            repair.damage_type = _clean_damage(damage_type)
        if vendor is not KEEP:
            repair.vendor = vendor
        if warranty_claim is not KEEP:
            repair.warranty_claim = warranty_claim
        if claim_number is not KEEP:
            repair.claim_number = claim_number
        repair.claim_number = _clean_claim(repair.warranty_claim, repair.claim_number)
        if labor_cost is not KEEP:
            repair.labor_cost = clean_money(labor_cost, field="labor_cost", label="labour cost")
        repair.save()
        audit.record_update(repair, before, by=by)
    return repair


def _recount_parts(repair: Repair) -> Decimal:
    total = RepairPart.objects.filter(repair=repair).aggregate(
        total=Sum(F("unit_cost") * F("quantity"))
    )["total"]
    return Decimal(total or 0).quantize(Decimal("0.01"))


def _save_parts_cost(repair: Repair, *, by: User, summary: str) -> None:
    before = audit.snapshot(repair)
    old = repair.parts_cost
    repair.parts_cost = _recount_parts(repair)
    repair.save()
    changes = audit.diff(before, audit.snapshot(repair))
    changes["parts_cost"] = [str(old), str(repair.parts_cost)]
    audit.record_event(repair, by=by, summary=summary[:300], changes=changes)


def add_repair_part(
    *,
    repair: Repair,
    description: str,
    unit_cost: Decimal | str,
    by: User,
    quantity: int = 1,
    part_number: str = "",
) -> RepairPart:
    """Add a part to an open repair; the repair's parts cost becomes the sum of its parts."""
    require_repair_worker(by)
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Name the part."})
    if len(description) > 200:
        raise ValidationError({"description": "Keep the part's name under 200 characters."})
    if len(part_number.strip()) > 100:
        raise ValidationError({"part_number": "Keep the part number under 100 characters."})
    if not isinstance(quantity, int) or not 1 <= quantity <= 999:
        raise ValidationError({"quantity": "The quantity is a whole number from 1 to 999."})
    cost = clean_money(unit_cost, field="unit_cost", label="unit cost")
    with transaction.atomic():
        repair = lock_repair(repair)
        _require_open(repair)
        part = RepairPart.objects.create(
            repair=repair, description=description, part_number=part_number.strip(),
            quantity=quantity, unit_cost=cost,
        )  # fmt: skip
        _save_parts_cost(repair, by=by, summary=f"Part added: {quantity} × {description}")
    return part


def remove_repair_part(*, part: RepairPart, by: User) -> Repair:
    """Take a part off an open repair (entered by mistake); the parts cost follows."""
    require_repair_worker(by)
    with transaction.atomic():
        repair = lock_repair(part.repair)
        _require_open(repair)
        part = RepairPart.objects.get(pk=part.pk, repair=repair)
        summary = f"Part removed: {part.quantity} × {part.description}"
        part.delete()
        _save_parts_cost(repair, by=by, summary=summary)
    return repair


def hand_out_loaner(
    *, repair: Repair, loaner_device: Device, by: User, due_on: datetime.date | None = None
) -> Assignment:
    """Lend `loaner_device` (In stock) to the repair's holder while their device is away:
    a loaner check-out recorded as `repair.loaner`. Raises ValidationError when the
    repair is closed, has no holder or already a loaner out, or the loaner is not in stock."""
    require_repair_worker(by)
    with transaction.atomic():
        repair = lock_repair(repair)
        _require_open(repair)
        if repair.holder is None:
            raise ValidationError(
                "Nobody held this device when it broke: there is no one to lend to."
            )
        if repair.loaner is not None and repair.loaner.is_open:
            raise ValidationError(f"{repair} already has a loaner out; collect it first.")
        if loaner_device.pk == repair.device_id:
            raise ValidationError({"loaner": "A device cannot be its own loaner."})
        loaner_device = lock_device(loaner_device)
        if loaner_device.status != Status.IN_STOCK:
            raise ValidationError(
                {"loaner": f"{loaner_device.label} is not in stock "
                 f"({loaner_device.get_status_display().lower()}); choose a device on the shelf."}
            )  # fmt: skip
        if due_on is not None and due_on < timezone.localdate():
            raise ValidationError({"due_on": "The return date cannot be in the past."})
        assignment = check_out_device(
            device=loaner_device, holder=repair.holder, by=by, kind=Assignment.Kind.LOANER,
            due_on=due_on, notes=f"Loaner during {repair}",
        )  # fmt: skip
        repair.loaner = assignment
        repair.save()
        audit.record_event(
            repair,
            by=by,
            summary=f"Loaner {loaner_device.label} handed to {repair.holder.full_name}"[:300],
            changes={"loaner": [None, assignment.pk]},
        )
    return assignment


def collect_loaner(*, repair: Repair, by: User) -> Assignment:
    """Check the repair's loaner back in (to stock), whatever the repair's state."""
    require_repair_worker(by)
    with transaction.atomic():
        repair = lock_repair(repair)
        return _collect_loaner(repair, by=by)


def _collect_loaner(repair: Repair, *, by: User) -> Assignment:
    loaner = repair.loaner
    if loaner is None or not loaner.is_open:
        raise ValidationError(f"{repair} has no loaner out.")
    returned = check_in_device(device=loaner.device, by=by, notes=f"Returned at end of {repair}")
    audit.record_event(repair, by=by, summary=f"Loaner {loaner.device.label} collected")
    return returned


def close_repair(
    *,
    repair: Repair,
    outcome: str,
    resolution: str,
    by: User,
    return_to_holder: bool = False,
    collect_loaner: bool | None = None,
) -> Repair:
    """Finish a repair. Repaired or cancelled: the device goes back In stock, or with
    `return_to_holder` is checked out to the student again. Beyond repair: the device is
    Retired. The loaner is collected (checked in) when the student's device returns to
    them; `collect_loaner` says otherwise (False: the student keeps the loaner; True:
    collect it although the device does not return to them). Raises ValidationError when
    the repair is already closed or the device cannot go back to its holder."""
    require_repair_worker(by)
    if outcome not in {o.value for o in Outcome}:
        raise ValidationError({"outcome": "Choose repaired, beyond repair or cancelled."})
    text = resolution.strip()
    if outcome != Outcome.CANCELLED and not text:
        raise ValidationError({"resolution": "Say what was done, for the device's history."})
    with transaction.atomic():
        repair = lock_repair(repair)
        _require_open(repair)
        if return_to_holder and (outcome == Outcome.UNREPAIRABLE or repair.holder is None):
            raise ValidationError(
                {"return_to_holder": "Only a repaired device with a holder can go back to them."}
            )
        collect = return_to_holder if collect_loaner is None else collect_loaner
        if collect and repair.loaner is not None and repair.loaner.is_open:
            _collect_loaner(repair, by=by)
        _return_device(repair, outcome=outcome, returning=return_to_holder, by=by)
        # Closed after the device's own entries, so the timeline's window holds them.
        before = audit.snapshot(repair)
        repair.status = outcome
        repair.resolution = text
        repair.closed_at = timezone.now()
        repair.save()
        summary = f"Closed: {repair.get_status_display().lower()}"
        changes = audit.diff(before, audit.snapshot(repair))
        audit.record_event(repair, by=by, summary=summary, changes=changes)
    return repair


def _return_device(repair: Repair, *, outcome: str, returning: bool, by: User) -> None:
    device = lock_device(repair.device)
    if device.status != Status.IN_REPAIR:
        return  # someone changed it by hand meanwhile; leave their decision alone
    if outcome == Outcome.UNREPAIRABLE:
        _set_device_status(
            device, Status.RETIRED, by=by, summary=f"Retired: {repair} beyond repair"
        )
        return
    _set_device_status(device, Status.IN_STOCK, by=by, summary=f"Back from {repair}")
    if returning and repair.holder is not None:
        check_out_device(device=device, holder=repair.holder, by=by, notes=f"Back from {repair}")
