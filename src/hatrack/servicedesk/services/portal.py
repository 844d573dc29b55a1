"""What a requester does from the staff portal: ask for help with files attached, and
say a ticket is fixed. Replies and ratings go through `tickets.reply_to_ticket` and
`satisfaction.rate_ticket` like everyone else's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hatrack.core import audit
from hatrack.servicedesk.models import Category, Queue, Ticket
from hatrack.servicedesk.services.attachments import CheckedFile, add_attachment
from hatrack.servicedesk.services.rules import Status, apply_status, event, is_requester, locked
from hatrack.servicedesk.services.tickets import open_ticket

if TYPE_CHECKING:
    from hatrack.accounts.models import User
    from hatrack.directory.models import Site


def ask_for_help(
    *,
    by: User,
    queue: Queue,
    subject: str,
    description: str,
    category: Category | None = None,
    site: Site | None = None,
    files: list[CheckedFile] | tuple[CheckedFile, ...] = (),
) -> Ticket:
    """Open a portal ticket for the signed-in user and store its already-checked files.

    The requester is the user's directory person, or nobody (then `created_by` says who
    asked). Ticket and files are written in one transaction: a file that fails to store
    leaves no ticket behind. Raises ValidationError per field, as `open_ticket` does.
    """
    with transaction.atomic():
        ticket = open_ticket(
            queue=queue,
            subject=subject,
            description=description,
            requester=by.person,
            by=by,
            category=category,
            channel=Ticket.Channel.PORTAL,
            site=site,
        )
        for checked in files:
            add_attachment(ticket=ticket, message=None, checked=checked, by=by)
    return ticket


def can_mark_fixed(ticket: Ticket, user: User) -> bool:
    """May the user say "this is fixed": their own request, still being worked on."""
    return not ticket.is_done and is_requester(ticket, user)


def mark_fixed(*, ticket: Ticket, by: User) -> Ticket:
    """The requester says the problem went away: the ticket is resolved, with a timeline
    event saying who resolved it. Only the requester; not on a resolved or closed ticket.
    Audited."""
    if not is_requester(ticket, by):
        raise ValidationError("Only the person who asked for help can mark it fixed.")
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.is_done:
            raise ValidationError(f"{ticket.reference} is already {ticket.get_status_display()}.")
        before = audit.snapshot(ticket)
        apply_status(ticket, Status.RESOLVED, timezone.now())
        ticket.save()
        event(ticket, by, "Marked fixed by the requester.").save()
        audit.record_update(ticket, before, by=by)
    return ticket
