import pytest
from django.core.exceptions import ValidationError

from hatrack.core.models import AuditEntry
from hatrack.directory.tests.factories import make_department
from hatrack.servicedesk.models import Category, Queue
from hatrack.servicedesk.services import (
    create_category,
    create_queue,
    open_ticket,
    update_category,
    update_queue,
)


def test_a_leader_creates_a_queue_for_a_department(leader):
    facilities = make_department(name="Facilities")
    queue = create_queue(
        by=leader,
        name=" Facilities ",
        code="facilities",
        department=facilities,
        email="facilities@example.org",
    )
    assert (queue.name, queue.department) == ("Facilities", facilities)
    assert AuditEntry.objects.filter(object_id=str(queue.pk), action="create").exists()


def test_only_leaders_manage_queues(technician):
    with pytest.raises(ValidationError, match="Only technology leaders"):
        create_queue(by=technician, name="Facilities", code="facilities")
    assert not Queue.objects.exists()


def test_a_queue_code_with_spaces_is_refused(leader):
    with pytest.raises(ValidationError) as refused:
        create_queue(by=leader, name="Human Resources", code="human resources")
    assert "code" in refused.value.message_dict


def test_two_queues_cannot_share_a_name(leader, queue):
    with pytest.raises(ValidationError) as refused:
        create_queue(by=leader, name="Technology", code="tech-2")
    assert "name" in refused.value.message_dict


def test_a_refused_queue_change_leaves_the_queue_as_it_was(leader, queue):
    create_queue(by=leader, name="Facilities", code="facilities")
    with pytest.raises(ValidationError):
        update_queue(queue=queue, by=leader, name="Facilities")
    assert queue.name == "Technology"
    queue.refresh_from_db()
    assert queue.name == "Technology"


def test_retiring_a_queue_is_audited_and_stops_new_tickets(leader, queue, teacher):
    update_queue(queue=queue, by=leader, active=False)
    entry = AuditEntry.objects.get(object_id=str(queue.pk), action="update")
    assert entry.changes == {"active": [True, False]}
    with pytest.raises(ValidationError, match="not taking new tickets"):
        open_ticket(queue=queue, subject="Help", description="", requester=teacher, by=leader)


def test_categories_nest_within_a_queue(leader, queue):
    hardware = create_category(queue=queue, by=leader, name="Hardware")
    screen = create_category(queue=queue, by=leader, name="Screen", parent=hardware)
    assert list(hardware.children.all()) == [screen]


def test_sibling_categories_cannot_share_a_name(leader, queue):
    create_category(queue=queue, by=leader, name="Hardware")
    with pytest.raises(ValidationError, match="already has a category of that name"):
        create_category(queue=queue, by=leader, name="Hardware")
    assert Category.objects.count() == 1


def test_a_category_cannot_sit_under_another_queues_category(leader, queue):
    other = create_queue(by=leader, name="Facilities", code="facilities")
    boilers = create_category(queue=other, by=leader, name="Boilers")
    with pytest.raises(ValidationError, match="same queue"):
        create_category(queue=queue, by=leader, name="Heat", parent=boilers)


def test_a_category_cannot_move_under_its_own_child(leader, queue):
    hardware = create_category(queue=queue, by=leader, name="Hardware")
    screen = create_category(queue=queue, by=leader, name="Screen", parent=hardware)
    with pytest.raises(ValidationError, match="cannot sit under itself"):
        update_category(category=hardware, by=leader, parent=screen)
    hardware.refresh_from_db()
    assert hardware.parent is None


def test_renaming_a_category_is_audited(leader, queue):
    hardware = create_category(queue=queue, by=leader, name="Hardware")
    update_category(category=hardware, by=leader, name="Devices")
    entry = AuditEntry.objects.get(object_id=str(hardware.pk), action="update")
    assert entry.changes == {"name": ["Hardware", "Devices"]}


def test_only_leaders_manage_categories(technician, queue):
    with pytest.raises(ValidationError, match="Only technology leaders"):
        create_category(queue=queue, by=technician, name="Hardware")
