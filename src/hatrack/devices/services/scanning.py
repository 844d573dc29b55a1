"""Bulk distribution and collection at the barcode scanner.

A scanner types what it reads and presses Enter; each such value is one `record_scan`.

Distribution alternates: a person's badge, then the device handed to them, then the next
person. A badge is the person's SIS id (`Person.sis_id`, what school badges and report
cards print), or their email address typed in full (a technician without the badge).
Usernames are not looked up: they have no index, and a badge never carries one.
A device is its asset tag or its serial number, normalized as stored (`normalize_code`).

Collection takes devices only: each scan checks one in, with the session's condition and
the session kit's accessories (less any the technician marked missing for that scan).

The person waiting for a device is not kept in process memory: it is the session's last
successful, not-undone scan when that scan named a person and no device. Any app server
reads the same state, so scans may be spread across several servers.

Every scan writes one `Scan` row (done or refused) and bumps the session's counters in
the same transaction, with the session row locked so scans of one session are applied in
order. `succeeded` counts devices handed out or collected; badge scans count in neither.
Refusals raise nothing: they come back as a ScanResult with `ok` False and the words to
show, and nothing but the Scan row and the counter is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Q, QuerySet
from django.utils import timezone

from hatrack.core import audit
from hatrack.core.models import AuditEntry
from hatrack.devices.models import (
    Assignment,
    Condition,
    Device,
    Kit,
    Scan,
    ScanSession,
    normalize_code,
)
from hatrack.devices.services.assignments import (
    check_in_device,
    check_out_device,
    lock_device,
    open_assignment,
)
from hatrack.directory.models import Person, Site

if TYPE_CHECKING:
    from hatrack.accounts.models import User

PERSON = "person"
DEVICE = "device"
# The device fields check-out and check-in change, which undo puts back.
RESTORED_FIELDS = ("status", "condition", "site", "room", "holder", "holder_since")
MAX_VALUE = 100
# What a scan reads of a person: the name, grade, whether active, and their school.
PERSON_COLUMNS = ("id", "given_name", "family_name", "grade", "active", "primary_site_id")


class ScanRefused(Exception):
    """A scan that cannot be applied: the words to show, and what it was about."""

    def __init__(
        self, message: str, *, device: Device | None = None, person: Person | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.device = device
        self.person = person


@dataclass(frozen=True)
class ScanResult:
    """What the scanner page shows after a scan (or an undo)."""

    ok: bool
    message: str
    waiting_for: str
    device_label: str = ""
    person_label: str = ""
    succeeded: int = 0
    failed: int = 0
    scan_id: int | None = None
    waiting_person: str = ""  # who the next device goes to, when one is awaited

    @property
    def outcome(self) -> str:
        return Scan.Outcome.OK if self.ok else Scan.Outcome.ERROR

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "outcome": self.outcome,
            "message": self.message,
            "waiting_for": self.waiting_for,
            "device": self.device_label,
            "person": self.person_label,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "scan_id": self.scan_id,
            "waiting_person": self.waiting_person,
        }


@dataclass
class _Step:
    """What a successful scan did, before its Scan row is written."""

    message: str
    device: Device | None = None
    person: Person | None = None
    assignment: Assignment | None = None
    counts: bool = False  # a device handed out or collected


def person_label(person: Person | None) -> str:
    if person is None:
        return ""
    if person.grade:
        return f"{person.full_name} (grade {person.grade.lstrip('0') or 'K'})"
    return person.full_name


# --- Sessions --------------------------------------------------------------------------


def start_scan_session(
    *,
    kind: str,
    by: User,
    site: Site | None = None,
    kit: Kit | None = None,
    condition: str = "",
) -> ScanSession:
    """Open a distribution or collection. Raises ValidationError for a closed site or kit,
    an unknown kind or condition; writes nothing then."""
    if kind not in ScanSession.Kind.values:
        raise ValidationError("Choose whether you are handing out or collecting devices.")
    if condition and condition not in Condition.values:
        raise ValidationError("Choose the condition from the list.")
    if site is not None and not site.active:
        raise ValidationError(f"{site} is no longer an active site.")
    if kit is not None and not kit.active:
        raise ValidationError(f"The kit {kit} is no longer in use.")
    with transaction.atomic():
        session = ScanSession.objects.create(
            kind=kind, site=site, kit=kit, condition=condition, started_by=by
        )
        audit.record_create(session, by=by)
    return session


def finish_session(*, session: ScanSession, by: User) -> ScanSession:
    """Close the session: no more scans. Finishing a finished session changes nothing."""
    with transaction.atomic():
        session = ScanSession.objects.select_for_update().get(pk=session.pk)
        if session.finished_at is None:
            before = audit.snapshot(session)
            session.finished_at = timezone.now()
            session.save(update_fields=["finished_at"])
            audit.record_update(session, before, by=by)
    return session


def pending_person(session: ScanSession) -> Person | None:
    """The person whose badge was scanned and who waits for a device, if any (one query,
    reading only the columns a scan needs of the person)."""
    if session.kind != ScanSession.Kind.DISTRIBUTE:
        return None
    last = (
        _done(session)
        .select_related("person")
        .only("device_id", *(f"person__{name}" for name in PERSON_COLUMNS))
        .first()
    )
    if last is None or last.device_id is not None:
        return None
    return last.person


def _done(session: ScanSession) -> QuerySet[Scan]:
    """The session's successful, not undone scans, newest first (scan_session_idx)."""
    return Scan.objects.filter(session=session, outcome=Scan.Outcome.OK, undone=False).order_by(
        "-id"
    )


def _last_done(session: ScanSession) -> Scan | None:
    return _done(session).select_related("person", "device", "assignment").first()


def _locked(session: ScanSession) -> ScanSession:
    """The session row, locked until the transaction ends: one session's scans go in order.
    Its kit and site come along (not locked: `of` limits the lock to the session)."""
    return (
        ScanSession.objects.select_for_update(of=("self",))
        .select_related("kit", "site")
        .get(pk=session.pk)
    )


# --- Lookups ---------------------------------------------------------------------------


def find_device(code: str, *, lock: bool = False) -> Device | None:
    """The device whose asset tag or serial number is `code` (normalized): one seek on
    each unique index. With `lock`, the whole row with its model, locked until the
    transaction ends, as `check_out_device(locked=True)` takes it: a hand-out reads the
    device once."""
    if not code:
        return None
    found = Device.objects.filter(Q(asset_tag=code) | Q(serial_number=code)).order_by()
    if lock:
        return found.select_for_update(of=("self",)).select_related("model").first()
    return found.only("id", "asset_tag", "serial_number", "site_id", "status").first()


def find_person(value: str) -> Person | None:
    """The person a badge names: by SIS id, or by email when typed in full (indexed both).

    Active people win over inactive ones sharing an old id; two active people with the
    same id are refused rather than guessed between."""
    value = value.strip()
    if not value:
        return None
    match = Q(email__in={value, value.lower()}) if "@" in value else Q(sis_id=value)
    found = list(Person.objects.filter(match).order_by("-active", "id").only(*PERSON_COLUMNS)[:2])
    if len(found) == 2 and found[0].active and found[1].active:
        raise ScanRefused(f"Two people have the id {value}; fix the directory, then scan again.")
    return found[0] if found else None


# --- Scanning --------------------------------------------------------------------------


def record_scan(
    *,
    session: ScanSession,
    value: str,
    by: User,
    condition: str = "",
    missing: Sequence[str] = (),
) -> ScanResult:
    """Apply one scan to the session and log it. `condition` and `missing` (accessories not
    returned) mark one collected device; they default to the session's condition and kit.

    Raises ValidationError only when the session is finished or the value is empty;
    every other refusal is a ScanResult with ok False, logged as a refused scan."""
    value = value.strip()[:MAX_VALUE]
    if not value:
        raise ValidationError("Scan a badge or a device.")
    if condition and condition not in Condition.values:
        raise ValidationError("Choose the condition from the list.")
    with transaction.atomic():
        session = _locked(session)
        if session.finished_at is not None:
            raise ValidationError("This session is finished; start a new one to scan more.")
        pending = pending_person(session)
        try:
            if session.kind == ScanSession.Kind.COLLECT:
                step = _collect(session, value, by, condition=condition, missing=missing)
            else:
                step = _distribute(session, value, by, pending)
        except ScanRefused as refusal:
            return _log(session, value, ok=False, step=_refused(refusal, pending), pending=pending)
        return _log(session, value, ok=True, step=step, pending=pending)


def _refused(refusal: ScanRefused, pending: Person | None) -> _Step:
    return _Step(refusal.message, device=refusal.device, person=refusal.person or pending)


def _log(
    session: ScanSession, value: str, *, ok: bool, step: _Step, pending: Person | None
) -> ScanResult:
    scan = Scan.objects.create(
        session=session,
        value=value,
        outcome=Scan.Outcome.OK if ok else Scan.Outcome.ERROR,
        message=step.message[:200],
        device=step.device,
        person=step.person,
        assignment=step.assignment,
    )
    if not ok:
        session.failed += 1
    elif step.counts:
        session.succeeded += 1
    if not ok or step.counts:
        session.save(update_fields=["succeeded", "failed"])
    waiting = _waiting_after(session, ok=ok, step=step, pending=pending)
    distributing = session.kind == ScanSession.Kind.DISTRIBUTE
    awaited = (step.person if ok else pending) if distributing and waiting == DEVICE else None
    return ScanResult(
        ok=ok,
        message=step.message,
        waiting_for=waiting,
        device_label=step.device.label if step.device else "",
        person_label=person_label(step.person),
        succeeded=session.succeeded,
        failed=session.failed,
        scan_id=scan.pk,
        waiting_person=person_label(awaited),
    )


def _waiting_after(session: ScanSession, *, ok: bool, step: _Step, pending: Person | None) -> str:
    if session.kind == ScanSession.Kind.COLLECT:
        return DEVICE
    if ok:
        return PERSON if step.device is not None else DEVICE
    return DEVICE if pending is not None else PERSON


def _check_site(session: ScanSession, device: Device) -> None:
    if session.site_id and device.site_id and device.site_id != session.site_id:
        site = Site.objects.only("name").get(pk=device.site_id)
        raise ScanRefused(
            f"Wrong site: {device.label} belongs to {site.name}, not {session.site}.",
            device=device,
        )


def _distribute(session: ScanSession, value: str, by: User, pending: Person | None) -> _Step:
    code = normalize_code(value)
    if pending is None:
        person = find_person(value)
        if person is not None:
            return _badge(person)
        device = find_device(code)
        if device is not None:
            raise ScanRefused(
                f"Scan the student's badge first: {device.label} is a device.", device=device
            )
        raise ScanRefused(f"Unknown badge or tag: {value}.")
    device = find_device(code, lock=True)
    if device is None:
        person = find_person(value)
        if person is not None:  # the next student stepped up; the last one gets nothing
            step = _badge(person)
            step.message = f"{step.message} ({pending.full_name} received nothing.)"
            return step
        raise ScanRefused(f"Unknown tag: {value}. Scan {pending.full_name}'s device again.")
    _check_site(session, device)
    try:
        assignment = check_out_device(
            device=device, holder=pending, kit=session.kit, condition=session.condition,
            session=session, by=by, locked=True,
        )  # fmt: skip
    except ValidationError as exc:
        raise ScanRefused(" ".join(exc.messages), device=device) from exc
    return _Step(
        f"{device.label} handed to {pending.full_name}.",
        device=device, person=pending, assignment=assignment, counts=True,
    )  # fmt: skip


def _badge(person: Person) -> _Step:
    if not person.active:
        message = f"{person.full_name} is no longer active in the directory."
        raise ScanRefused(message, person=person)
    held = list(Device.objects.filter(holder=person).values_list("asset_tag", "serial_number")[:3])
    message = f"{person_label(person)}: now scan the device."
    if held:
        labels = ", ".join(tag or serial for tag, serial in held)
        message = f"{person_label(person)} already holds {labels}; scan a device to add one."
    return _Step(message, person=person)


def _collect(
    session: ScanSession, value: str, by: User, *, condition: str, missing: Sequence[str]
) -> _Step:
    device = find_device(normalize_code(value))
    if device is None:
        raise ScanRefused(f"Unknown tag: {value}.")
    _check_site(session, device)
    current = open_assignment(device)
    if current is None:
        raise ScanRefused(f"{device.label} is not checked out.", device=device)
    expected = session.kit.accessories if session.kit else current.accessories_out
    returned = [item for item in expected if item not in set(missing)]
    try:
        assignment = check_in_device(
            device=device, by=by, condition=condition or session.condition,
            accessories=returned, session=session,
        )  # fmt: skip
    except ValidationError as exc:
        raise ScanRefused(" ".join(exc.messages), device=device) from exc
    holder = current.holder
    source = holder.full_name if holder else str(current.room)
    lacking = [item for item in expected if item in set(missing)]
    message = f"{device.label} collected from {source}."
    if lacking:
        message = f"{message} Missing: {', '.join(lacking)}."
    return _Step(message, device=device, person=holder, assignment=assignment, counts=True)


# --- Undo ------------------------------------------------------------------------------


def undo_last_scan(*, session: ScanSession, by: User) -> ScanResult:
    """Reverse the session's last successful scan that is not undone yet, and mark it undone.

    - a badge scan: the person no longer waits for a device;
    - a hand-out: the assignment is deleted (the student never had the device, so their
      history and the collection report must not say they did) and the device is put back
      as it was before, from the check-out's audit entry; the undo is audited on the device;
    - a collection: the same assignment is re-opened (the student never gave the device
      back: the report keeps its "since"), the device goes back to the holder as before.

    The person of an undone hand-out waits for a device again. Raises ValidationError when
    there is nothing to undo or the device has moved on since (checked in or out again).
    """
    with transaction.atomic():
        session = _locked(session)
        if session.finished_at is not None:
            raise ValidationError("This session is finished; nothing can be undone.")
        last = _last_done(session)
        if last is None:
            raise ValidationError("There is no scan to undo.")
        if last.device_id is None:
            message = f"Undone: {last.person.full_name if last.person else 'badge'} was set aside."
        elif session.kind == ScanSession.Kind.COLLECT:
            message = _reopen(last, by)
        else:
            message = _take_back(last, by)
        last.undone = True
        last.save(update_fields=["undone"])
        if last.device_id is not None:
            session.succeeded = max(0, session.succeeded - 1)
            session.save(update_fields=["succeeded"])
        collecting = session.kind == ScanSession.Kind.COLLECT
        awaited = pending_person(session)
        waiting = DEVICE if collecting or awaited else PERSON
    return ScanResult(
        ok=True,
        message=message,
        waiting_for=waiting,
        device_label=last.device.label if last.device else "",
        person_label=person_label(last.person),
        succeeded=session.succeeded,
        failed=session.failed,
        scan_id=last.pk,
        waiting_person=person_label(awaited),
    )


def _scanned_assignment(scan: Scan) -> tuple[Device, Assignment]:
    if scan.device is None or scan.assignment_id is None:
        raise ValidationError("This scan's record is gone; it cannot be undone.")
    device = lock_device(scan.device)
    assignment = Assignment.objects.select_related("holder", "room").get(pk=scan.assignment_id)
    return device, assignment


def _take_back(scan: Scan, by: User) -> str:
    device, assignment = _scanned_assignment(scan)
    if assignment.checked_in_at is not None:
        raise ValidationError(f"{device.label} was checked in since; it cannot be undone.")
    before = audit.snapshot(device)
    _restore(device, summary_start="Checked out to")
    device.save()
    holder = assignment.holder.full_name if assignment.holder else str(assignment.room)
    assignment.delete()
    audit.record_event(
        device, by=by, summary=f"Hand-out to {holder} undone (scanned by mistake)"[:300],
        changes=audit.diff(before, audit.snapshot(device)),
    )  # fmt: skip
    return f"Undone: {device.label} was not handed to {holder}."


def _reopen(scan: Scan, by: User) -> str:
    device, assignment = _scanned_assignment(scan)
    if assignment.checked_in_at is None or open_assignment(device) is not None:
        raise ValidationError(f"{device.label} was checked out again since; it cannot be undone.")
    before = audit.snapshot(device)
    _restore(device, summary_start="Checked in from")
    device.save()
    assignment.checked_in_at = assignment.checked_in_by = assignment.return_session = None
    assignment.condition_in, assignment.accessories_in = "", []
    assignment.save()
    holder = assignment.holder.full_name if assignment.holder else str(assignment.room)
    audit.record_event(
        device, by=by, summary=f"Collection from {holder} undone (scanned by mistake)"[:300],
        changes=audit.diff(before, audit.snapshot(device)),
    )  # fmt: skip
    return f"Undone: {device.label} stays with {holder}."


def _restore(device: Device, *, summary_start: str) -> None:
    """Put back the fields the device's last check-out or check-in changed, as its audit
    entry recorded them (the device row is locked, so that entry is the latest)."""
    entry = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Device),
            object_id=str(device.pk),
            summary__startswith=summary_start,
        )
        .order_by("-at", "-id")
        .only("changes")
        .first()
    )
    if entry is None:
        raise ValidationError(f"{device.label} has no record of that scan; it cannot be undone.")
    for name in RESTORED_FIELDS:
        if name in entry.changes:
            field = Device._meta.get_field(name)
            if not isinstance(field, Field):  # every restored name is a concrete column
                continue
            setattr(device, field.attname, field.to_python(entry.changes[name][0]))
