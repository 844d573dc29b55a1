"""Every change to tickets: opening, replying, assigning, status, merging, bulk work.

Each function is keyword-only, checks who acts and what the ticket allows, writes in one
transaction (the ticket row locked with SELECT … FOR UPDATE where it is read before
writing) and records the audit entry in that same transaction. A refused change raises
`django.core.exceptions.ValidationError` with a message in words and writes nothing.

Permission to reach a ticket at all is the caller's (views use `queries.get_ticket_for`);
the rules that belong to the ticket itself (who may write an internal note, that closed
tickets change only by leaders) are enforced here, so pages, mail and the API share them.
"""

from hatrack.servicedesk.services.bulk import BULK_LIMIT, bulk_assign, bulk_set_status
from hatrack.servicedesk.services.labels import link_ticket, set_ticket_tags, unlink_ticket
from hatrack.servicedesk.services.queues import (
    create_category,
    create_queue,
    update_category,
    update_queue,
)
from hatrack.servicedesk.services.rules import is_requester, is_worker, reopen_days
from hatrack.servicedesk.services.tickets import (
    assign_ticket,
    merge_tickets,
    open_ticket,
    reply_to_ticket,
    set_ticket_status,
)

__all__ = [
    "BULK_LIMIT",
    "assign_ticket",
    "bulk_assign",
    "bulk_set_status",
    "create_category",
    "create_queue",
    "is_requester",
    "is_worker",
    "link_ticket",
    "merge_tickets",
    "open_ticket",
    "reopen_days",
    "reply_to_ticket",
    "set_ticket_status",
    "set_ticket_tags",
    "unlink_ticket",
    "update_category",
    "update_queue",
]
