"""Splitting a message off a ticket into a new ticket."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hatrack.core.audit import history_of
from hatrack.servicedesk.models import Ticket, TicketMessage
from hatrack.servicedesk.services import reply_to_ticket
from hatrack.servicedesk.services.split import split_message


@pytest.fixture
def second_request(ticket, asker):
    return reply_to_ticket(ticket=ticket, body="Also, my badge does not open room 4.", by=asker)


def test_a_split_moves_the_message_to_a_new_ticket_for_the_same_requester(
    technician, ticket, second_request
):
    new = split_message(message=second_request, by=technician, subject="Badge for room 4")
    second_request.refresh_from_db()
    assert second_request.ticket == new
    assert (new.requester, new.queue, new.site) == (ticket.requester, ticket.queue, ticket.site)
    assert new.subject == "Badge for room 4"
    assert new.description == second_request.body


def test_a_split_leaves_an_event_on_both_tickets(technician, ticket, second_request):
    new = split_message(message=second_request, by=technician)
    assert ticket.messages.filter(body=f"A message was split off into {new.reference}.").exists()
    assert new.messages.filter(body=f"Split from {ticket.reference}.").exists()
    assert new.subject == f"Split from {ticket.reference}: {ticket.subject}"


def test_a_split_is_audited(technician, ticket, second_request):
    new = split_message(message=second_request, by=technician)
    assert [e.action for e in history_of(new)] == ["create"]
    assert any("split off" in e.summary for e in history_of(ticket))


def test_system_events_cannot_be_split(technician, ticket):
    event = TicketMessage.objects.create(ticket=ticket, kind="event", body="Assigned.")
    with pytest.raises(ValidationError, match="System events stay"):
        split_message(message=event, by=technician)


def test_a_technician_cannot_split_a_closed_ticket(technician, ticket, second_request):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    with pytest.raises(ValidationError, match="only a technology leader"):
        split_message(message=second_request, by=technician)


def test_staff_cannot_split(asker, second_request):
    with pytest.raises(ValidationError, match="Only technicians"):
        split_message(message=second_request, by=asker)


def test_the_split_page_action_opens_the_new_ticket(technician_client, ticket, second_request):
    response = technician_client.post(
        reverse("servicedesk:ticket_split", args=[ticket.pk]),
        {"message": second_request.pk, "subject": ""},
    )
    second_request.refresh_from_db()
    assert response["Location"] == reverse(
        "servicedesk:ticket_detail", args=[second_request.ticket_id]
    )
