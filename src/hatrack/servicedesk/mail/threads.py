"""Which ticket a message answers.

In order: a ticket reference in the subject ("Re: [HT-000123] …"); then the Message-IDs
in In-Reply-To and References, matched against the ticket root ids our notifications
carry (`<ticket-123@…>`), the ids of mail we sent (OutboundMail), of messages on tickets
(TicketMessage.message_id) and of mail we took in (InboundMail). A ticket that was merged
hands its thread on to the ticket it joined.
"""

from __future__ import annotations

import re

from hatrack.servicedesk.mail.parse import ParsedMail
from hatrack.servicedesk.models import InboundMail, OutboundMail, Ticket, TicketMessage
from hatrack.servicedesk.models.tickets import parse_reference

ROOT_ID = re.compile(r"^ticket-(\d{1,18})@", re.IGNORECASE)
MAX_MERGE_HOPS = 10


def _follow_merges(ticket: Ticket) -> Ticket:
    for _ in range(MAX_MERGE_HOPS):
        if ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def _ticket_id_from_ids(ids: list[str]) -> int | None:
    for mid in ids:
        match = ROOT_ID.match(mid)
        if match and Ticket.objects.filter(pk=int(match.group(1))).exists():
            return int(match.group(1))
    lookups = (
        TicketMessage.objects.filter(message_id__in=ids).values_list("ticket_id", "message_id"),
        OutboundMail.objects.filter(message_id__in=ids, ticket__isnull=False).values_list(
            "ticket_id", "message_id"
        ),
        InboundMail.objects.filter(dedupe_key__in=ids, ticket__isnull=False).values_list(
            "ticket_id", "dedupe_key"
        ),
    )
    found: dict[str, int] = {}
    for rows in lookups:
        for ticket_id, mid in rows:
            found.setdefault(mid, ticket_id)
    # The nearest id (In-Reply-To first) wins when a thread touched several tickets.
    return next((found[mid] for mid in ids if mid in found), None)


def find_ticket(mail: ParsedMail) -> Ticket | None:
    """The ticket this message continues, or None for a new request."""
    number = parse_reference(mail.subject)
    ticket = Ticket.objects.filter(pk=number).first() if number else None
    if ticket is None and mail.thread_ids:
        found = _ticket_id_from_ids(mail.thread_ids)
        ticket = Ticket.objects.filter(pk=found).first() if found else None
    return _follow_merges(ticket) if ticket is not None else None
