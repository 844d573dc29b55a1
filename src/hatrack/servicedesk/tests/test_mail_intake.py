"""Mail intake's rules, one behaviour each, through `ingest` and `hatrack ingest-mail`."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from hatrack.directory.models import Person
from hatrack.servicedesk.mail.intake import Delivery, ingest
from hatrack.servicedesk.models import InboundMail, OutboundMail, Ticket, TicketMessage
from hatrack.servicedesk.services import reply_to_ticket
from hatrack.servicedesk.tests.factories import make_queue
from hatrack.servicedesk.tests.mail_world import MailWorld, make_mail_world

JANE = "jane.teacher@lincoln-usd.org"


@pytest.fixture
def world(queue) -> MailWorld:
    return make_mail_world(queue)


def mail(subject="Help", body="Please help.", sender=JANE, extra="", mid=None) -> bytes:
    mid_line = f"Message-ID: <{mid}>\n" if mid else ""
    head = f"From: {sender}\nTo: help@lincoln-usd.org\nSubject: {subject}\n{mid_line}{extra}"
    return f"{head}\n{body}\n".encode()


def take(raw: bytes, world: MailWorld):
    return ingest(raw, delivery=Delivery("pipe", world.queue))


def test_the_same_message_twice_is_stored_once(world):
    first = take(mail(mid="once@x"), world)
    second = take(mail(mid="once@x"), world)
    assert (second.duplicate, second.mail.pk) == (True, first.mail.pk)
    assert Ticket.objects.filter(subject="Help").count() == 1


def test_a_message_without_message_id_is_deduplicated_by_its_bytes(world):
    take(mail(), world)
    assert take(mail(), world).duplicate
    assert not take(mail(body="Something else."), world).duplicate


def test_more_than_the_hourly_limit_from_one_address_is_ignored_as_a_loop(world, settings):
    settings.HATRACK_MAIL_LOOP_LIMIT = 3
    results = [take(mail(mid=f"loop-{n}@x", body=f"n{n}"), world).mail for n in range(5)]
    assert [r.outcome for r in results] == ["ticket_created"] * 3 + ["ignored"] * 2
    assert results[-1].reason.startswith("mail loop")


def test_more_than_the_hourly_limit_on_one_ticket_is_ignored_as_a_loop(world, settings):
    settings.HATRACK_MAIL_THREAD_LOOP_LIMIT = 2
    subject = f"Re: [{world.projector.reference}] Projector in room 12 is dark"
    results = [
        take(mail(subject=subject, mid=f"thread-{n}@x", body=f"n{n}"), world).mail for n in range(4)
    ]
    assert [r.outcome for r in results] == ["reply_added"] * 2 + ["ignored"] * 2
    assert results[-1].reason == (
        f"mail loop: more than 2 messages on {world.projector.reference} in an hour"
    )


def test_an_auto_reply_is_ignored_and_never_answered(world):
    result = take(mail(extra="Auto-Submitted: auto-replied\n"), world).mail
    assert (result.outcome, result.ticket) == ("ignored", None)
    assert not OutboundMail.objects.exists()


def test_a_message_over_the_limit_is_rejected_with_a_notice_to_the_sender(world, settings):
    settings.HATRACK_MAIL_MAX_BYTES = 1000
    result = take(mail(body="x" * 2000), world).mail
    assert result.outcome == "rejected"
    assert "too big" in result.reason
    notice = OutboundMail.objects.get()
    assert (notice.to, notice.kind) == (JANE, "rejected")
    assert not Ticket.objects.filter(subject="Help").exists()


def test_an_oversize_automatic_message_gets_no_notice(world, settings):
    settings.HATRACK_MAIL_MAX_BYTES = 1000
    take(mail(body="x" * 2000, extra="Precedence: bulk\n"), world)
    assert not OutboundMail.objects.exists()


def test_a_stranger_outside_the_district_is_rejected_without_a_notice(world):
    result = take(mail(sender="someone@example.com"), world).mail
    assert (result.outcome, result.reason) == (
        "rejected",
        "unknown sender outside the district's email domains",
    )
    assert not OutboundMail.objects.exists()
    assert not Person.objects.filter(email="someone@example.com").exists()


def test_an_unknown_sender_in_the_district_domain_becomes_a_staff_requester(world):
    result = take(mail(sender='"Doe, Sam" <sam.doe@lincoln-usd.org>'), world).mail
    person = result.ticket.requester
    assert (person.given_name, person.family_name, person.role) == ("Sam", "Doe", "staff")


def test_an_unknown_district_sender_cannot_reply_to_someone_elses_ticket(world):
    result = take(mail(subject="Re: [HT-000123] x", sender="sam.doe@lincoln-usd.org"), world)
    assert result.mail.outcome == "rejected"
    assert not Person.objects.filter(email="sam.doe@lincoln-usd.org").exists()


def test_a_technician_replying_by_mail_replies_as_their_account(world, technician):
    technician.person = Person.objects.create(
        given_name="Tess", family_name="Tech", email="tess@lincoln-usd.org", role="staff"
    )
    technician.save()
    result = take(mail(subject="Re: [HT-000123] x", sender="tess@lincoln-usd.org"), world)
    message = result.mail.ticket_message
    assert (message.author, result.mail.outcome) == (technician, "reply_added")
    world.projector.refresh_from_db()
    assert world.projector.first_response_at is not None


def test_a_reply_after_the_reopen_window_opens_a_new_ticket_naming_the_old(world):
    old = timezone.now() - datetime.timedelta(days=30)
    Ticket.objects.filter(pk=123).update(status="resolved", resolved_at=old)
    result = take(mail(subject="Re: [HT-000123] Projector", body="Dark again."), world).mail
    assert result.outcome == "ticket_created"
    assert result.ticket.pk != 123
    assert result.ticket.description.startswith("Follow-up to HT-000123")


def test_a_reply_to_a_merged_ticket_joins_the_ticket_it_was_merged_into(world):
    Ticket.objects.filter(pk=124).update(merged_into=world.projector, status="closed")
    result = take(mail(subject="Re: [HT-000124] Wi-Fi"), world).mail
    assert (result.outcome, result.ticket_id) == ("reply_added", 123)


def test_the_reply_keeps_the_new_words_and_the_message_id(world):
    body = "Fixed now, thanks!\n\n-----Original Message-----\nFrom: Help\nold text"
    result = take(mail(subject="RE: [HT-000123] x", body=body, mid="keep@x"), world).mail
    message = TicketMessage.objects.get(pk=result.ticket_message_id)
    assert (message.body, message.message_id, message.channel) == (
        "Fixed now, thanks!",
        "keep@x",
        "email",
    )


def test_a_requester_without_an_account_replies_as_their_directory_person(world):
    message = reply_to_ticket(
        ticket=world.projector, body="Still dark.", by=None, author_person=world.jane,
        channel="email", message_id="abc@x",
    )  # fmt: skip
    assert (message.author, message.author_person, message.message_id) == (
        None,
        world.jane,
        "abc@x",
    )


def test_a_person_who_is_not_the_requester_cannot_reply_without_an_account(world):
    other = Person.objects.create(given_name="O", family_name="P", role="staff")
    with pytest.raises(Exception, match="Only the requester and technicians"):
        reply_to_ticket(ticket=world.projector, body="Hi", by=None, author_person=other)


def test_a_reply_to_a_closed_ticket_is_refused_with_the_closed_code(world):
    with pytest.raises(Exception) as refused:
        reply_to_ticket(ticket=world.camera, body="Hi", by=None, author_person=world.jane)
    assert refused.value.code == "closed"


# --- hatrack ingest-mail ----------------------------------------------------------------


def run_command(raw: bytes, *args: str) -> str:
    out = io.StringIO()
    call_command("ingest_mail", *args, stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue()


def test_ingest_mail_routes_to_the_queue_the_mail_was_addressed_to(world):
    facilities = make_queue(name="Facilities", code="facilities", email="fix@lincoln-usd.org")
    raw = mail().replace(b"To: help@", b"To: fix@")
    assert run_command(raw).startswith("ticket_created HT-")
    assert Ticket.objects.get(subject="Help").queue == facilities


def test_ingest_mail_takes_the_queue_named_on_the_command_line(world):
    facilities = make_queue(name="Facilities", code="facilities")
    run_command(mail(), "--queue", "facilities")
    assert Ticket.objects.get(subject="Help").queue == facilities


def test_ingest_mail_prints_a_rejection_and_still_succeeds(world):
    assert run_command(mail(sender="x@example.com")).startswith("rejected (unknown sender")


def test_ingest_mail_says_when_a_message_was_seen_before(world):
    run_command(mail(mid="twice@x"))
    assert "seen before" in run_command(mail(mid="twice@x"))


def test_ingest_mail_fails_on_empty_input_and_records_nothing(world):
    with pytest.raises(CommandError, match="No message"):
        run_command(b"")
    assert not InboundMail.objects.exists()


def test_ingest_mail_refuses_an_unknown_queue(world):
    with pytest.raises(CommandError, match="No queue has the code"):
        run_command(mail(), "--queue", "nope")
