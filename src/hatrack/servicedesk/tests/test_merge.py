import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hatrack.core.models import AuditEntry
from hatrack.servicedesk.models import Ticket, TicketMessage
from hatrack.servicedesk.services import merge_tickets, set_ticket_status
from hatrack.servicedesk.tests.factories import make_queue, make_ticket

Status = Ticket.Status


@pytest.fixture
def original(queue, teacher):
    return make_ticket(queue=queue, requester=teacher, subject="Room 12 projector dark")


def test_merging_closes_the_duplicate_and_points_it_at_the_original(ticket, original, technician):
    merge_tickets(duplicate=ticket, into=original, by=technician)
    ticket.refresh_from_db()
    assert ticket.merged_into == original
    assert ticket.status == Status.CLOSED
    assert ticket.closed_at is not None


def test_merging_leaves_a_system_message_on_both_tickets(ticket, original, technician):
    merge_tickets(duplicate=ticket, into=original, by=technician)
    on_duplicate = TicketMessage.objects.get(ticket=ticket)
    on_original = TicketMessage.objects.get(ticket=original)
    assert original.reference in on_duplicate.body
    assert ticket.reference in on_original.body
    assert {on_duplicate.kind, on_original.kind} == {TicketMessage.Kind.EVENT}


def test_merging_keeps_each_message_on_the_ticket_it_was_written_on(ticket, original, technician):
    TicketMessage.objects.create(ticket=ticket, body="It flickers first.")
    merge_tickets(duplicate=ticket, into=original, by=technician)
    assert TicketMessage.objects.filter(ticket=ticket, body="It flickers first.").exists()


def test_merging_is_audited_on_the_duplicate(ticket, original, technician):
    merge_tickets(duplicate=ticket, into=original, by=technician)
    entry = AuditEntry.objects.get(object_id=str(ticket.pk), action=AuditEntry.Action.UPDATE)
    assert entry.changes["merged_into"] == [None, original.pk]


def test_a_ticket_cannot_be_merged_into_itself(ticket, technician):
    with pytest.raises(ValidationError, match="into itself"):
        merge_tickets(duplicate=ticket, into=ticket, by=technician)


def test_tickets_of_different_queues_cannot_be_merged(ticket, teacher, technician):
    facilities = make_ticket(queue=make_queue(name="Facilities"), requester=teacher)
    with pytest.raises(ValidationError, match="same queue"):
        merge_tickets(duplicate=ticket, into=facilities, by=technician)
    ticket.refresh_from_db()
    assert ticket.merged_into is None
    assert not TicketMessage.objects.exists()


def test_nothing_is_merged_into_a_ticket_that_was_itself_merged(
    ticket, original, queue, teacher, technician
):
    third = make_ticket(queue=queue, requester=teacher)
    merge_tickets(duplicate=original, into=third, by=technician)
    with pytest.raises(ValidationError, match="was itself merged"):
        merge_tickets(duplicate=ticket, into=original, by=technician)


def test_nothing_is_merged_into_a_closed_ticket(ticket, original, technician):
    Ticket.objects.filter(pk=original.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    with pytest.raises(ValidationError, match="reopen it before merging"):
        merge_tickets(duplicate=ticket, into=original, by=technician)


def test_a_ticket_is_merged_only_once(ticket, original, queue, teacher, leader):
    merge_tickets(duplicate=ticket, into=original, by=leader)
    third = make_ticket(queue=queue, requester=teacher)
    with pytest.raises(ValidationError, match="already merged"):
        merge_tickets(duplicate=ticket, into=third, by=leader)


def test_staff_cannot_merge_tickets(ticket, original, asker):
    with pytest.raises(ValidationError, match="Only technicians"):
        merge_tickets(duplicate=ticket, into=original, by=asker)


def test_a_merged_ticket_keeps_its_status(ticket, original, leader):
    merge_tickets(duplicate=ticket, into=original, by=leader)
    with pytest.raises(ValidationError, match="was merged"):
        set_ticket_status(ticket=ticket, status=Status.OPEN, by=leader)
