"""`hatrack ingest-mail`: take in one message piped on standard input.

For mail servers that deliver by pipe (Postfix `pipe`, procmail, a .forward): the
message goes through the same intake as IMAP mail and its one outcome is printed.
Exit status 0 means an outcome was recorded (a new ticket, a reply, or the message
ignored or rejected with a reason: the sender is told by mail where that is safe, so
the mail server must not bounce it too). 75 (EX_TEMPFAIL) means nothing could be
recorded, so the mail server keeps the message and tries again; 64 is a usage error.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from hatrack.servicedesk.mail.intake import Delivery, IntakeResult, ingest, max_message_bytes
from hatrack.servicedesk.mail.routing import queue_for, read_message
from hatrack.servicedesk.models import InboundMail, Mailbox, Queue

EX_USAGE = 64
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Take in one email message from standard input and print what became of it."
    # Tests hand the message in as a byte stream instead of the process's stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group()
        target.add_argument(
            "--queue", metavar="CODE", help="open new tickets in this queue (its code)"
        )
        target.add_argument(
            "--mailbox",
            metavar="NAME",
            help="record the message as this mailbox's mail, in its queue",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stream = options.get("stdin") or sys.stdin.buffer
        raw, size = read_message(stream, max_message_bytes())
        if not raw.strip():
            raise CommandError("No message on standard input.", returncode=EX_USAGE)
        delivery = self._delivery(options, raw)
        try:
            result = ingest(raw, delivery=delivery, size=size)
        except DatabaseError as error:
            raise CommandError(
                f"The message could not be recorded: {error}", returncode=EX_TEMPFAIL
            ) from error
        self.stdout.write(describe(result))

    def _delivery(self, options: dict[str, Any], raw: bytes) -> Delivery:
        source = InboundMail.Source.PIPE
        if options.get("mailbox"):
            mailbox = (
                Mailbox.objects.select_related("queue").filter(name=options["mailbox"]).first()
            )
            if mailbox is None:
                raise CommandError(
                    f"No mailbox is named {options['mailbox']!r}.", returncode=EX_USAGE
                )
            return Delivery(source, mailbox.queue, mailbox)
        if options.get("queue"):
            queue = Queue.objects.filter(code=options["queue"]).first()
            if queue is None:
                raise CommandError(
                    f"No queue has the code {options['queue']!r}.", returncode=EX_USAGE
                )
            return Delivery(source, queue)
        return Delivery(source, queue_for(raw))


def describe(result: IntakeResult) -> str:
    """One line: the outcome, the ticket it touched or the reason, and if seen before."""
    mail = result.mail
    parts = [mail.outcome]
    if mail.ticket_id is not None:
        parts.append(f"HT-{mail.ticket_id:06d}")
    if mail.reason:
        parts.append(f"({mail.reason})")
    if result.duplicate:
        parts.append(f"[seen before as inbound mail #{mail.pk}]")
    else:
        parts.append(f"[inbound mail #{mail.pk}]")
    return " ".join(parts)
