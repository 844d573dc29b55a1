import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from hatrack.core.models import AuditEntry
from hatrack.servicedesk.models import Tag, Ticket, TicketLink
from hatrack.servicedesk.services import link_ticket, set_ticket_tags, unlink_ticket


def test_tags_are_case_folded_and_created_as_needed(ticket, technician):
    names = set_ticket_tags(ticket=ticket, names=["Chromebook  Screen", "testing"], by=technician)
    assert names == ["chromebook screen", "testing"]
    assert sorted(ticket.tags.values_list("name", flat=True)) == names


def test_setting_tags_replaces_the_old_ones_and_reuses_existing_tags(ticket, technician):
    set_ticket_tags(ticket=ticket, names=["testing", "wifi"], by=technician)
    set_ticket_tags(ticket=ticket, names=["wifi"], by=technician)
    assert list(ticket.tags.values_list("name", flat=True)) == ["wifi"]
    assert Tag.objects.count() == 2


def test_tag_changes_are_audited(ticket, technician):
    set_ticket_tags(ticket=ticket, names=["wifi"], by=technician)
    entry = AuditEntry.objects.get(object_id=str(ticket.pk), summary="Tags changed")
    assert entry.changes == {"tags": [[], ["wifi"]]}


def test_a_tag_over_fifty_characters_is_refused(ticket, technician):
    with pytest.raises(ValidationError, match="under 50 characters"):
        set_ticket_tags(ticket=ticket, names=["x" * 51], by=technician)
    assert not Tag.objects.exists()


def test_a_ticket_links_to_any_record_once(ticket, technician, teacher):
    first = link_ticket(ticket=ticket, target=teacher, by=technician)
    again = link_ticket(ticket=ticket, target=teacher, by=technician)
    assert first == again
    assert first.target == teacher
    assert first.content_type == ContentType.objects.get_for_model(teacher)
    assert AuditEntry.objects.filter(summary__startswith="Linked to").count() == 1


def test_a_link_can_be_removed(ticket, technician, teacher):
    link = link_ticket(ticket=ticket, target=teacher, by=technician)
    unlink_ticket(link=link, by=technician)
    assert not TicketLink.objects.exists()
    assert AuditEntry.objects.filter(summary="Link removed").exists()


def test_staff_cannot_tag_or_link_tickets(ticket, asker, teacher):
    with pytest.raises(ValidationError, match="Only technicians"):
        set_ticket_tags(ticket=ticket, names=["mine"], by=asker)
    with pytest.raises(ValidationError, match="Only technicians"):
        link_ticket(ticket=ticket, target=teacher, by=asker)


def test_a_closed_ticket_gets_no_new_links_from_a_technician(ticket, technician, teacher):
    Ticket.objects.filter(pk=ticket.pk).update(status="closed", closed_at=timezone.now())
    with pytest.raises(ValidationError, match="only a technology leader"):
        link_ticket(ticket=ticket, target=teacher, by=technician)
