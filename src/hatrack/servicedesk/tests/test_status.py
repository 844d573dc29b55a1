import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.servicedesk.models import Ticket, TicketMessage
from hatrack.servicedesk.services import assign_ticket, set_ticket_status

Status = Ticket.Status


def test_a_technician_can_assign_a_ticket_to_a_technician(ticket, technician):
    assign_ticket(ticket=ticket, assignee=technician, by=technician)
    ticket.refresh_from_db()
    assert ticket.assignee == technician


def test_assigning_leaves_an_event_on_the_timeline_and_an_audit_entry(ticket, technician, leader):
    assign_ticket(ticket=ticket, assignee=technician, by=leader)
    event = TicketMessage.objects.get(ticket=ticket)
    assert event.kind == TicketMessage.Kind.EVENT
    assert "Assigned to" in event.body
    entry = AuditEntry.objects.get(object_id=str(ticket.pk), action=AuditEntry.Action.UPDATE)
    assert entry.changes["assignee"] == [None, technician.pk]


def test_tickets_cannot_be_assigned_to_staff_or_viewers(ticket, technician, staff, viewer):
    for user in (staff, viewer):
        with pytest.raises(ValidationError, match="active technician or technology leader"):
            assign_ticket(ticket=ticket, assignee=user, by=technician)
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_tickets_cannot_be_assigned_to_an_inactive_technician(ticket, technician):
    gone = make_user("technician", username="gone-tech", is_active=False)
    with pytest.raises(ValidationError, match="active technician"):
        assign_ticket(ticket=ticket, assignee=gone, by=technician)


def test_staff_cannot_assign_tickets(ticket, asker, technician):
    with pytest.raises(ValidationError, match="Only technicians and technology leaders"):
        assign_ticket(ticket=ticket, assignee=technician, by=asker)


def test_resolving_sets_the_resolution_time(ticket, technician):
    set_ticket_status(ticket=ticket, status=Status.RESOLVED, by=technician)
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert ticket.resolved_at is not None


def test_closing_sets_the_closing_time(ticket, technician):
    set_ticket_status(ticket=ticket, status=Status.CLOSED, by=technician)
    ticket.refresh_from_db()
    assert ticket.closed_at is not None


def test_reopening_clears_the_resolution_time(ticket, technician):
    set_ticket_status(ticket=ticket, status=Status.RESOLVED, by=technician)
    set_ticket_status(ticket=ticket, status=Status.OPEN, by=technician)
    ticket.refresh_from_db()
    assert ticket.resolved_at is None


def test_a_status_change_is_audited_with_before_and_after(ticket, technician):
    set_ticket_status(ticket=ticket, status=Status.WAITING_ON_THIRD_PARTY, by=technician)
    entry = AuditEntry.objects.get(object_id=str(ticket.pk), action=AuditEntry.Action.UPDATE)
    assert entry.changes["status"] == ["new", "waiting_on_third_party"]


def test_an_unknown_status_is_refused(ticket, technician):
    with pytest.raises(ValidationError, match="Choose one of the ticket statuses"):
        set_ticket_status(ticket=ticket, status="done-ish", by=technician)


def test_a_technician_cannot_change_a_closed_ticket(ticket, technician):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    with pytest.raises(ValidationError, match="only a technology leader can change it"):
        set_ticket_status(ticket=ticket, status=Status.OPEN, by=technician)
    with pytest.raises(ValidationError, match="only a technology leader can change it"):
        assign_ticket(ticket=ticket, assignee=technician, by=technician)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.CLOSED, None)


def test_a_leader_can_reopen_a_closed_ticket(ticket, leader):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    set_ticket_status(ticket=ticket, status=Status.OPEN, by=leader)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at) == (Status.OPEN, None)


def test_staff_cannot_change_a_tickets_status(ticket, asker):
    with pytest.raises(ValidationError, match="Only technicians and technology leaders"):
        set_ticket_status(ticket=ticket, status=Status.RESOLVED, by=asker)
