"""Outgoing mail: queue a notification with its change, send it by SMTP from a task.

`queue_mail` writes an `OutboundMail` row in the caller's transaction and sends it once
that transaction commits, so a rolled-back change never mails anyone. Each row carries
its own Message-ID in our domain; mail about a ticket also carries In-Reply-To and
References naming the ticket's root id (`<ticket-123@domain>`) and the latest message
known on its thread, and "[HT-000123]" in the subject, so mail clients and Hatrack's own
intake thread replies with the ticket.

Mail is never queued to an empty or malformed address, nor past the hourly limit per
address (HATRACK_MAIL_HOURLY_LIMIT, default 30): a loop between Hatrack and another
robot stops there. `send_outbound` is safe to run twice and from several workers.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from hatrack.servicedesk.models import OutboundMail, Ticket, TicketMessage
from hatrack.servicedesk.models.tickets import format_reference

if TYPE_CHECKING:
    from collections.abc import Sequence

logger = logging.getLogger("hatrack.servicedesk.mail")

DEFAULT_HOURLY_LIMIT = 30
# A failed mail is retried by the sweep until it has been tried this many times.
MAX_ATTEMPTS = 5
# A queued mail this old lost its send task (a worker died, a queue was cleared).
STALE_QUEUED_AFTER = timedelta(hours=1)
SWEEP_BATCH = 200


def mail_domain() -> str:
    """The domain of our Message-IDs: the one DEFAULT_FROM_EMAIL sends from."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2].lower() or "localhost"


def thread_root_id(ticket_number: int) -> str:
    """The Message-ID (without <>) every mail about a ticket refers to: ticket-123@domain."""
    return f"ticket-{ticket_number}@{mail_domain()}"


def new_message_id() -> str:
    return f"{uuid.uuid4().hex}@{mail_domain()}"


def subject_for(ticket: Ticket, subject: str) -> str:
    """The subject with the ticket's reference in brackets, unless it already has it."""
    reference = format_reference(ticket.pk)
    if reference.lower() in subject.lower():
        return subject[:300]
    return f"[{reference}] {subject}"[:300]


def hourly_limit() -> int:
    return int(getattr(settings, "HATRACK_MAIL_HOURLY_LIMIT", DEFAULT_HOURLY_LIMIT))


def clean_address(to: str) -> str | None:
    """The address in a canonical form (case-folded), or None if it cannot take mail."""
    address = (to or "").strip().lower()
    if not address or len(address) > 320:
        return None
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address


@dataclass
class Draft:
    """One notification to queue (see queue_mail for the fields)."""

    to: str
    kind: str
    subject: str
    body: str
    ticket: Ticket | None = None
    ticket_message: TicketMessage | None = None


def queue_mail(
    *,
    to: str,
    kind: str,
    subject: str,
    body: str,
    ticket: Ticket | None = None,
    ticket_message: TicketMessage | None = None,
) -> OutboundMail | None:
    """Queue one notification; it is sent by SMTP after the caller's transaction commits.

    Returns the row, or None when the mail is suppressed (an empty or malformed address,
    or more than HATRACK_MAIL_HOURLY_LIMIT mails to this address in the past hour):
    nothing is stored then. When `ticket_message` is a public reply this mail copies, the
    reply takes the mail's Message-ID so an answer to it threads with the ticket.
    Raises ValueError for a `kind` that is not one of OutboundMail.Kind.
    """
    draft = Draft(to, kind, subject, body, ticket, ticket_message)
    return queue_drafts([draft])[0]


def queue_drafts(drafts: Sequence[Draft]) -> list[OutboundMail | None]:
    """queue_mail for many notifications at once (bulk actions), in a fixed number of
    queries; the result lines up with `drafts` (None where one was suppressed)."""
    for draft in drafts:
        if draft.kind not in OutboundMail.Kind.values:
            raise ValueError(f"Unknown outbound mail kind {draft.kind!r}")
    addresses = [clean_address(d.to) for d in drafts]
    room = _room_this_hour({a for a in addresses if a})
    threads = _latest_thread_ids({d.ticket.pk for d in drafts if d.ticket is not None})
    rows: list[OutboundMail | None] = []
    for draft, address in zip(drafts, addresses, strict=True):
        if address is None or room.get(address, 0) <= 0:
            logger.info("Outbound %s mail to %r suppressed", draft.kind, draft.to)
            rows.append(None)
            continue
        room[address] -= 1
        rows.append(_build_row(draft, address, threads))
    _save_rows(drafts, rows)
    return rows


def _room_this_hour(addresses: set[str]) -> dict[str, int]:
    """How many more mails each address may get this hour (loop protection)."""
    if not addresses:
        return {}
    since = timezone.now() - timedelta(hours=1)
    sent = dict(
        OutboundMail.objects.filter(to__in=addresses, created_at__gte=since)
        .values_list("to")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("to", "n")
    )
    limit = hourly_limit()
    return {address: limit - sent.get(address, 0) for address in addresses}


def _latest_thread_ids(ticket_ids: set[int]) -> dict[int, str]:
    """Each ticket's latest known Message-ID on its thread (mail in or copies out)."""
    if not ticket_ids:
        return {}
    latest = (
        TicketMessage.objects.filter(ticket=OuterRef("pk"), kind=TicketMessage.Kind.REPLY)
        .exclude(message_id="")
        .order_by("-created_at", "-id")
        .values("message_id")[:1]
    )
    found = (
        Ticket.objects.filter(pk__in=ticket_ids)
        .annotate(latest=Subquery(latest))
        .filter(latest__isnull=False)
        .values_list("pk", "latest")
    )
    return dict(found)


def _build_row(draft: Draft, address: str, threads: dict[int, str]) -> OutboundMail:
    row = OutboundMail(
        ticket=draft.ticket,
        ticket_message=draft.ticket_message,
        kind=draft.kind,
        to=address,
        subject=" ".join(draft.subject.split())[:300],
        body=draft.body,
        message_id=new_message_id(),
    )
    if draft.ticket is not None:
        row.subject = subject_for(draft.ticket, row.subject)
        root = thread_root_id(draft.ticket.pk)
        latest = threads.get(draft.ticket.pk, "")
        row.in_reply_to = latest or root
        row.references = " ".join(f"<{i}>" for i in dict.fromkeys([root, latest]) if i)
    return row


def _save_rows(drafts: Sequence[Draft], rows: list[OutboundMail | None]) -> None:
    """Write the rows, give copied replies their Message-ID, send after commit."""
    kept = [row for row in rows if row is not None]
    if not kept:
        return
    with transaction.atomic():
        OutboundMail.objects.bulk_create(kept)
        for draft, row in zip(drafts, rows, strict=True):
            message = draft.ticket_message
            if row is None or message is None or message.kind != TicketMessage.Kind.REPLY:
                continue
            if not message.message_id:
                message.message_id = row.message_id
                TicketMessage.objects.filter(pk=message.pk, message_id="").update(
                    message_id=row.message_id
                )
    message_ids = [row.message_id for row in kept]
    transaction.on_commit(lambda: _enqueue_sending(message_ids))


def _enqueue_sending(message_ids: list[str]) -> None:
    # bulk_create fills primary keys on PostgreSQL and SQLite alike, but reading them
    # back by Message-ID keeps this independent of the backend.
    from hatrack.servicedesk.tasks.mail import send_outbound_mail

    for pk in OutboundMail.objects.filter(message_id__in=message_ids).values_list("pk", flat=True):
        send_outbound_mail.enqueue(pk)


# --- Sending -----------------------------------------------------------------------------


def send_outbound(outbound_id: int) -> str:
    """Send one queued or failed mail by SMTP; returns its status afterwards.

    Idempotent: a sent row is not sent again. Each try claims the row by moving its
    `attempts` counter forward with a conditional UPDATE, so two workers handed the same
    row send it once. A failure is recorded (status failed, last_error) for the sweep.
    The SMTP conversation runs outside any transaction, so no lock is held meanwhile.
    """
    row = OutboundMail.objects.select_related("ticket__queue").filter(pk=outbound_id).first()
    if row is None:
        return "missing"
    if row.status == OutboundMail.Status.SENT:
        return row.status
    claimed = OutboundMail.objects.filter(
        pk=row.pk, attempts=row.attempts, status=row.status
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return "claimed elsewhere"
    try:
        email_for(row).send(fail_silently=False)
    except Exception as exc:  # any failure of the mail server or the network is recorded
        logger.warning("Sending outbound mail %s failed: %s", row.pk, exc)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        OutboundMail.objects.filter(pk=row.pk).update(
            status=OutboundMail.Status.FAILED, last_error=error
        )
        return OutboundMail.Status.FAILED
    OutboundMail.objects.filter(pk=row.pk).update(
        status=OutboundMail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return OutboundMail.Status.SENT


def email_for(row: OutboundMail) -> EmailMessage:
    """The message as it goes out: our headers, the queue's address to reply to."""
    headers = {
        "Message-ID": f"<{row.message_id}>",
        # RFC 3834: a robot wrote this; other robots (autoresponders, help desks) must
        # not answer it. Exchange honours its own header for the same purpose.
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if row.in_reply_to:
        headers["In-Reply-To"] = f"<{row.in_reply_to}>"
    if row.references:
        headers["References"] = row.references
    reply_to = []
    if row.ticket is not None and row.ticket.queue.email:
        reply_to = [row.ticket.queue.email]
    return EmailMessage(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        reply_to=reply_to,
        headers=headers,
        connection=get_connection(fail_silently=False),
    )


def mail_to_retry() -> list[int]:
    """Ids the sweep hands back to the workers: failed mail with tries left, and queued
    mail whose send task was lost (older than STALE_QUEUED_AFTER)."""
    current = timezone.now()
    due = Q(status=OutboundMail.Status.FAILED, attempts__lt=MAX_ATTEMPTS) | Q(
        status=OutboundMail.Status.QUEUED, created_at__lt=current - STALE_QUEUED_AFTER
    )
    return list(
        OutboundMail.objects.filter(due)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def retry_failed_mail() -> int:
    """Enqueue a send for each mail due a retry (see mail_to_retry); returns how many."""
    from hatrack.servicedesk.tasks.mail import send_outbound_mail

    ids = mail_to_retry()
    for pk in ids:
        send_outbound_mail.enqueue(pk)
    return len(ids)
