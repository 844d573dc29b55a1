"""Replies and internal notes with files attached, from the portal or the desk.

Every file is checked before anything is written: one refused file refuses the whole
reply, so a requester never sees half a message and no file is stored without one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from hatrack.servicedesk.models import Ticket, TicketMessage
from hatrack.servicedesk.services.attachments import add_attachment, check_attachments
from hatrack.servicedesk.services.tickets import reply_to_ticket

if TYPE_CHECKING:
    from hatrack.accounts.models import User


def reply_with_files(
    *,
    ticket: Ticket,
    body: str,
    by: User,
    files: list[tuple[str, bytes, str]],
    internal: bool = False,
    channel: str = Ticket.Channel.PORTAL,
) -> TicketMessage:
    """Add a reply (or, for technicians, an internal note) with its files.

    `files` are (filename, content, declared type) as uploaded. All are checked first
    (a ValidationError in words naming each refused file, nothing written); then the
    message and its files are written in one transaction, each file audited. The rules
    of `reply_to_ticket` apply unchanged. Files on an internal note stay hidden from
    requesters, as the note does.
    """
    checked = check_attachments(files)
    with transaction.atomic():
        message = reply_to_ticket(
            ticket=ticket, body=body, by=by, internal=internal, channel=channel
        )
        for item in checked:
            add_attachment(ticket=ticket, message=message, checked=item, by=by)
    return message
