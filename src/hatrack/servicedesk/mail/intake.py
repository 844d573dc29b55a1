"""Taking in one message: the single path from raw bytes to exactly one recorded outcome.

`ingest(raw, delivery=...)` is what the IMAP poller and `hatrack ingest-mail` both call.
It writes exactly one `InboundMail` row per message identity, in the same transaction
as the ticket, reply, attachments, new requester or notice the message caused, so the
message counts either wholly or not at all. Seen again (same Message-ID, or the same
bytes when it has none), a message is a no-op that returns the first row.

The rules, in order (see `_decide`): automatic mail (auto-replies, bounces, list mail)
is ignored and never answered; a sender over the hourly limit is ignored as a mail loop;
a message over HATRACK_MAIL_MAX_BYTES, a message with a refused attachment, a message
without a sender or from outside the district's domains is rejected (with a notice to
the sender when that is safe); a message that continues a ticket becomes a reply on it,
or a new ticket naming the old one when the old one no longer takes replies; anything
else opens a new ticket in the delivery's queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from hatrack.servicedesk.mail import notices
from hatrack.servicedesk.mail.automatic import automatic_reason
from hatrack.servicedesk.mail.parse import ParsedMail, dedupe_key_for, parse_message
from hatrack.servicedesk.mail.senders import Sender, add_requester, identify
from hatrack.servicedesk.mail.text import trim_quoted
from hatrack.servicedesk.mail.threads import find_ticket
from hatrack.servicedesk.models import InboundMail, Mailbox, Queue, Ticket, TicketMessage
from hatrack.servicedesk.services.attachments import CheckedFile, add_attachment, check_attachments
from hatrack.servicedesk.services.tickets import open_ticket, reply_to_ticket

logger = logging.getLogger("hatrack.servicedesk.mail")

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_LOOP_LIMIT = 20
DEFAULT_THREAD_LOOP_LIMIT = 30
Outcome = InboundMail.Outcome
NO_TEXT = "(The message had no text.)"


def max_message_bytes() -> int:
    return int(getattr(settings, "HATRACK_MAIL_MAX_BYTES", DEFAULT_MAX_BYTES))


def thread_loop_limit() -> int:
    """Messages one ticket's thread may receive in an hour before the rest is ignored."""
    return int(getattr(settings, "HATRACK_MAIL_THREAD_LOOP_LIMIT", DEFAULT_THREAD_LOOP_LIMIT))


def loop_limit() -> int:
    """Messages one address may send in an hour before the rest is ignored as a loop."""
    return int(getattr(settings, "HATRACK_MAIL_LOOP_LIMIT", DEFAULT_LOOP_LIMIT))


@dataclass(frozen=True)
class Delivery:
    """Where a message came from: IMAP (with its mailbox and UID) or a pipe, and the
    queue its new tickets go to (the mailbox's, or the one ingest-mail chose)."""

    source: str
    queue: Queue | None
    mailbox: Mailbox | None = None
    imap_uid: int | None = None


@dataclass(frozen=True)
class IntakeResult:
    """The message's one recorded outcome; `duplicate` when it had been taken in before."""

    mail: InboundMail
    duplicate: bool = False


class _Refused(Exception):
    """Stops the decision with a rejection (`notify`: tell the sender why)."""

    def __init__(self, reason: str, *, notify: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.notify = notify


def ingest(raw: bytes, *, delivery: Delivery, size: int | None = None) -> IntakeResult:
    """Take in one message and record its one outcome (see the module's docstring).

    `raw` is the whole message, or only its header section when `size` (the whole
    message's size) says it is bigger: such a message is rejected as too big without
    its body ever being read. Idempotent per message identity. Never raises for
    anything in the message; raises only when the database cannot record an outcome.
    """
    parsed = parse_message(raw, size=size, headers_only=size is not None and size > len(raw))
    key = dedupe_key_for(raw, parsed.message_id)
    existing = InboundMail.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return IntakeResult(existing, duplicate=True)
    try:
        with transaction.atomic():
            return IntakeResult(_decide(parsed, key, delivery))
    except IntegrityError:
        # Another worker recorded the same message a moment ago: its outcome stands.
        existing = InboundMail.objects.filter(dedupe_key=key).first()
        if existing is None:
            raise
        return IntakeResult(existing, duplicate=True)
    except Exception:
        # A bug must not lose the message silently nor stop the mailbox: record it.
        logger.exception("Mail intake failed on message %s", key)
        with transaction.atomic():
            reason = "could not be processed (an internal error; see the server log)"
            return IntakeResult(_record(parsed, key, delivery, Outcome.REJECTED, reason))


def _record(
    parsed: ParsedMail,
    key: str,
    delivery: Delivery,
    outcome: str,
    reason: str = "",
    ticket: Ticket | None = None,
    message: TicketMessage | None = None,
) -> InboundMail:
    return InboundMail.objects.create(
        mailbox=delivery.mailbox,
        source=delivery.source,
        dedupe_key=key,
        message_id=parsed.message_id[:255],
        imap_uid=delivery.imap_uid,
        sender=parsed.sender[:320],
        subject=parsed.subject[:300],
        size=parsed.size,
        outcome=outcome,
        reason=reason[:300],
        ticket=ticket,
        ticket_message=message,
    )


def _decide(parsed: ParsedMail, key: str, delivery: Delivery) -> InboundMail:
    """Run the rules and write the outcome; runs inside the message's transaction."""
    ignored = automatic_reason(parsed) or _loop_reason(parsed)
    if ignored:
        return _record(parsed, key, delivery, Outcome.IGNORED, ignored)
    try:
        # A savepoint: a refusal late in the rules (a new requester made, then the
        # queue refused the ticket) leaves nothing of the attempt behind.
        with transaction.atomic():
            ticket, message = _accept(parsed, delivery)
    except _Refused as refusal:
        if refusal.notify:
            notices.tell_sender(parsed, refusal.reason)
        return _record(parsed, key, delivery, Outcome.REJECTED, refusal.reason)
    outcome = Outcome.REPLY_ADDED if message is not None else Outcome.TICKET_CREATED
    reason = "" if message is not None or not _is_reply(parsed) else "follow-up"
    return _record(parsed, key, delivery, outcome, reason, ticket, message)


def _is_reply(parsed: ParsedMail) -> bool:
    return bool(parsed.thread_ids) or parsed.subject.lower().startswith(("re:", "aw:", "sv:"))


def _loop_reason(parsed: ParsedMail) -> str | None:
    """A loop by address (one robot writing fast) or by thread (robots behind several
    addresses answering each other on one ticket)."""
    if not parsed.sender:
        return None
    since = timezone.now() - timedelta(hours=1)
    recent = InboundMail.objects.filter(sender=parsed.sender, received_at__gte=since).count()
    if recent >= loop_limit():
        return f"mail loop: more than {loop_limit()} messages from this address in an hour"
    ticket = find_ticket(parsed)
    if ticket is not None:
        on_thread = InboundMail.objects.filter(ticket=ticket, received_at__gte=since).count()
        if on_thread >= thread_loop_limit():
            return (
                f"mail loop: more than {thread_loop_limit()} messages on "
                f"{ticket.reference} in an hour"
            )
    return None


def _checked_files(parsed: ParsedMail) -> list[CheckedFile]:
    if not parsed.files:
        return []
    try:
        return check_attachments([(f.filename, f.content, f.declared_type) for f in parsed.files])
    except ValidationError as error:
        raise _Refused("attachment refused: " + " ".join(error.messages), notify=True) from error


def _check_acceptable(parsed: ParsedMail, delivery: Delivery) -> tuple[Queue, Sender]:
    if parsed.size > max_message_bytes():
        raise _Refused(
            f"message too big: {filesizeformat(parsed.size)}, the limit is "
            f"{filesizeformat(max_message_bytes())}",
            notify=bool(parsed.sender),
        )
    if not parsed.sender:
        raise _Refused("no sender address (From)", notify=False)
    if delivery.queue is None:
        raise _Refused("no active queue takes mail", notify=False)
    sender = identify(parsed.sender, parsed.sender_name)
    if not sender.known and not sender.may_join:
        # No notice: answering strangers would make us a source of backscatter spam.
        raise _Refused("unknown sender outside the district's email domains", notify=False)
    return delivery.queue, sender


def _accept(parsed: ParsedMail, delivery: Delivery) -> tuple[Ticket, TicketMessage | None]:
    """The ticket (and reply, for a continued thread) the message becomes; or _Refused."""
    queue, sender = _check_acceptable(parsed, delivery)
    files = _checked_files(parsed)
    previous = find_ticket(parsed)
    if previous is not None:
        if not sender.known:
            raise _Refused(f"only the requester can reply to {previous.reference}", notify=True)
        try:
            message = _reply(parsed, sender, previous)
        except ValidationError as error:
            if error.code not in {"reopen_window_passed", "closed"}:
                raise _Refused(" ".join(error.messages), notify=True) from error
        else:
            _attach(previous, message, files, sender)
            return previous, message
    ticket = _open(parsed, sender, queue, previous)
    _attach(ticket, None, files, sender)
    return ticket, None


def _reply(parsed: ParsedMail, sender: Sender, ticket: Ticket) -> TicketMessage:
    return reply_to_ticket(
        ticket=ticket,
        body=trim_quoted(parsed.text) or NO_TEXT,
        by=sender.user,
        author_person=sender.person,
        channel=Ticket.Channel.EMAIL,
        message_id=parsed.message_id,
    )


def _open(parsed: ParsedMail, sender: Sender, queue: Queue, previous: Ticket | None) -> Ticket:
    person = sender.person
    try:
        if person is None:
            person = add_requester(sender)
        description = parsed.text
        if previous is not None:
            description = f"Follow-up to {previous.reference}, which is closed.\n\n{description}"
        return open_ticket(
            queue=queue,
            subject=notices.ticket_subject(parsed.subject, previous),
            description=description,
            requester=person,
            by=sender.user,
            channel=Ticket.Channel.EMAIL,
        )
    except ValidationError as error:
        raise _Refused(" ".join(error.messages), notify=True) from error


def _attach(
    ticket: Ticket, message: TicketMessage | None, files: list[CheckedFile], sender: Sender
) -> None:
    for checked in files:
        add_attachment(ticket=ticket, message=message, checked=checked, by=sender.user)
