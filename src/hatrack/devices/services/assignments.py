"""Check-out and check-in: who holds a device, recorded as an `Assignment`.

Both functions lock the device row, validate, write the assignment and the device in one
transaction and record one audit entry on the device. They raise ValidationError with a
message a technician can act on ("already checked out to Ana Diaz") and write nothing
then. The scanner, the device page, loaners and the API all call these two.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from hatrack.core import audit
from hatrack.devices.models import Assignment, Condition, Device, Kit, ScanSession, Status
from hatrack.directory.models import Person, Room

if TYPE_CHECKING:
    from hatrack.accounts.models import User

# Devices in these statuses cannot go out, with the reason shown to the technician.
NOT_AVAILABLE = {
    Status.IN_REPAIR: "is in repair",
    Status.LOST: "is marked lost",
    Status.STOLEN: "is marked stolen",
    Status.RETIRED: "is retired",
    Status.DISPOSED: "was disposed of",
}


def lock_device(device: Device) -> Device:
    """The device row, locked until the transaction ends (call inside atomic)."""
    return Device.objects.select_for_update().select_related("model").get(pk=device.pk)


def open_assignment(device: Device) -> Assignment | None:
    """The device's open assignment (at most one: a unique index), with holder and room."""
    return (
        Assignment.objects.filter(device=device, checked_in_at__isnull=True)
        .select_related("holder", "room")
        .first()
    )


def _open_bare(device: Device) -> Assignment | None:
    """open_assignment without the joins, for check-out's hot path (a scan), where there is
    usually none; its holder then loads only to name them in the refusal."""
    return Assignment.objects.filter(device=device, checked_in_at__isnull=True).order_by().first()


def _holder_name(assignment: Assignment) -> str:
    if assignment.holder_id and assignment.holder:
        return assignment.holder.full_name
    return str(assignment.room) if assignment.room_id else "someone"


def _check_available(device: Device, current: Assignment | None) -> None:
    if current is not None:
        raise ValidationError(f"{device.label} is already checked out to {_holder_name(current)}.")
    reason = NOT_AVAILABLE.get(Status(device.status))
    if reason:
        raise ValidationError(f"{device.label} {reason}.")


def _check_target(
    device: Device, holder: Person | None, room: Room | None, kit: Kit | None
) -> None:
    if (holder is None) == (room is None):
        raise ValidationError("Check a device out to one person or to one room.")
    if holder is not None and not holder.active:
        raise ValidationError(f"{holder.full_name} is no longer active in the directory.")
    if room is not None and not room.active:
        raise ValidationError(f"{room} is no longer in use.")
    if kit is not None and kit.category and kit.category != device.model.category:
        raise ValidationError(
            f"The kit {kit.name} is for {kit.get_category_display()} devices, "
            f"not {device.model.get_category_display()}."
        )


def check_out_device(
    *,
    device: Device,
    by: User | None,
    holder: Person | None = None,
    room: Room | None = None,
    kind: str = Assignment.Kind.CHECKOUT,
    kit: Kit | None = None,
    accessories: Sequence[str] = (),
    condition: str = "",
    due_on: datetime.date | None = None,
    session: ScanSession | None = None,
    notes: str = "",
    locked: bool = False,
) -> Assignment:
    """Hand `device` to `holder` (a student or member of staff) or deploy it to `room`.

    A kit adds its accessories to `accessories`. The device becomes Deployed (or Loaner
    for kind LOANER), takes the holder, and moves to the room's site (or to the holder's
    school when it had none). Raises ValidationError when the device is already out, is
    not available, or the holder or room cannot receive it.

    `locked`: the caller already holds the device row locked in its transaction, read
    whole with its model (`lock_device`, or the scanner's `find_device(lock=True)`).

    "Already out" is decided by the one-open-assignment-per-device unique index: the
    assignment is inserted with ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite), so
    the hot path costs no probe and no savepoint, and a technician a moment faster on
    another screen makes the insert return no row. A refusal writes nothing; the
    caller's transaction stays usable (the scanner logs the refused scan in it).
    """
    refusal: ValidationError | None = None
    # No savepoint: every refusal is raised after the block, which writes nothing before
    # its checks pass; a database error still rolls the caller's transaction back.
    with transaction.atomic(savepoint=False):
        if not locked:
            device = lock_device(device)
        try:
            assignment = _check_out_locked(
                device, by=by, holder=holder, room=room, kind=kind, kit=kit,
                accessories=accessories, condition=condition, due_on=due_on,
                session=session, notes=notes,
            )  # fmt: skip
        except ValidationError as exc:
            refusal = exc
    if refusal is not None:
        raise refusal
    return assignment


def _check_out_locked(
    device: Device,
    *,
    by: User | None,
    holder: Person | None,
    room: Room | None,
    kind: str,
    kit: Kit | None,
    accessories: Sequence[str],
    condition: str,
    due_on: datetime.date | None,
    session: ScanSession | None,
    notes: str,
) -> Assignment:
    reason = NOT_AVAILABLE.get(Status(device.status))
    if reason:
        _check_available(device, _open_bare(device))
    _check_target(device, holder, room, kit)
    before = audit.snapshot(device)
    now = timezone.now()
    items = list(dict.fromkeys([*(kit.accessories if kit else []), *accessories]))
    # Ids, not objects: reading the sites would cost a query on every scan.
    site_id = room.site_id if room is not None else device.site_id
    if site_id is None and holder is not None:
        site_id = holder.primary_site_id
    assignment = Assignment(
        device=device, kind=kind, holder=holder, room=room, site_id=site_id,
        session=session, kit=kit, accessories_out=items,
        condition_out=condition or device.condition, due_on=due_on,
        checked_out_at=now, checked_out_by=by, notes=notes,
    )  # fmt: skip
    if not _insert_unless_open(assignment):
        _check_available(device, _open_bare(device))
        # Gone again by now, or never seen (a check-out a moment faster than ours).
        raise ValidationError(f"{device.label} is already checked out.")
    device.holder, device.room = holder, room
    device.holder_since = now
    device.site_id = site_id
    device.status = Status.LOANER if kind == Assignment.Kind.LOANER else Status.DEPLOYED
    if condition:
        device.condition = condition
    device.save(update_fields=CHECKED_OUT_FIELDS)
    audit.record_event(
        device,
        by=by,
        summary=f"Checked out to {_holder_name(assignment)}"[:300],
        changes=audit.diff(before, audit.snapshot(device)),
    )
    return assignment


# What a check-out changes on the device (and `updated_at`, which save() stamps).
CHECKED_OUT_FIELDS = ("holder", "room", "holder_since", "site", "status", "condition", "updated_at")


def _insert_unless_open(assignment: Assignment) -> bool:
    """Insert the assignment unless the device has an open one (the partial unique index
    `assignment_one_open_per_device`); True when inserted, with its primary key set."""
    meta = Assignment._meta
    fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
    rows = Assignment.objects._insert(  # type: ignore[attr-defined]
        [assignment],
        fields=fields,
        returning_fields=meta.db_returning_fields,
        on_conflict=OnConflict.IGNORE,
    )
    if not rows or rows[0] is None:
        return False
    for value, field in zip(rows[0], meta.db_returning_fields, strict=True):
        setattr(assignment, field.attname, value)
    assignment._state.adding = False
    assignment._state.db = Assignment.objects.db
    return True


def check_in_device(
    *,
    device: Device,
    by: User | None,
    condition: str = "",
    accessories: Sequence[str] = (),
    status: str = Status.IN_STOCK,
    session: ScanSession | None = None,
    notes: str = "",
) -> Assignment:
    """Take `device` back: close its open assignment with the condition and accessories
    returned, clear the holder and room, and set `status` (In stock unless told, e.g.
    In repair for a broken one). Raises ValidationError when it is not checked out."""
    if condition and condition not in Condition.values:
        raise ValidationError("Choose the condition from the list.")
    with transaction.atomic():
        device = lock_device(device)
        assignment = open_assignment(device)
        if assignment is None:
            raise ValidationError(f"{device.label} is not checked out.")
        before = audit.snapshot(device)
        assignment.checked_in_at = timezone.now()
        assignment.checked_in_by = by
        assignment.condition_in = condition or device.condition
        assignment.accessories_in = list(dict.fromkeys(accessories))
        assignment.return_session = session
        if notes:
            assignment.notes = f"{assignment.notes}\n{notes}".strip()
        assignment.save()
        device.holder = device.room = device.holder_since = None
        device.status = status
        if condition:
            device.condition = condition
        device.save()
        audit.record_event(
            device,
            by=by,
            summary=f"Checked in from {_holder_name(assignment)}"[:300],
            changes=audit.diff(before, audit.snapshot(device)),
        )
    return assignment


def missing_accessories(assignment: Assignment) -> list[str]:
    """Accessories that went out with the device and did not come back."""
    returned = set(assignment.accessories_in)
    return [item for item in assignment.accessories_out if item not in returned]
