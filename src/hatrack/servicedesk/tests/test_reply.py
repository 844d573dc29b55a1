import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hatrack.core.models import AuditEntry
from hatrack.servicedesk.models import Ticket, TicketMessage
from hatrack.servicedesk.services import reply_to_ticket

Status = Ticket.Status


def set_state(ticket, **values):
    Ticket.objects.filter(pk=ticket.pk).update(**values)
    ticket.refresh_from_db()


def test_a_technicians_first_public_reply_opens_a_new_ticket(ticket, technician):
    reply_to_ticket(ticket=ticket, body="On my way.", by=technician)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.first_response_at is not None


def test_first_response_time_is_set_only_once(ticket, technician):
    reply_to_ticket(ticket=ticket, body="On my way.", by=technician)
    ticket.refresh_from_db()
    first = ticket.first_response_at
    reply_to_ticket(ticket=ticket, body="Fixed the cable.", by=technician)
    ticket.refresh_from_db()
    assert ticket.first_response_at == first


def test_the_requesters_own_reply_is_no_first_response(ticket, asker):
    reply_to_ticket(ticket=ticket, body="Also the sound is off.", by=asker)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.status == Status.NEW


def test_an_internal_note_changes_neither_status_nor_first_response(ticket, technician):
    message = reply_to_ticket(ticket=ticket, body="Lamp is EOL.", by=technician, internal=True)
    ticket.refresh_from_db()
    assert message.kind == TicketMessage.Kind.NOTE
    assert (ticket.status, ticket.first_response_at) == (Status.NEW, None)


def test_staff_cannot_write_an_internal_note(ticket, asker):
    with pytest.raises(ValidationError, match="internal notes"):
        reply_to_ticket(ticket=ticket, body="Psst", by=asker, internal=True)
    assert not TicketMessage.objects.exists()


def test_a_viewer_cannot_reply(ticket, viewer):
    with pytest.raises(ValidationError, match="Only the requester and technicians"):
        reply_to_ticket(ticket=ticket, body="Hello", by=viewer)


def test_another_staff_member_cannot_reply_to_someone_elses_ticket(ticket):
    from hatrack.conftest import make_user

    other = make_user("staff", username="other-staff")
    with pytest.raises(ValidationError, match="Only the requester and technicians"):
        reply_to_ticket(ticket=ticket, body="Me too", by=other)


def test_an_empty_reply_is_refused(ticket, technician):
    with pytest.raises(ValidationError, match="Write a message"):
        reply_to_ticket(ticket=ticket, body="  \n ", by=technician)


def test_a_requesters_reply_moves_a_ticket_waiting_on_them_back_to_open(ticket, asker):
    set_state(ticket, status=Status.WAITING_ON_REQUESTER)
    reply_to_ticket(ticket=ticket, body="Here is the serial.", by=asker)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_technicians_reply_leaves_a_ticket_waiting_on_the_requester(ticket, technician):
    set_state(ticket, status=Status.WAITING_ON_REQUESTER)
    reply_to_ticket(ticket=ticket, body="Any news?", by=technician)
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_ON_REQUESTER


def test_a_requesters_reply_reopens_a_recently_resolved_ticket(ticket, asker):
    set_state(
        ticket, status=Status.RESOLVED, resolved_at=timezone.now() - datetime.timedelta(days=2)
    )
    reply_to_ticket(ticket=ticket, body="It is dark again.", by=asker)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.resolved_at is None


def test_a_reply_long_after_resolution_is_refused_with_a_code(ticket, asker):
    set_state(
        ticket, status=Status.RESOLVED, resolved_at=timezone.now() - datetime.timedelta(days=8)
    )
    with pytest.raises(ValidationError, match="more than 7 days ago") as refused:
        reply_to_ticket(ticket=ticket, body="It is dark again.", by=asker)
    assert refused.value.error_list[0].code == "reopen_window_passed"
    assert not TicketMessage.objects.exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_the_reopen_window_follows_the_setting(ticket, asker, settings):
    settings.SERVICEDESK_REOPEN_DAYS = 30
    set_state(
        ticket, status=Status.RESOLVED, resolved_at=timezone.now() - datetime.timedelta(days=20)
    )
    reply_to_ticket(ticket=ticket, body="It is dark again.", by=asker)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_replies_on_a_closed_ticket_are_refused(ticket, technician, leader):
    set_state(ticket, status=Status.CLOSED, closed_at=timezone.now())
    for user in (technician, leader):
        with pytest.raises(ValidationError, match="is closed and takes no more replies"):
            reply_to_ticket(ticket=ticket, body="Hello?", by=user)
    assert not TicketMessage.objects.exists()


def test_a_reply_is_audited_on_the_ticket(ticket, technician):
    message = reply_to_ticket(ticket=ticket, body="On my way.", by=technician)
    entries = AuditEntry.objects.filter(object_id=str(ticket.pk), actor=technician)
    assert {e.summary for e in entries} >= {"Reply added"}
    assert any(e.changes.get("message") == message.pk for e in entries)
    assert any(e.changes.get("status") == ["new", "open"] for e in entries)


def test_a_reply_moves_the_ticket_up_its_queue(ticket, technician):
    set_state(ticket, updated_at=timezone.now() - datetime.timedelta(days=1))
    before = ticket.updated_at
    reply_to_ticket(ticket=ticket, body="On my way.", by=technician)
    ticket.refresh_from_db()
    assert ticket.updated_at > before
