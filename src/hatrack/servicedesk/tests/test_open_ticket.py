import pytest
from django.core.exceptions import ValidationError

from hatrack.core.models import AuditEntry
from hatrack.directory.tests.factories import make_site
from hatrack.servicedesk.models import Ticket
from hatrack.servicedesk.services import open_ticket
from hatrack.servicedesk.tests.factories import make_category, make_queue


def opened(**overrides):
    return open_ticket(
        **{"subject": "Projector is dark", "description": "Room 12, since Monday.", **overrides}
    )


def test_opening_a_ticket_stores_it_as_new_for_the_requester(queue, teacher, asker):
    ticket = opened(queue=queue, requester=teacher, by=asker)
    assert ticket.status == Ticket.Status.NEW
    assert ticket.requester == teacher
    assert ticket.created_by == asker
    assert ticket.priority == Ticket.Priority.NORMAL
    assert ticket.channel == Ticket.Channel.PORTAL


def test_a_new_ticket_takes_the_requesters_primary_site(queue, teacher, asker):
    ticket = opened(queue=queue, requester=teacher, by=asker)
    assert ticket.site == teacher.primary_site


def test_a_site_given_when_opening_wins_over_the_requesters(queue, teacher, technician):
    elsewhere = make_site(name="Bus Depot")
    ticket = opened(queue=queue, requester=teacher, by=technician, site=elsewhere)
    assert ticket.site == elsewhere


def test_opening_a_ticket_is_audited(queue, teacher, asker):
    ticket = opened(queue=queue, requester=teacher, by=asker)
    entry = AuditEntry.objects.get(object_id=str(ticket.pk), action=AuditEntry.Action.CREATE)
    assert entry.actor == asker
    assert entry.changes["subject"] == "Projector is dark"


def test_an_account_without_a_directory_record_can_open_a_ticket_for_itself(queue, technician):
    ticket = opened(queue=queue, requester=None, by=technician)
    assert ticket.requester is None
    assert ticket.created_by == technician


def test_a_ticket_for_nobody_by_nobody_is_refused(queue):
    with pytest.raises(ValidationError, match="Say who the ticket is for"):
        opened(queue=queue, requester=None, by=None)
    assert not Ticket.objects.exists()


def test_a_ticket_without_a_subject_is_refused(queue, teacher, asker):
    with pytest.raises(ValidationError, match="Write a subject"):
        opened(queue=queue, requester=teacher, by=asker, subject="   ")
    assert not Ticket.objects.exists()


def test_an_inactive_queue_takes_no_new_tickets(teacher, asker):
    closed_queue = make_queue(name="Old queue", active=False)
    with pytest.raises(ValidationError, match="not taking new tickets"):
        opened(queue=closed_queue, requester=teacher, by=asker)
    assert not AuditEntry.objects.exists()


def test_a_category_of_another_queue_is_refused(queue, teacher, asker):
    foreign = make_category(name="Boilers")
    with pytest.raises(ValidationError, match="active category of this queue"):
        opened(queue=queue, requester=teacher, by=asker, category=foreign)


def test_an_unknown_priority_is_refused(queue, teacher, asker):
    with pytest.raises(ValidationError, match="Choose a priority"):
        opened(queue=queue, requester=teacher, by=asker, priority="whenever")


def test_a_ticket_can_come_in_by_phone_with_a_category(queue, teacher, technician):
    category = make_category(queue=queue, name="Projectors")
    ticket = opened(
        queue=queue,
        requester=teacher,
        by=technician,
        category=category,
        channel=Ticket.Channel.PHONE,
        priority=Ticket.Priority.HIGH,
    )
    assert (ticket.category, ticket.channel, ticket.priority) == (category, "phone", "high")
