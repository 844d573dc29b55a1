import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hatrack.core.models import AuditEntry
from hatrack.servicedesk.models import Ticket, TicketMessage
from hatrack.servicedesk.services import BULK_LIMIT, bulk_assign, bulk_set_status, merge_tickets
from hatrack.servicedesk.tests.factories import make_ticket

Status = Ticket.Status


def make_tickets(queue, teacher, n):
    return [make_ticket(queue=queue, requester=teacher) for _ in range(n)]


def test_bulk_assign_gives_every_chosen_ticket_to_the_technician(queue, teacher, technician):
    tickets = make_tickets(queue, teacher, 3)
    assert bulk_assign(tickets=tickets, assignee=technician, by=technician) == 3
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {technician.pk}


def test_bulk_assign_writes_one_audit_entry_and_one_event_per_changed_ticket(
    queue, teacher, technician
):
    tickets = make_tickets(queue, teacher, 3)
    bulk_assign(tickets=tickets[:1], assignee=technician, by=technician)
    assert bulk_assign(tickets=tickets, assignee=technician, by=technician) == 2
    audited = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE)
    assert sorted(int(e.object_id) for e in audited) == sorted(t.pk for t in tickets)
    assert TicketMessage.objects.filter(kind=TicketMessage.Kind.EVENT).count() == 3


def test_bulk_assign_costs_the_same_queries_for_2_and_40_tickets(queue, teacher, technician):
    small, large = make_tickets(queue, teacher, 2), make_tickets(queue, teacher, 40)
    bulk_assign(tickets=small[:1], assignee=technician, by=technician)  # warms caches
    with CaptureQueriesContext(connection) as small_run:
        assert bulk_assign(tickets=small, assignee=technician, by=technician) == 1
    with CaptureQueriesContext(connection) as large_run:
        assert bulk_assign(tickets=large, assignee=technician, by=technician) == 40
    assert len(large_run) == len(small_run)


def test_bulk_set_status_resolves_every_chosen_ticket(queue, teacher, technician):
    tickets = make_tickets(queue, teacher, 3)
    assert (
        bulk_set_status(tickets=[t.pk for t in tickets], status=Status.RESOLVED, by=technician) == 3
    )
    assert set(Ticket.objects.values_list("status", flat=True)) == {Status.RESOLVED}
    assert not Ticket.objects.filter(resolved_at__isnull=True).exists()


def test_bulk_set_status_costs_the_same_queries_for_2_and_40_tickets(queue, teacher, technician):
    small, large = make_tickets(queue, teacher, 2), make_tickets(queue, teacher, 40)
    bulk_set_status(tickets=small[:1], status=Status.OPEN, by=technician)  # warms caches
    with CaptureQueriesContext(connection) as small_run:
        assert bulk_set_status(tickets=small, status=Status.CLOSED, by=technician) == 2
    with CaptureQueriesContext(connection) as large_run:
        assert bulk_set_status(tickets=large, status=Status.CLOSED, by=technician) == 40
    assert len(large_run) == len(small_run)


def test_one_closed_ticket_refuses_a_technicians_whole_batch(queue, teacher, technician):
    tickets = make_tickets(queue, teacher, 3)
    Ticket.objects.filter(pk=tickets[0].pk).update(status=Status.CLOSED, closed_at=timezone.now())
    with pytest.raises(ValidationError, match="only a technology leader"):
        bulk_set_status(tickets=tickets, status=Status.OPEN, by=technician)
    assert Ticket.objects.filter(status=Status.NEW).count() == 2
    assert not AuditEntry.objects.exists()


def test_a_leader_can_bulk_reopen_closed_tickets(queue, teacher, leader):
    tickets = make_tickets(queue, teacher, 2)
    Ticket.objects.update(status=Status.CLOSED, closed_at=timezone.now())
    bulk_set_status(tickets=tickets, status=Status.OPEN, by=leader)
    assert not Ticket.objects.exclude(status=Status.OPEN).exists()


def test_bulk_status_refuses_merged_tickets(queue, teacher, leader):
    one, two = make_tickets(queue, teacher, 2)
    merge_tickets(duplicate=one, into=two, by=leader)
    with pytest.raises(ValidationError, match="Merged tickets cannot change status"):
        bulk_set_status(tickets=[one, two], status=Status.OPEN, by=leader)


def test_a_bulk_action_needs_at_least_one_ticket(technician):
    with pytest.raises(ValidationError, match="at least one ticket"):
        bulk_assign(tickets=[], assignee=technician, by=technician)


def test_a_bulk_action_is_bounded(technician):
    with pytest.raises(ValidationError, match=f"at most {BULK_LIMIT}"):
        bulk_assign(tickets=range(1, BULK_LIMIT + 2), assignee=technician, by=technician)


def test_a_bulk_action_on_vanished_tickets_is_refused(ticket, technician):
    with pytest.raises(ValidationError, match="no longer exist"):
        bulk_assign(tickets=[ticket.pk, ticket.pk + 1000], assignee=technician, by=technician)


def test_staff_cannot_bulk_assign(ticket, asker, technician):
    with pytest.raises(ValidationError, match="Only technicians"):
        bulk_assign(tickets=[ticket], assignee=technician, by=asker)
