"""Sending queued mail by SMTP to a real server on loopback: headers, retries, failures."""

import pytest
from django_tasks_db.models import DBTaskResult

from hatrack.servicedesk.mail.outbound import (
    MAX_ATTEMPTS,
    mail_to_retry,
    queue_mail,
    retry_failed_mail,
)
from hatrack.servicedesk.models import OutboundMail, TicketMessage
from hatrack.servicedesk.tasks.mail import send_outbound_mail
from hatrack.servicedesk.tests.loopback_smtp import serve_smtp

pytestmark = pytest.mark.django_db

Status = OutboundMail.Status


@pytest.fixture
def inbox(settings):
    settings.DEFAULT_FROM_EMAIL = "Help desk <help@maplevalley.example.org>"
    with serve_smtp(settings) as server:
        yield server


@pytest.fixture
def mail(ticket):
    TicketMessage.objects.create(ticket=ticket, body="Help", message_id="q1@school.example.org")
    return queue_mail(
        to="teacher@maplevalley.example.org",
        kind=OutboundMail.Kind.REPLY,
        subject=f"Re: {ticket.subject}",
        body="We are on our way with a spare lamp.",
        ticket=ticket,
    )


def test_a_sent_mail_arrives_with_its_threading_headers(inbox, mail, ticket):
    assert send_outbound_mail.call(mail.pk) == Status.SENT
    [received] = inbox.messages
    root = f"<ticket-{ticket.pk}@maplevalley.example.org>"
    assert received["Message-ID"] == f"<{mail.message_id}>"
    assert received["In-Reply-To"] == "<q1@school.example.org>"
    assert received["References"] == f"{root} <q1@school.example.org>"
    assert received["Subject"] == f"[{ticket.reference}] Re: {ticket.subject}"
    assert received["To"] == "teacher@maplevalley.example.org"
    assert received["From"] == "Help desk <help@maplevalley.example.org>"


def test_a_sent_mail_says_a_robot_wrote_it(inbox, mail):
    send_outbound_mail.call(mail.pk)
    [received] = inbox.messages
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["X-Auto-Response-Suppress"] == "All"


def test_a_sent_mail_carries_its_body(inbox, mail):
    send_outbound_mail.call(mail.pk)
    assert inbox.messages[0].get_content().strip() == "We are on our way with a spare lamp."


def test_replies_go_to_the_queues_address_when_it_has_one(inbox, mail, ticket):
    ticket.queue.email = "help@maplevalley.example.org"
    ticket.queue.save()
    send_outbound_mail.call(mail.pk)
    assert inbox.messages[0]["Reply-To"] == "help@maplevalley.example.org"


def test_without_a_queue_address_there_is_no_reply_to(inbox, mail):
    send_outbound_mail.call(mail.pk)
    assert inbox.messages[0]["Reply-To"] is None


def test_sending_records_when_the_mail_went_out(inbox, mail):
    send_outbound_mail.call(mail.pk)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == (Status.SENT, 1, "")
    assert mail.sent_at is not None


def test_a_sent_mail_is_not_sent_twice(inbox, mail):
    send_outbound_mail.call(mail.pk)
    assert send_outbound_mail.call(mail.pk) == Status.SENT
    assert len(inbox.messages) == 1


def test_sending_a_mail_that_no_longer_exists_does_nothing(inbox):
    assert send_outbound_mail.call(123456) == "missing"
    assert inbox.messages == []


def test_a_refused_mail_is_recorded_as_failed_with_the_servers_words(inbox, mail):
    inbox.refuse = "451 4.3.0 Mailbox busy, try again later"
    assert send_outbound_mail.call(mail.pk) == Status.FAILED
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (Status.FAILED, 1)
    assert "Mailbox busy" in mail.last_error
    assert inbox.messages == []


def test_an_unreachable_server_is_recorded_as_failed(settings, mail, ticket):
    with serve_smtp(settings) as inbox:
        pass  # stopped: nothing listens on its port any more
    assert send_outbound_mail.call(mail.pk) == Status.FAILED
    mail.refresh_from_db()
    assert mail.last_error
    assert inbox.messages == []


def test_the_sweep_retries_a_failed_mail_until_it_goes_out(inbox, mail):
    inbox.refuse = "451 4.3.0 Try again later"
    send_outbound_mail.call(mail.pk)
    inbox.refuse = ""
    assert retry_failed_mail() == 1
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [mail.pk]
    assert send_outbound_mail.call(mail.pk) == Status.SENT
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == (Status.SENT, 2, "")
    assert len(inbox.messages) == 1


def test_the_sweep_gives_up_after_the_last_attempt(mail):
    OutboundMail.objects.filter(pk=mail.pk).update(status=Status.FAILED, attempts=MAX_ATTEMPTS)
    assert mail_to_retry() == []


def test_the_sweep_leaves_sent_and_freshly_queued_mail_alone(mail, ticket):
    sent = queue_mail(to="a@example.org", kind="reply", subject="S", body="B", ticket=ticket)
    OutboundMail.objects.filter(pk=sent.pk).update(status=Status.SENT)
    assert mail_to_retry() == []


def test_the_sweep_picks_up_queued_mail_whose_send_was_lost(mail):
    import datetime

    from django.utils import timezone

    long_ago = timezone.now() - datetime.timedelta(hours=2)
    OutboundMail.objects.filter(pk=mail.pk).update(created_at=long_ago)
    assert mail_to_retry() == [mail.pk]


def test_the_sweep_is_a_periodic_job():
    from hatrack.core.schedule import JOBS

    job = JOBS["servicedesk.retry_outbound_mail"]
    assert job.seconds == 300
    assert job.task.name == "retry_outbound_mail"
