"""Physical audits: walk a site or one of its rooms with a scanner, compare with the records.

`start_audit` snapshots what the records place there (devices in the fleet, see
`IN_FLEET`) as expected `AuditItem`s, in bulk. `record_audit_scan` takes one scanned
value (keyboard input ending in Enter) and answers found, already scanned, unexpected
(a device the records place elsewhere, or out of the fleet: added with expected=False,
with the words saying where the records place it) or unknown (no such device: reported,
not stored). `finish_audit` freezes the lists. Afterwards, and only as a leader's
explicit action, `mark_missing_lost` marks the missing devices Lost.

Scanning changes no device: its items are its own record of who found what and when
(found_by, found_at), so a scan writes no audit-log entry; starting and finishing do.
Scans of one audit are applied in order with the audit row locked, and the counters on
`PhysicalAudit` move in the same transaction as the item, so the lists' counts cost no
query. Refusals (an empty scan, a finished audit) raise ValidationError and write nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import dateformat, timezone

from hatrack.core import audit as audit_log
from hatrack.devices.models import (
    IN_FLEET,
    Assignment,
    AuditItem,
    Device,
    PhysicalAudit,
    Status,
    normalize_code,
)
from hatrack.devices.services.assignments import check_in_device
from hatrack.directory.models import Room, Site

if TYPE_CHECKING:
    from hatrack.accounts.models import User

FOUND = "found"
ALREADY = "already"
UNEXPECTED = "unexpected"
UNKNOWN = "unknown"
BATCH_SIZE = 2000
MAX_CODE_LENGTH = 64


@dataclass(frozen=True)
class AuditScanResult:
    """What one scan did, in words for the person holding the scanner."""

    outcome: str
    message: str
    code: str
    device_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Green: the device was expected here and is now found."""
        return self.outcome == FOUND


def audit_counts(audit: PhysicalAudit) -> dict[str, int]:
    return {
        "expected": audit.expected_count,
        "found": audit.found_count - audit.unexpected_count,
        "missing": audit.missing_count,
        "unexpected": audit.unexpected_count,
    }


def place_name(audit: PhysicalAudit) -> str:
    return str(audit.room) if audit.room_id else str(audit.site)


def _check_place(site: Site, room: Room | None) -> None:
    if not site.active:
        raise ValidationError({"site": f"{site.name} is no longer in use."})
    if room is not None and room.site_id != site.pk:
        raise ValidationError({"room": f"{room.name} is not a room of {site.name}."})
    if room is not None and not room.active:
        raise ValidationError({"room": f"{room} is no longer in use."})


def _check_no_open_audit(site: Site, room: Room | None) -> None:
    current = (
        PhysicalAudit.objects.filter(site=site, room=room, status=PhysicalAudit.Status.OPEN)
        .select_related("started_by")
        .first()
    )
    if current is not None:
        who = f" by {current.started_by}" if current.started_by else ""
        when = dateformat.format(timezone.localtime(current.started_at), "M j")
        where = f"{room}" if room else site.name
        raise ValidationError(
            f"An audit of {where} is already in progress (started {when}{who}). "
            "Continue it, or finish it before starting another."
        )


def start_audit(
    *, site: Site, by: User | None, room: Room | None = None, notes: str = ""
) -> PhysicalAudit:
    """Open an audit of `site` (or of `room` at it) expecting every device in the fleet
    the records place there, in serial-number order. One open audit per place at a time.
    Raises ValidationError (keyed by field) for a closed site or room, a room of another
    site, or an audit of the same place already in progress."""
    _check_place(site, room)
    with transaction.atomic():
        Site.objects.select_for_update().filter(pk=site.pk).first()  # one start at a time
        _check_no_open_audit(site, room)
        physical_audit = PhysicalAudit.objects.create(
            site=site, room=room, started_by=by, notes=notes
        )
        expected = Device.objects.filter(site=site, status__in=IN_FLEET)
        if room is not None:
            expected = expected.filter(room=room)
        ids = expected.order_by("serial_number").values_list("id", flat=True)
        items = [AuditItem(audit=physical_audit, device_id=pk, expected=True) for pk in ids]
        AuditItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
        physical_audit.expected_count = len(items)
        physical_audit.save(update_fields=["expected_count"])
        audit_log.record_create(physical_audit, by=by)
    return physical_audit


FIND_COLUMNS = (
    "id", "asset_tag", "serial_number", "status", "site__name", "room__name", "room__site__code",
    "holder__given_name", "holder__family_name",
)  # fmt: skip


def _find_device(code: str) -> Device | None:
    """The device with this asset tag or serial number (both unique and indexed), with
    what `where_recorded` names."""
    found = Device.objects.filter(Q(asset_tag=code) | Q(serial_number=code))
    found = found.select_related("site", "room__site", "holder").only(*FIND_COLUMNS)
    return found.first()


def where_recorded(device: Device) -> str:
    """Where the records place a device, as a phrase: 'in LHS Room 204', 'with Ana Diaz
    at Lincoln High', 'marked Lost'."""
    if device.status not in IN_FLEET:
        return f"marked {Status(device.status).label}"
    site = f" at {device.site.name}" if device.site_id and device.site else ""
    if device.holder_id and device.holder:
        return f"with {device.holder.full_name}{site}"
    if device.room_id and device.room:
        return f"in {device.room}"
    return site.strip() or "at no site"


def _lock_open(audit: PhysicalAudit) -> PhysicalAudit:
    locked = PhysicalAudit.objects.select_for_update().get(pk=audit.pk)
    if locked.status != PhysicalAudit.Status.OPEN:
        raise ValidationError("This audit is finished. Start a new audit to scan again.")
    return locked


def record_audit_scan(*, audit: PhysicalAudit, value: str, by: User | None) -> AuditScanResult:
    """Record one scanned asset tag or serial number in an open audit.

    Found and unexpected scans write (an item and the counters); an already scanned
    device or an unknown code writes nothing and says so. Raises ValidationError for an
    empty scan or a finished audit.
    """
    code = normalize_code(value)
    if not code:
        raise ValidationError("Scan an asset tag or a serial number.")
    device = _find_device(code) if len(code) <= MAX_CODE_LENGTH else None
    with transaction.atomic():
        locked = _lock_open(audit)
        if device is None:
            return AuditScanResult(
                UNKNOWN,
                f"{code[:MAX_CODE_LENGTH]} is not a device in Hatrack. Set it aside and add it "
                "to the records.",
                code=code[:MAX_CODE_LENGTH],
                counts=audit_counts(locked),
            )
        return _mark_found(locked, device, by)


def _mark_found(audit: PhysicalAudit, device: Device, by: User | None) -> AuditScanResult:
    now = timezone.now()
    item = AuditItem.objects.filter(audit=audit, device=device).first()
    label = device.label
    if item is not None and item.found_at is not None:
        at = dateformat.format(timezone.localtime(item.found_at), "g:i A")
        return AuditScanResult(
            ALREADY, f"{label} was already scanned at {at}.", label, device.pk, audit_counts(audit)
        )
    if item is not None:
        item.found_at, item.found_by = now, by
        item.save(update_fields=["found_at", "found_by"])
        audit.found_count += 1
        audit.save(update_fields=["found_count"])
        return AuditScanResult(FOUND, f"{label} found.", label, device.pk, audit_counts(audit))
    try:
        with transaction.atomic():
            AuditItem.objects.create(
                audit=audit, device=device, expected=False, found_at=now, found_by=by
            )
    except IntegrityError as exc:  # unreachable while the audit row is locked
        raise ValidationError(f"{label} is already part of this audit.") from exc
    audit.found_count += 1
    audit.unexpected_count += 1
    audit.save(update_fields=["found_count", "unexpected_count"])
    message = f"{label} is not expected here: the records place it {where_recorded(device)}."
    return AuditScanResult(UNEXPECTED, message, label, device.pk, audit_counts(audit))


def finish_audit(*, audit: PhysicalAudit, by: User | None) -> PhysicalAudit:
    """Close an open audit: its counters are recounted from the items and the lists stay
    as they are. Raises ValidationError when it is already finished."""
    with transaction.atomic():
        locked = PhysicalAudit.objects.select_for_update().get(pk=audit.pk)
        if locked.status != PhysicalAudit.Status.OPEN:
            raise ValidationError("This audit is already finished.")
        before = audit_log.snapshot(locked)
        totals = AuditItem.objects.filter(audit=locked).aggregate(
            n_expected=Count("id", filter=Q(expected=True)),
            n_found=Count("id", filter=Q(found_at__isnull=False)),
            n_unexpected=Count("id", filter=Q(expected=False)),
        )
        locked.expected_count = totals["n_expected"]
        locked.found_count = totals["n_found"]
        locked.unexpected_count = totals["n_unexpected"]
        locked.status = PhysicalAudit.Status.FINISHED
        locked.finished_at = timezone.now()
        locked.save()
        counts = audit_counts(locked)
        audit_log.record_event(
            locked,
            by=by,
            summary=(
                f"Finished: {counts['found']} found, {counts['missing']} missing, "
                f"{counts['unexpected']} unexpected"
            ),
            changes=audit_log.diff(before, audit_log.snapshot(locked)),
        )
    return locked


def lost_candidates(audit: PhysicalAudit) -> models.QuerySet[Device]:
    """Missing devices of a finished audit that `mark_missing_lost` would mark: still in
    the fleet, still placed where the audit looked, and held by no person (a student's
    device missing from school is at home; ask the holder instead)."""
    missing = AuditItem.objects.filter(audit=audit, expected=True, found_at__isnull=True)
    devices = Device.objects.filter(
        pk__in=missing.values("device_id"),
        site=audit.site_id,
        status__in=IN_FLEET,
        holder__isnull=True,
    )
    return devices.filter(room=audit.room_id) if audit.room_id else devices


def mark_missing_lost(*, audit: PhysicalAudit, by: User | None) -> int:
    """Mark a finished audit's missing devices Lost (see `lost_candidates`); returns how
    many. A device deployed to a room is checked in from it as Lost (its assignment
    closes); the others change status in one UPDATE. Each device gets its audit entry.
    Running it again marks nothing more. Raises ValidationError while the audit is open."""
    if audit.status != PhysicalAudit.Status.FINISHED:
        raise ValidationError("Finish the audit before marking its missing devices lost.")
    note = f"Missing in the audit of {place_name(audit)} (#{audit.pk})."
    with transaction.atomic():
        devices = list(
            lost_candidates(audit)
            .select_for_update()
            .annotate(
                deployed=Exists(
                    Assignment.objects.filter(device=OuterRef("pk"), checked_in_at__isnull=True)
                )
            )
        )
        for device in (d for d in devices if d.deployed):
            check_in_device(device=device, by=by, status=Status.LOST, notes=note)
        loose = [d for d in devices if not d.deployed]
        before = {d.pk: audit_log.snapshot(d) for d in loose}
        Device.objects.filter(pk__in=list(before)).update(
            status=Status.LOST, updated_at=timezone.now()
        )
        for device in loose:
            device.status = Status.LOST
        audit_log.record_updates(loose, before, by=by)
        audit_log.record_event(audit, by=by, summary=f"Marked {len(devices)} missing devices lost")
    return len(devices)
