"""queue_mail: what it stores, how it threads, and when it stores nothing."""

import pytest
from django_tasks_db.models import DBTaskResult

from hatrack.servicedesk.mail.outbound import queue_mail, thread_root_id
from hatrack.servicedesk.models import OutboundMail, Ticket, TicketMessage

pytestmark = pytest.mark.django_db

Kind = OutboundMail.Kind


@pytest.fixture(autouse=True)
def our_domain(settings):
    settings.DEFAULT_FROM_EMAIL = "Help desk <help@maplevalley.example.org>"


def queue_reply(ticket: Ticket, **overrides) -> OutboundMail | None:
    values = {
        "to": "teacher@maplevalley.example.org",
        "kind": Kind.REPLY,
        "subject": f"Re: {ticket.subject}",
        "body": "We are on our way.",
        "ticket": ticket,
    }
    values.update(overrides)
    return queue_mail(**values)


def test_a_queued_mail_has_its_own_message_id_in_our_domain(ticket):
    first, second = queue_reply(ticket), queue_reply(ticket)
    assert first.message_id.endswith("@maplevalley.example.org")
    assert first.message_id != second.message_id
    assert first.status == OutboundMail.Status.QUEUED


def test_mail_about_a_ticket_refers_to_the_tickets_root_id(ticket):
    mail = queue_reply(ticket)
    root = f"ticket-{ticket.pk}@maplevalley.example.org"
    assert thread_root_id(ticket.pk) == root
    assert mail.in_reply_to == root
    assert mail.references == f"<{root}>"


def test_mail_about_a_ticket_answers_the_latest_message_of_its_thread(ticket):
    TicketMessage.objects.create(ticket=ticket, body="Old", message_id="old@school.example.org")
    TicketMessage.objects.create(ticket=ticket, body="New", message_id="new@school.example.org")
    TicketMessage.objects.create(ticket=ticket, body="Note", kind=TicketMessage.Kind.NOTE)
    mail = queue_reply(ticket)
    assert mail.in_reply_to == "new@school.example.org"
    assert mail.references == (
        f"<ticket-{ticket.pk}@maplevalley.example.org> <new@school.example.org>"
    )


def test_the_subject_carries_the_ticket_reference_once(ticket):
    assert queue_reply(ticket).subject == f"[{ticket.reference}] Re: {ticket.subject}"
    already = queue_reply(ticket, subject=f"Re: [{ticket.reference}] Dark projector")
    assert already.subject == f"Re: [{ticket.reference}] Dark projector"


def test_mail_without_a_ticket_has_no_thread(db):
    mail = queue_mail(to="a@example.org", kind=Kind.REJECTED, subject="Too big", body="Sorry")
    assert (mail.in_reply_to, mail.references, mail.subject) == ("", "", "Too big")


def test_the_copy_of_a_public_reply_gives_the_reply_its_message_id(ticket):
    reply = TicketMessage.objects.create(ticket=ticket, body="On our way.")
    mail = queue_reply(ticket, ticket_message=reply)
    reply.refresh_from_db()
    assert reply.message_id == mail.message_id


def test_a_reply_that_came_by_mail_keeps_its_own_message_id(ticket):
    reply = TicketMessage.objects.create(ticket=ticket, body="Hi", message_id="in@school.org")
    queue_reply(ticket, ticket_message=reply)
    reply.refresh_from_db()
    assert reply.message_id == "in@school.org"


@pytest.mark.parametrize("address", ["", "   ", "not an address", "a@b@c", "x" * 330 + "@a.org"])
def test_mail_to_an_empty_or_malformed_address_is_suppressed(ticket, address):
    assert queue_reply(ticket, to=address) is None
    assert not OutboundMail.objects.exists()


def test_addresses_are_stored_case_folded(ticket):
    assert queue_reply(ticket, to="  Teacher@MapleValley.example.org ").to == (
        "teacher@maplevalley.example.org"
    )


def test_mail_past_the_hourly_limit_to_one_address_is_suppressed(ticket, settings):
    settings.HATRACK_MAIL_HOURLY_LIMIT = 3
    sent = [queue_reply(ticket, to="Loop@robot.example.org") for _ in range(5)]
    assert [m is not None for m in sent] == [True, True, True, False, False]
    assert OutboundMail.objects.filter(to="loop@robot.example.org").count() == 3
    assert queue_reply(ticket, to="someone.else@robot.example.org") is not None


def test_the_hourly_limit_defaults_to_thirty(ticket):
    sent = [queue_reply(ticket) for _ in range(31)]
    assert sum(m is not None for m in sent) == 30


def test_mail_from_more_than_an_hour_ago_does_not_count_towards_the_limit(ticket, settings):
    import time_machine

    settings.HATRACK_MAIL_HOURLY_LIMIT = 1
    with time_machine.travel("2026-03-02 08:00Z", tick=False):
        assert queue_reply(ticket) is not None
        assert queue_reply(ticket) is None
    with time_machine.travel("2026-03-02 09:01Z", tick=False):
        assert queue_reply(ticket) is not None


def test_an_unknown_kind_is_a_programming_error(ticket):
    with pytest.raises(ValueError, match="kind"):
        queue_reply(ticket, kind="gossip")


def test_sending_is_queued_only_when_the_transaction_commits(
    ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mail = queue_reply(ticket)
        assert not DBTaskResult.objects.exists()
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("send_outbound_mail")
    assert task.args_kwargs["args"] == [mail.pk]
