"""Every change to tickets: opening, replying, assigning, status, merging, bulk work.

Each function is keyword-only, checks who acts and what the ticket allows, writes in one
transaction (the ticket row locked with SELECT … FOR UPDATE where it is read before
writing) and records the audit entry in that same transaction. A refused change raises
`django.core.exceptions.ValidationError` with a message in words and writes nothing.

Permission to reach a ticket at all is the caller's (views use `queries.get_ticket_for`);
the rules that belong to the ticket itself (who may write an internal note, that closed
tickets change only by leaders) are enforced here, so pages, mail and the API share them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from hatrack.core import audit
from hatrack.core.middleware import current_request_id
from hatrack.core.models import AuditEntry
from hatrack.core.permissions import can
from hatrack.core.roles import Role
from hatrack.servicedesk.models import Category, Queue, Tag, Ticket, TicketLink, TicketMessage

if TYPE_CHECKING:
    from hatrack.accounts.models import User
    from hatrack.directory.models import Person, Site

Status = Ticket.Status
WORKER_ROLES = frozenset({Role.LEADER, Role.TECHNICIAN})
# A bulk action touches at most this many tickets: a page of a queue is 50 to 200.
BULK_LIMIT = 500
DEFAULT_REOPEN_DAYS = 7


def reopen_days() -> int:
    """Days after resolution during which a requester's reply reopens the ticket."""
    return int(getattr(settings, "SERVICEDESK_REOPEN_DAYS", DEFAULT_REOPEN_DAYS))


def is_worker(user: User) -> bool:
    return can(user, "servicedesk.work")


def is_requester(ticket: Ticket, user: User) -> bool:
    """Does the user ask on this ticket (rather than work on it)?"""
    if ticket.requester_id is not None:
        return user.person_id is not None and user.person_id == ticket.requester_id
    return ticket.created_by_id == user.pk


def _require_worker(by: User, doing: str) -> None:
    if not is_worker(by):
        raise ValidationError(f"Only technicians and technology leaders can {doing}.")


def _require_changeable(ticket: Ticket, by: User) -> None:
    if ticket.status == Status.CLOSED and by.role != Role.LEADER:
        raise ValidationError(
            f"{ticket.reference} is closed; only a technology leader can change it."
        )


def _locked(ticket: Ticket) -> Ticket:
    """The ticket re-read under a row lock, so concurrent changes queue up behind us."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _event(ticket: Ticket, by: User | None, body: str) -> TicketMessage:
    return TicketMessage(ticket=ticket, author=by, kind=TicketMessage.Kind.EVENT, body=body)


def _clean_text(value: str, *, field: str, label: str, max_length: int | None = None) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field: f"Write a {label}."})
    if max_length is not None and len(text) > max_length:
        raise ValidationError({field: f"Keep the {label} under {max_length} characters."})
    return text


# --- Opening ---------------------------------------------------------------------------


def open_ticket(
    *,
    queue: Queue,
    subject: str,
    description: str,
    requester: Person | None,
    by: User | None,
    category: Category | None = None,
    priority: str = Ticket.Priority.NORMAL,
    channel: str = Ticket.Channel.PORTAL,
    site: Site | None = None,
) -> Ticket:
    """Open a new ticket in `queue` for `requester` (a directory person).

    `requester` may be None only when `by` is an account asking for itself without a
    directory record. The site defaults to the requester's primary site. `by` is None
    only for mail and tasks acting for no account. Audited as a create.
    """
    errors: dict[str, str] = {}
    if not queue.active:
        errors["queue"] = f"The {queue.name} queue is not taking new tickets."
    if category is not None and (category.queue_id != queue.pk or not category.active):
        errors["category"] = "Choose an active category of this queue."
    if priority not in Ticket.Priority.values:
        errors["priority"] = "Choose a priority: low, normal, high or urgent."
    if channel not in Ticket.Channel.values:
        errors["channel"] = "Choose how the request came in."
    if requester is None and by is None:
        errors["requester"] = "Say who the ticket is for."
    if errors:
        raise ValidationError(errors)
    ticket = Ticket(
        queue=queue,
        category=category,
        subject=_clean_text(subject, field="subject", label="subject", max_length=200),
        description=description.strip(),
        requester=requester,
        created_by=by,
        site=site if site is not None else (requester.primary_site if requester else None),
        priority=priority,
        channel=channel,
    )
    ticket.full_clean()
    with transaction.atomic():
        ticket.save()
        audit.record_create(ticket, by=by)
    return ticket


# --- Replies ---------------------------------------------------------------------------


def _reopen_window_passed(ticket: Ticket, now: datetime.datetime) -> bool:
    resolved_at = ticket.resolved_at or ticket.updated_at
    return now - resolved_at > datetime.timedelta(days=reopen_days())


def _status_after_reply(ticket: Ticket, *, from_requester: bool, now: datetime.datetime) -> str:
    """The status a public reply leaves the ticket in (see reply_to_ticket)."""
    if from_requester:
        if ticket.status == Status.RESOLVED:
            if _reopen_window_passed(ticket, now):
                raise ValidationError(
                    f"{ticket.reference} was resolved more than {reopen_days()} days ago; "
                    "open a new ticket instead.",
                    code="reopen_window_passed",
                )
            return Status.OPEN
        if ticket.status == Status.WAITING_ON_REQUESTER:
            return Status.OPEN
        return ticket.status
    return Status.OPEN if ticket.status == Status.NEW else ticket.status


def reply_to_ticket(
    *, ticket: Ticket, body: str, by: User, internal: bool = False
) -> TicketMessage:
    """Add a public reply or (technicians and leaders only) an internal note.

    A technician's first public reply sets `first_response_at` and moves a new ticket
    to open. A requester's reply moves a ticket waiting on them back to open, and
    reopens a ticket resolved within SERVICEDESK_REOPEN_DAYS (default 7); later it is
    refused with code "reopen_window_passed" so mail intake can open a new ticket.
    Replies on closed tickets are refused. Internal notes never change the ticket.
    """
    text = _clean_text(body, field="body", label="message")
    from_requester = is_requester(ticket, by)
    if internal and not is_worker(by):
        raise ValidationError("Only technicians and technology leaders can write internal notes.")
    if not internal and not from_requester and not is_worker(by):
        raise ValidationError("Only the requester and technicians can reply to this ticket.")
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status == Status.CLOSED:
            raise ValidationError(
                f"{ticket.reference} is closed and takes no more replies; open a new ticket."
            )
        before = audit.snapshot(ticket)
        now = timezone.now()
        if not internal:
            ticket.status = _status_after_reply(ticket, from_requester=from_requester, now=now)
            if ticket.status == Status.OPEN:
                ticket.resolved_at = None
            if not from_requester and ticket.first_response_at is None:
                ticket.first_response_at = now
        kind = TicketMessage.Kind.NOTE if internal else TicketMessage.Kind.REPLY
        message = TicketMessage.objects.create(ticket=ticket, author=by, kind=kind, body=text)
        ticket.save()  # a message is activity: updated_at moves the ticket up its queue
        audit.record_update(ticket, before, by=by)
        audit.record_event(
            ticket,
            by=by,
            summary="Internal note added" if internal else "Reply added",
            changes={"message": message.pk},
        )
    return message


# --- Assignment and status -------------------------------------------------------------


def _check_assignee(assignee: User | None) -> None:
    if assignee is not None and (not assignee.is_active or assignee.role not in WORKER_ROLES):
        raise ValidationError(
            {"assignee": "Assign tickets to an active technician or technology leader."}
        )


def _assignment_event(assignee: User | None) -> str:
    return f"Assigned to {assignee}." if assignee is not None else "Unassigned."


def assign_ticket(*, ticket: Ticket, assignee: User | None, by: User) -> Ticket:
    """Give the ticket to a technician or leader (None unassigns). Audited; a timeline event."""
    _require_worker(by, "assign tickets")
    _check_assignee(assignee)
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_changeable(ticket, by)
        if ticket.assignee_id == (assignee.pk if assignee else None):
            return ticket
        before = audit.snapshot(ticket)
        ticket.assignee = assignee
        ticket.save()
        _event(ticket, by, _assignment_event(assignee)).save()
        audit.record_update(ticket, before, by=by)
    return ticket


def _apply_status(ticket: Ticket, status: str, now: datetime.datetime) -> None:
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = now
    elif status == Status.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    else:
        ticket.resolved_at = None
        ticket.closed_at = None


def _status_event(old: str, new: str) -> str:
    return f"Status changed from {Status(old).label} to {Status(new).label}."


def _check_status(status: str) -> None:
    if status not in Status.values:
        raise ValidationError({"status": "Choose one of the ticket statuses."})


def set_ticket_status(*, ticket: Ticket, status: str, by: User) -> Ticket:
    """Move the ticket to `status`: resolving sets resolved_at, closing sets closed_at,
    any other status clears both. Closed tickets change only by leaders. Audited."""
    _require_worker(by, "change a ticket's status")
    _check_status(status)
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_changeable(ticket, by)
        if ticket.merged_into_id is not None:
            raise ValidationError(f"{ticket.reference} was merged; work on the ticket it joined.")
        if ticket.status == status:
            return ticket
        before = audit.snapshot(ticket)
        old = ticket.status
        _apply_status(ticket, status, timezone.now())
        ticket.save()
        _event(ticket, by, _status_event(old, status)).save()
        audit.record_update(ticket, before, by=by)
    return ticket


# --- Merging ---------------------------------------------------------------------------


def _check_merge(duplicate: Ticket, into: Ticket) -> None:
    if duplicate.pk == into.pk:
        raise ValidationError("A ticket cannot be merged into itself.")
    if duplicate.queue_id != into.queue_id:
        raise ValidationError("Only tickets in the same queue can be merged.")
    if into.merged_into_id is not None:
        raise ValidationError(
            f"{into.reference} was itself merged; merge into the ticket it joined."
        )
    if into.status == Status.CLOSED:
        raise ValidationError(f"{into.reference} is closed; reopen it before merging into it.")
    if duplicate.merged_into_id is not None:
        raise ValidationError(f"{duplicate.reference} is already merged.")


def merge_tickets(*, duplicate: Ticket, into: Ticket, by: User) -> Ticket:
    """Close `duplicate` as merged into `into`, with a timeline event on both.

    Messages stay where they were written; the duplicate points to the ticket that
    carries on. Refused across queues, into itself, or into a merged or closed ticket.
    """
    _require_worker(by, "merge tickets")
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().in_bulk([duplicate.pk, into.pk])
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        _check_merge(duplicate, into)
        _require_changeable(duplicate, by)
        before = audit.snapshot(duplicate)
        duplicate.merged_into = into
        _apply_status(duplicate, Status.CLOSED, timezone.now())
        duplicate.save()
        into.save(update_fields=["updated_at"])
        TicketMessage.objects.bulk_create(
            [
                _event(duplicate, by, f"Merged into {into.reference}."),
                _event(into, by, f"{duplicate.reference} was merged into this ticket."),
            ]
        )
        audit.record_update(duplicate, before, by=by)
    return duplicate


# --- Bulk work -------------------------------------------------------------------------


def _locked_batch(tickets: Iterable[Ticket | int], by: User) -> list[Ticket]:
    ids = sorted({t if isinstance(t, int) else t.pk for t in tickets})
    if not ids:
        raise ValidationError("Choose at least one ticket.")
    if len(ids) > BULK_LIMIT:
        raise ValidationError(f"Choose at most {BULK_LIMIT} tickets at a time.")
    batch = list(Ticket.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(batch) != len(ids):
        raise ValidationError("Some of the chosen tickets no longer exist; reload the list.")
    for ticket in batch:
        _require_changeable(ticket, by)
    return batch


def _audit_rows(tickets: Sequence[Ticket], before: dict[int, audit.Snapshot], by: User) -> None:
    """One audit entry per changed ticket, written in a single INSERT."""
    content_type = ContentType.objects.get_for_model(Ticket)
    entries = []
    for ticket in tickets:
        changes = audit.diff(before[ticket.pk], audit.snapshot(ticket))
        if changes:
            entries.append(
                AuditEntry(
                    actor=by,
                    actor_name=by.get_username(),
                    action=AuditEntry.Action.UPDATE,
                    content_type=content_type,
                    object_id=str(ticket.pk),
                    object_repr=str(ticket)[:200],
                    changes=changes,
                    request_id=current_request_id.get(),
                )
            )
    AuditEntry.objects.bulk_create(entries)


def _write_batch(
    changed: list[Ticket], before: dict[int, audit.Snapshot], by: User, fields: Sequence[str]
) -> None:
    now = timezone.now()
    for ticket in changed:
        ticket.updated_at = now
    Ticket.objects.bulk_update(changed, [*fields, "updated_at"])
    _audit_rows(changed, before, by)


def bulk_assign(*, tickets: Iterable[Ticket | int], assignee: User | None, by: User) -> int:
    """Assign many tickets at once (at most BULK_LIMIT) in a fixed number of queries.

    All or nothing: one closed ticket (for a non-leader) refuses the whole batch.
    Returns how many tickets changed; each gets an audit entry and a timeline event.
    """
    _require_worker(by, "assign tickets")
    _check_assignee(assignee)
    with transaction.atomic():
        batch = _locked_batch(tickets, by)
        target = assignee.pk if assignee else None
        changed = [t for t in batch if t.assignee_id != target]
        before = {t.pk: audit.snapshot(t) for t in changed}
        for ticket in changed:
            ticket.assignee = assignee
        _write_batch(changed, before, by, ["assignee"])
        TicketMessage.objects.bulk_create(
            [_event(t, by, _assignment_event(assignee)) for t in changed]
        )
    return len(changed)


def bulk_set_status(*, tickets: Iterable[Ticket | int], status: str, by: User) -> int:
    """Set the status of many tickets at once (at most BULK_LIMIT), all or nothing.

    Same rules as set_ticket_status; merged tickets are refused. Returns how many changed.
    """
    _require_worker(by, "change a ticket's status")
    _check_status(status)
    with transaction.atomic():
        batch = _locked_batch(tickets, by)
        merged = [t.reference for t in batch if t.merged_into_id is not None]
        if merged:
            raise ValidationError(f"Merged tickets cannot change status: {', '.join(merged)}.")
        changed = [t for t in batch if t.status != status]
        before = {t.pk: audit.snapshot(t) for t in changed}
        events, now = [], timezone.now()
        for ticket in changed:
            events.append(_event(ticket, by, _status_event(ticket.status, status)))
            _apply_status(ticket, status, now)
        _write_batch(changed, before, by, ["status", "resolved_at", "closed_at"])
        TicketMessage.objects.bulk_create(events)
    return len(changed)


# --- Tags and links --------------------------------------------------------------------


def _tag_names(names: Iterable[str]) -> list[str]:
    cleaned = sorted({" ".join(name.split()).lower() for name in names} - {""})
    too_long = [name for name in cleaned if len(name) > 50]
    if too_long:
        raise ValidationError({"tags": "Keep each tag under 50 characters."})
    return cleaned


def set_ticket_tags(*, ticket: Ticket, names: Iterable[str], by: User) -> list[str]:
    """Replace the ticket's tags with `names` (case-folded, spaces collapsed), creating
    new tags as needed. Returns the tag names now on the ticket. Audited as an event."""
    _require_worker(by, "tag tickets")
    cleaned = _tag_names(names)
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_changeable(ticket, by)
        old = sorted(ticket.tags.values_list("name", flat=True))
        if old == cleaned:
            return cleaned
        Tag.objects.bulk_create([Tag(name=n) for n in cleaned], ignore_conflicts=True)
        ticket.tags.set(Tag.objects.filter(name__in=cleaned))
        ticket.save(update_fields=["updated_at"])
        audit.record_event(ticket, by=by, summary="Tags changed", changes={"tags": [old, cleaned]})
    return cleaned


def link_ticket(*, ticket: Ticket, target: models.Model, by: User) -> TicketLink:
    """Link the ticket to a record it concerns (a device, a system). Idempotent. Audited."""
    _require_worker(by, "link tickets to records")
    if target.pk is None:
        raise ValidationError("Save the record before linking a ticket to it.")
    content_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        ticket = _locked(ticket)
        _require_changeable(ticket, by)
        link, created = TicketLink.objects.get_or_create(
            ticket=ticket, content_type=content_type, object_id=target.pk
        )
        if created:
            audit.record_event(
                ticket, by=by, summary=f"Linked to {target}"[:300], changes=_link_changes(link)
            )
    return link


def unlink_ticket(*, link: TicketLink, by: User) -> None:
    """Remove a link between a ticket and a record. Audited on the ticket."""
    _require_worker(by, "unlink tickets from records")
    with transaction.atomic():
        ticket = _locked(link.ticket)
        _require_changeable(ticket, by)
        audit.record_event(ticket, by=by, summary="Link removed", changes=_link_changes(link))
        link.delete()


def _link_changes(link: TicketLink) -> dict[str, Any]:
    return {"content_type": link.content_type_id, "object_id": link.object_id}
