"""Who hears of a ticket's life by mail: received, replied, resolved (through the services,
delivered to a real SMTP server on loopback)."""

import datetime

import pytest
import time_machine

from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_district, make_person
from hatrack.servicedesk import services
from hatrack.servicedesk.mail.outbound import send_outbound
from hatrack.servicedesk.models import OutboundMail, Ticket, TicketMessage
from hatrack.servicedesk.tests.factories import make_ticket
from hatrack.servicedesk.tests.loopback_smtp import serve_smtp

pytestmark = pytest.mark.django_db

TEACHER = "m.alvarez@maplevalley.example.org"


@pytest.fixture
def inbox(settings):
    settings.DEFAULT_FROM_EMAIL = "Help desk <help@maplevalley.example.org>"
    settings.HATRACK_BASE_URL = "https://hatrack.maplevalley.example.org/"
    with serve_smtp(settings) as server:
        yield server


@pytest.fixture
def teacher(teacher):
    teacher.email = TEACHER
    teacher.save()
    return teacher


def deliver() -> None:
    """What the workers do once the change commits: send every queued mail."""
    for pk in OutboundMail.objects.filter(status="queued").values_list("pk", flat=True):
        send_outbound(pk)


def test_opening_a_ticket_tells_the_requester_its_reference(inbox, queue, teacher, asker):
    ticket = services.open_ticket(
        queue=queue, subject="Projector is dark", description="", requester=teacher, by=asker
    )
    deliver()
    [received] = inbox.messages
    assert received["To"] == TEACHER
    assert received["Subject"] == f"[{ticket.reference}] Received: Projector is dark"
    body = received.get_content()
    assert f"reference {ticket.reference}" in body
    assert f"keep [{ticket.reference}] in the subject" in body
    assert received["References"] == f"<ticket-{ticket.pk}@maplevalley.example.org>"


def test_the_notice_of_a_new_ticket_links_to_it_in_the_portal(inbox, queue, teacher, asker):
    ticket = services.open_ticket(
        queue=queue, subject="Projector is dark", description="", requester=teacher, by=asker
    )
    deliver()
    link = f"https://hatrack.maplevalley.example.org/help/tickets/{ticket.pk}/"
    assert link in inbox.messages[0].get_content()


def test_times_in_mail_are_the_districts_time(inbox, queue, teacher, asker):
    make_district(time_zone="America/Los_Angeles")
    with time_machine.travel(datetime.datetime(2026, 3, 3, 17, 14, tzinfo=datetime.UTC)):
        services.open_ticket(
            queue=queue, subject="Printer", description="", requester=teacher, by=asker
        )
    deliver()
    assert "Tuesday, March 3, 2026 at 9:14 AM PST" in inbox.messages[0].get_content()


def test_a_technicians_reply_goes_to_the_requester_threaded(inbox, ticket, technician, teacher):
    TicketMessage.objects.create(ticket=ticket, body="Help", message_id="ask@school.org")
    reply = services.reply_to_ticket(ticket=ticket, body="Bringing a lamp at 2.", by=technician)
    deliver()
    [received] = inbox.messages
    assert received["To"] == TEACHER
    assert received["Subject"] == f"Re: [{ticket.reference}] {ticket.subject}"
    assert "Bringing a lamp at 2." in received.get_content()
    assert received["In-Reply-To"] == "<ask@school.org>"
    reply.refresh_from_db()
    assert received["Message-ID"] == f"<{reply.message_id}>"


def test_an_internal_note_mails_no_one(inbox, ticket, technician, teacher):
    ticket.assignee = technician
    ticket.save()
    services.reply_to_ticket(
        ticket=ticket, body="Lamp is on back order.", by=technician, internal=True
    )
    deliver()
    assert not OutboundMail.objects.exists()
    assert inbox.messages == []


def test_the_requesters_reply_goes_to_the_assignee(inbox, ticket, technician, asker):
    ticket.assignee = technician
    ticket.save()
    services.reply_to_ticket(ticket=ticket, body="Still dark after lunch.", by=asker)
    deliver()
    [received] = inbox.messages
    assert received["To"] == technician.email
    assert "Still dark after lunch." in received.get_content()


def test_the_requesters_reply_on_an_unassigned_ticket_mails_no_one(inbox, ticket, asker):
    services.reply_to_ticket(ticket=ticket, body="Any news?", by=asker)
    deliver()
    assert inbox.messages == []


def test_resolving_tells_the_requester_where_to_rate_the_help(inbox, ticket, technician, teacher):
    services.set_ticket_status(ticket=ticket, status=Ticket.Status.RESOLVED, by=technician)
    deliver()
    [received] = inbox.messages
    assert received["Subject"] == f"[{ticket.reference}] Resolved: {ticket.subject}"
    body = received.get_content()
    assert f"https://hatrack.maplevalley.example.org/help/tickets/{ticket.pk}/" in body
    assert "within 7 days" in body


def test_other_status_changes_mail_no_one(inbox, ticket, technician, teacher):
    services.set_ticket_status(ticket=ticket, status=Ticket.Status.OPEN, by=technician)
    services.set_ticket_status(ticket=ticket, status=Ticket.Status.CLOSED, by=technician)
    assert not OutboundMail.objects.exists()


def test_resolving_many_tickets_tells_each_requester(inbox, queue, technician, teacher):
    other = make_person(role=Person.Role.TEACHER, email="j.chen@maplevalley.example.org")
    tickets = [
        make_ticket(queue=queue, requester=teacher),
        make_ticket(queue=queue, requester=other),
    ]
    services.bulk_set_status(tickets=tickets, status=Ticket.Status.RESOLVED, by=technician)
    deliver()
    assert sorted(m["To"] for m in inbox.messages) == ["j.chen@maplevalley.example.org", TEACHER]


def test_students_are_not_mailed_by_default(inbox, queue, technician):
    student = make_person(role=Person.Role.STUDENT, email="s123@students.example.org")
    ticket = make_ticket(queue=queue, requester=student)
    services.reply_to_ticket(ticket=ticket, body="Your Chromebook is ready.", by=technician)
    services.set_ticket_status(ticket=ticket, status=Ticket.Status.RESOLVED, by=technician)
    assert not OutboundMail.objects.exists()


def test_students_are_mailed_when_the_district_allows_it(inbox, queue, technician, settings):
    settings.HATRACK_MAIL_STUDENTS = True
    student = make_person(role=Person.Role.STUDENT, email="s123@students.example.org")
    ticket = make_ticket(queue=queue, requester=student)
    services.reply_to_ticket(ticket=ticket, body="Your Chromebook is ready.", by=technician)
    deliver()
    assert [m["To"] for m in inbox.messages] == ["s123@students.example.org"]


def test_a_requester_without_an_email_is_not_mailed(inbox, queue, technician):
    ticket = make_ticket(queue=queue, requester=make_person(role=Person.Role.AIDE, email=""))
    services.reply_to_ticket(ticket=ticket, body="Done.", by=technician)
    assert not OutboundMail.objects.exists()


def test_a_rolled_back_change_mails_no_one(inbox, ticket, technician, teacher):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.reply_to_ticket(ticket=ticket, body="Done.", by=technician)
        raise RuntimeError("the page failed after the reply")
    assert not OutboundMail.objects.exists()
