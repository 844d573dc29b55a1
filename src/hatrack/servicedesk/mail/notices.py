"""What intake tells a sender whose mail was not accepted, and how it names new tickets.

A notice goes only to a person who wrote (never to automatic mail, which intake ignores
before any rule that could refuse it) and is queued through the outbound mail service,
which also caps how much mail one address gets in an hour.
"""

from __future__ import annotations

import re

from hatrack.servicedesk.mail.outbound import queue_mail
from hatrack.servicedesk.mail.parse import ParsedMail
from hatrack.servicedesk.models import OutboundMail, Ticket
from hatrack.servicedesk.models.tickets import REFERENCE_PATTERN

SUBJECT_LIMIT = 200
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def tell_sender(parsed: ParsedMail, reason: str) -> None:
    """Queue a notice to the sender saying why their message was not accepted."""
    if not parsed.sender:
        return
    subject = parsed.subject or "(no subject)"
    body = (
        "Your message to the service desk was not accepted, so no ticket was opened "
        "or updated.\n\n"
        f"Subject: {subject}\n"
        f"Reason: {reason}\n\n"
        "Please send it again without the problem, or use the help portal."
    )
    queue_mail(
        to=parsed.sender,
        kind=OutboundMail.Kind.REJECTED,
        subject=f"Not accepted: {subject}"[:300],
        body=body,
    )


def ticket_subject(subject: str, previous: Ticket | None) -> str:
    """A new ticket's subject from a mail subject: '(no subject)' when empty, shortened
    to fit; for a follow-up to a closed ticket, without the old reference and 'Re:'."""
    text = " ".join(subject.split())
    if previous is not None:
        text = REFERENCE_PATTERN.sub("", text).replace("[]", "")
        text = _REPLY_PREFIX.sub("", " ".join(text.split()))
    text = text.strip() or "(no subject)"
    if len(text) > SUBJECT_LIMIT:
        text = text[: SUBJECT_LIMIT - 1].rstrip() + "…"
    return text
