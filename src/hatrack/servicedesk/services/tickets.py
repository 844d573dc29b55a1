"""One ticket's life: opening, replies and notes, assignment, status and merging."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hatrack.core import audit
from hatrack.servicedesk.mail import notify
from hatrack.servicedesk.models import Category, Queue, Ticket, TicketMessage
from hatrack.servicedesk.services import sla
from hatrack.servicedesk.services.automation import apply_rules
from hatrack.servicedesk.services.rules import (
    Status,
    apply_status,
    assignment_event,
    check_assignee,
    check_status,
    clean_text,
    event,
    is_requester,
    is_worker,
    locked,
    reopen_days,
    require_changeable,
    require_worker,
    status_event,
)

if TYPE_CHECKING:
    from hatrack.accounts.models import User
    from hatrack.directory.models import Person, Site

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
        subject=clean_text(subject, field="subject", label="subject", max_length=200),
        description=description.strip(),
        requester=requester,
        created_by=by,
        site=site if site is not None else (requester.primary_site if requester else None),
        priority=priority,
        channel=channel,
    )
    ticket.full_clean()
    sla.start_clock(ticket, timezone.now())  # before saving: the audit entry shows the dues
    with transaction.atomic():
        ticket.save()
        audit.record_create(ticket, by=by)
        apply_rules(ticket, by)
        notify.ticket_opened(ticket)
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


def _replies_as_requester(ticket: Ticket, by: User | None, person: Person | None) -> bool:
    if by is not None:
        return is_requester(ticket, by)
    return person is not None and person.pk == ticket.requester_id


def reply_to_ticket(
    *,
    ticket: Ticket,
    body: str,
    by: User | None,
    internal: bool = False,
    author_person: Person | None = None,
    channel: str = Ticket.Channel.PORTAL,
    message_id: str = "",
) -> TicketMessage:
    """Add a public reply or (technicians and leaders only) an internal note.

    A technician's first public reply sets `first_response_at` and moves a new ticket
    to open. A requester's reply moves a ticket waiting on them back to open, and
    reopens a ticket resolved within SERVICEDESK_REOPEN_DAYS (default 7); later it is
    refused with code "reopen_window_passed" so mail intake can open a new ticket.
    Replies on closed tickets are refused with code "closed". Internal notes never
    change the ticket.

    `by` is None only for mail from a requester without an account: `author_person`
    (the directory person who wrote) must then be the ticket's requester. `channel` and
    `message_id` (the mail's Message-ID without <>) are kept on the message, so later
    mail quoting that id threads with this ticket.
    """
    text = clean_text(body, field="body", label="message")
    from_requester = _replies_as_requester(ticket, by, author_person)
    worker = by is not None and is_worker(by)
    if internal and not worker:
        raise ValidationError("Only technicians and technology leaders can write internal notes.")
    if not internal and not from_requester and not worker:
        raise ValidationError("Only the requester and technicians can reply to this ticket.")
    if channel not in Ticket.Channel.values:
        raise ValidationError({"channel": "Choose how the reply came in."})
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.status == Status.CLOSED:
            raise ValidationError(
                f"{ticket.reference} is closed and takes no more replies; open a new ticket.",
                code="closed",
            )
        before = audit.snapshot(ticket)
        now = timezone.now()
        if not internal:
            ticket.status = _status_after_reply(ticket, from_requester=from_requester, now=now)
            if ticket.status == Status.OPEN:
                ticket.resolved_at = None
            if not from_requester and ticket.first_response_at is None:
                ticket.first_response_at = now
        sla.on_status_change(ticket, before["status"], now)
        kind = TicketMessage.Kind.NOTE if internal else TicketMessage.Kind.REPLY
        message = TicketMessage.objects.create(
            ticket=ticket,
            author=by,
            author_person=author_person,
            kind=kind,
            body=text,
            channel=channel,
            message_id=message_id[:255],
        )
        notify.message_added(message)
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


def assign_ticket(*, ticket: Ticket, assignee: User | None, by: User) -> Ticket:
    """Give the ticket to a technician or leader (None unassigns). Audited; a timeline event."""
    require_worker(by, "assign tickets")
    check_assignee(assignee)
    with transaction.atomic():
        ticket = locked(ticket)
        require_changeable(ticket, by)
        if ticket.assignee_id == (assignee.pk if assignee else None):
            return ticket
        before = audit.snapshot(ticket)
        ticket.assignee = assignee
        ticket.save()
        event(ticket, by, assignment_event(assignee)).save()
        audit.record_update(ticket, before, by=by)
    return ticket


def set_ticket_status(*, ticket: Ticket, status: str, by: User) -> Ticket:
    """Move the ticket to `status`: resolving sets resolved_at, closing sets closed_at,
    any other status clears both. Closed tickets change only by leaders. Audited."""
    require_worker(by, "change a ticket's status")
    check_status(status)
    with transaction.atomic():
        ticket = locked(ticket)
        require_changeable(ticket, by)
        if ticket.merged_into_id is not None:
            raise ValidationError(f"{ticket.reference} was merged; work on the ticket it joined.")
        if ticket.status == status:
            return ticket
        before = audit.snapshot(ticket)
        old = ticket.status
        apply_status(ticket, status, timezone.now())
        sla.on_status_change(ticket, old, timezone.now())
        ticket.save()
        event(ticket, by, status_event(old, status)).save()
        notify.status_changed(ticket, old)
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
    require_worker(by, "merge tickets")
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().in_bulk([duplicate.pk, into.pk])
        duplicate, into = locked[duplicate.pk], locked[into.pk]
        _check_merge(duplicate, into)
        require_changeable(duplicate, by)
        before = audit.snapshot(duplicate)
        duplicate.merged_into = into
        apply_status(duplicate, Status.CLOSED, timezone.now())
        duplicate.save()
        into.save(update_fields=["updated_at"])
        TicketMessage.objects.bulk_create(
            [
                event(duplicate, by, f"Merged into {into.reference}."),
                event(into, by, f"{duplicate.reference} was merged into this ticket."),
            ]
        )
        audit.record_update(duplicate, before, by=by)
    return duplicate
