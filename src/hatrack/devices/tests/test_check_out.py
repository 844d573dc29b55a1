"""Check-out and check-in: the two services every way of handing out a device uses."""

import pytest
from django.core.exceptions import ValidationError

from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.devices.models import Assignment, Status
from hatrack.devices.services.assignments import (
    check_in_device,
    check_out_device,
    missing_accessories,
)
from hatrack.devices.tests.factories import make_device, make_kit, make_room
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech():
    return make_user("technician")


def test_checking_out_to_a_student_deploys_the_device_to_them(tech):
    school = make_site()
    student = make_person(primary_site=school)
    device = make_device()
    assignment = check_out_device(device=device, holder=student, by=tech)
    device.refresh_from_db()
    assert (device.status, device.holder, device.site) == (Status.DEPLOYED, student, school)
    assert assignment.is_open and assignment.checked_out_by == tech
    entry = AuditEntry.objects.get(object_id=str(device.pk))
    assert entry.summary == f"Checked out to {student.full_name}"
    assert entry.changes["holder"] == [None, student.pk]


def test_a_kit_records_its_accessories_on_the_check_out(tech):
    kit = make_kit(accessories=["charger", "case"])
    assignment = check_out_device(
        device=make_device(), holder=make_person(), kit=kit, accessories=["stylus"], by=tech
    )
    assert assignment.accessories_out == ["charger", "case", "stylus"]


def test_a_device_already_checked_out_is_refused_with_its_holder_named(tech):
    device = make_device()
    first = make_person(given_name="Ana", family_name="Diaz")
    check_out_device(device=device, holder=first, by=tech)
    with pytest.raises(ValidationError, match="already checked out to Ana Diaz"):
        check_out_device(device=device, holder=make_person(), by=tech)
    assert Assignment.objects.filter(device=device).count() == 1


@pytest.mark.parametrize("status", [Status.IN_REPAIR, Status.LOST, Status.RETIRED])
def test_a_device_out_of_service_cannot_be_checked_out(tech, status):
    device = make_device(status=status)
    with pytest.raises(ValidationError):
        check_out_device(device=device, holder=make_person(), by=tech)
    assert not Assignment.objects.exists()


def test_an_inactive_person_cannot_receive_a_device(tech):
    with pytest.raises(ValidationError, match="no longer active"):
        check_out_device(device=make_device(), holder=make_person(active=False), by=tech)


def test_a_device_goes_to_one_person_or_one_room(tech):
    with pytest.raises(ValidationError, match="one person or to one room"):
        check_out_device(device=make_device(), by=tech)


def test_a_display_deployed_to_a_room_moves_to_the_rooms_site(tech):
    room = make_room()
    device = make_device()
    check_out_device(device=device, room=room, by=tech)
    device.refresh_from_db()
    assert (device.room, device.site, device.holder) == (room, room.site, None)


def test_checking_in_closes_the_assignment_and_returns_the_device_to_stock(tech):
    device = make_device()
    check_out_device(device=device, holder=make_person(), kit=make_kit(), by=tech)
    assignment = check_in_device(device=device, condition="fair", accessories=["case"], by=tech)
    device.refresh_from_db()
    assert (device.status, device.holder, device.condition) == (Status.IN_STOCK, None, "fair")
    assert assignment.checked_in_by == tech and not assignment.is_open
    assert missing_accessories(assignment) == ["charger"]


def test_checking_in_a_device_that_is_not_out_is_refused(tech):
    with pytest.raises(ValidationError, match="is not checked out"):
        check_in_device(device=make_device(), by=tech)
