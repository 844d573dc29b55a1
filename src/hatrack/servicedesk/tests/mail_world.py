"""The district the mail tests write to: its domain, a teacher who mails the desk, and
the tickets the corpus's replies continue (numbers the corpus names in its headers)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from hatrack.directory.models import District, Person
from hatrack.directory.tests.factories import make_person
from hatrack.servicedesk.models import Queue, Ticket, TicketMessage
from hatrack.servicedesk.tests.factories import make_ticket

CORPUS = Path(__file__).parent / "data" / "mail"
DOMAIN = "lincoln-usd.org"
# Small limits so the corpus's "too big" files stay small in the repository.
MAX_MESSAGE_BYTES = 100_000
MAX_ATTACHMENT_BYTES = 32_000


@dataclass
class MailWorld:
    queue: Queue
    jane: Person
    projector: Ticket  # HT-000123, continued by subject reference
    wifi: Ticket  # HT-000124, continued through its root id <ticket-124@…>
    camera: Ticket  # HT-000125, closed: a reply opens a follow-up
    printer: Ticket  # HT-000126, continued through a stored Message-ID


def corpus() -> list[Path]:
    return sorted(CORPUS.glob("*.eml"))


def make_mail_world(queue: Queue) -> MailWorld:
    District.objects.create(name="Lincoln USD", state="NE", email_domains=DOMAIN)
    queue.email = f"help@{DOMAIN}"
    queue.save()
    # Mixed case on purpose: senders are matched case-insensitively.
    jane = make_person(
        given_name="Jane", family_name="Teacher", email=f"Jane.Teacher@{DOMAIN}", role="teacher"
    )

    def ticket(number: int, subject: str, **extra: object) -> Ticket:
        return make_ticket(pk=number, queue=queue, requester=jane, subject=subject, **extra)

    printer = ticket(126, "Printer on the second floor jams")
    TicketMessage.objects.create(
        ticket=printer, body="Does it still jam?", message_id="reply-thread-1@hatrack.test"
    )
    now = timezone.now()
    world = MailWorld(
        queue=queue,
        jane=jane,
        projector=ticket(123, "Projector in room 12 is dark"),
        wifi=ticket(124, "Wi-Fi in the library"),
        camera=ticket(125, "Document camera", status="closed", closed_at=now, resolved_at=now),
        printer=printer,
    )
    # Tickets were made with chosen numbers; on PostgreSQL the identity sequence does not
    # know, and the next ticket intake opens would take one of them.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Ticket]):
            cursor.execute(statement)
    return world
