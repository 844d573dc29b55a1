"""Splitting a ticket: one message that is really a new request becomes its own ticket."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from hatrack.core import audit
from hatrack.servicedesk.models import Attachment, Ticket, TicketMessage
from hatrack.servicedesk.services.rules import (
    clean_text,
    event,
    locked,
    require_changeable,
    require_worker,
)

if TYPE_CHECKING:
    from hatrack.accounts.models import User


def _check_splittable(message: TicketMessage, ticket: Ticket) -> None:
    if message.kind == TicketMessage.Kind.EVENT:
        raise ValidationError("System events stay on their ticket; choose a reply or a note.")
    if ticket.merged_into_id is not None:
        raise ValidationError(f"{ticket.reference} was merged; split from the ticket it joined.")


def default_split_subject(ticket: Ticket) -> str:
    """The subject a split-off ticket gets unless the technician writes one."""
    return f"Split from {ticket.reference}: {ticket.subject}"[:200]


def split_message(*, message: TicketMessage, by: User, subject: str = "") -> Ticket:
    """Move `message` (and the files that came with it) onto a new ticket for the same
    requester, queue, site, category and priority, with a timeline event on both.

    Transactional: the original ticket is locked, the new ticket, the moved message and
    files and both events are written together, and audited (the new ticket as a create,
    the message's move as an update, the original as an event). Refused for system
    events, for merged tickets, and for closed tickets unless a leader splits.
    """
    require_worker(by, "split tickets")
    title = clean_text(subject, field="subject", label="subject", max_length=200) if subject else ""
    with transaction.atomic():
        original = locked(message.ticket)
        require_changeable(original, by)
        message = TicketMessage.objects.select_for_update().get(pk=message.pk)
        if message.ticket_id != original.pk:
            raise ValidationError("This message has moved to another ticket; reload the page.")
        _check_splittable(message, original)
        new = Ticket(
            queue_id=original.queue_id,
            category_id=original.category_id,
            subject=title or default_split_subject(original),
            description=message.body,
            requester_id=original.requester_id,
            created_by=by,
            site_id=original.site_id,
            priority=original.priority,
            channel=message.channel,
            team_id=original.team_id,
        )
        new.full_clean()
        new.save()
        audit.record_create(new, by=by)
        before = audit.snapshot(message)
        message.ticket = new
        message.save(update_fields=["ticket"])
        Attachment.objects.filter(message=message).update(ticket=new)
        audit.record_update(message, before, by=by)
        TicketMessage.objects.bulk_create(
            [
                event(new, by, f"Split from {original.reference}."),
                event(original, by, f"A message was split off into {new.reference}."),
            ]
        )
        original.save(update_fields=["updated_at"])
        audit.record_event(
            original,
            by=by,
            summary=f"Message split off into {new.reference}",
            changes={"message": message.pk, "ticket": new.pk},
        )
    return new
