"""Repairs and loaners: opening, progress, parts, the loaner, and how a repair ends."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.devices.models import Assignment, Repair, RepairPart, Status
from hatrack.devices.repair_history import repairs_for_device, repairs_for_person
from hatrack.devices.services.assignments import check_out_device
from hatrack.devices.services.repairs import (
    add_repair_part,
    close_repair,
    hand_out_loaner,
    open_repair,
    remove_repair_part,
    update_repair,
)
from hatrack.devices.tests.factories import make_device, make_vendor
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db


def entries_of(record):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    )


@pytest.fixture
def tech():
    return make_user("technician")


@pytest.fixture
def student():
    return make_person(given_name="Ana", family_name="Diaz", primary_site=make_site())


@pytest.fixture
def chromebook(tech, student):
    device = make_device()
    check_out_device(device=device, holder=student, by=tech)
    return device


def open_screen_repair(device, tech, **extra):
    return open_repair(
        device=device, problem="Cracked screen", damage_type="screen", by=tech, **extra
    )


def test_opening_a_repair_checks_the_students_device_in_and_names_them_holder(
    tech, student, chromebook
):
    repair = open_screen_repair(chromebook, tech)
    chromebook.refresh_from_db()
    assert (chromebook.status, chromebook.holder) == (Status.IN_REPAIR, None)
    assert (repair.holder, repair.status, repair.opened_by) == (student, Repair.Status.OPEN, tech)
    assert not Assignment.objects.filter(device=chromebook, checked_in_at__isnull=True).exists()


def test_opening_a_repair_for_a_device_on_the_shelf_puts_it_in_repair_without_holder(tech):
    device = make_device()
    repair = open_screen_repair(device, tech)
    device.refresh_from_db()
    assert device.status == Status.IN_REPAIR and repair.holder is None
    assert entries_of(device).filter(summary="Sent to repair").exists()


def test_opening_a_repair_is_audited_on_the_repair(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    entry = entries_of(repair).get(action="create")
    assert entry.changes["problem"] == "Cracked screen"


def test_a_device_with_an_open_repair_cannot_get_a_second(tech, chromebook):
    first = open_screen_repair(chromebook, tech)
    with pytest.raises(ValidationError, match=f"already has an open repair, {first}"):
        open_screen_repair(chromebook, tech)
    assert Repair.objects.count() == 1


@pytest.mark.parametrize("status", [Status.LOST, Status.RETIRED])
def test_a_lost_or_retired_device_cannot_go_to_repair(tech, status):
    with pytest.raises(ValidationError, match="cannot go to repair"):
        open_screen_repair(make_device(status=status), tech)
    assert not Repair.objects.exists()


def test_a_repair_needs_a_problem_and_changes_nothing_without_one(tech, chromebook):
    with pytest.raises(ValidationError) as error:
        open_repair(device=chromebook, problem="  ", damage_type="screen", by=tech)
    assert error.value.message_dict == {"problem": ["Describe the problem."]}
    chromebook.refresh_from_db()
    assert chromebook.status == Status.DEPLOYED


def test_a_viewer_cannot_open_a_repair(chromebook):
    with pytest.raises(ValidationError, match="Only technicians"):
        open_screen_repair(chromebook, make_user("viewer"))


def test_a_ticket_given_is_linked_to_the_device_and_the_repair(tech, chromebook):
    from hatrack.servicedesk.models import TicketLink
    from hatrack.servicedesk.tests.factories import make_ticket

    ticket = make_ticket()
    repair = open_screen_repair(chromebook, tech, ticket=ticket)
    assert repair.ticket == ticket
    link = TicketLink.objects.get(ticket=ticket)
    assert link.object_id == chromebook.pk


def test_a_claim_number_without_a_warranty_claim_is_refused(tech, chromebook):
    with pytest.raises(ValidationError) as error:
        open_screen_repair(chromebook, tech, claim_number="C-1")
    assert "claim_number" in error.value.message_dict


def test_updating_a_repair_records_its_progress_and_vendor(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    vendor = make_vendor(name="CDW")
    update_repair(
        repair=repair, by=tech, status=Repair.Status.AT_VENDOR, vendor=vendor,
        warranty_claim=True, claim_number="W-77", labor_cost="25.50",
    )  # fmt: skip
    repair.refresh_from_db()
    assert (repair.status, repair.vendor, repair.claim_number) == ("at_vendor", vendor, "W-77")
    assert repair.labor_cost == Decimal("25.50")
    entry = entries_of(repair).get(action="update")
    assert entry.changes["status"] == ["open", "at_vendor"]


def test_updating_cannot_close_a_repair(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    with pytest.raises(ValidationError) as error:
        update_repair(repair=repair, by=tech, status=Repair.Status.REPAIRED)
    assert "status" in error.value.message_dict


def test_a_negative_labour_cost_is_refused(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    with pytest.raises(ValidationError) as error:
        update_repair(repair=repair, by=tech, labor_cost="-5")
    assert error.value.message_dict == {"labor_cost": ["The labour cost must be zero or more."]}


def test_parts_cost_is_the_sum_of_the_parts(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    add_repair_part(repair=repair, description="Screen", unit_cost="39.99", by=tech)
    hinge = add_repair_part(
        repair=repair, description="Hinge", unit_cost=Decimal("4.50"), quantity=2, by=tech
    )
    repair.refresh_from_db()
    assert repair.parts_cost == Decimal("48.99")
    remove_repair_part(part=hinge, by=tech)
    repair.refresh_from_db()
    assert repair.parts_cost == Decimal("39.99")
    assert RepairPart.objects.filter(repair=repair).count() == 1


def test_a_part_with_a_bad_cost_is_refused_and_nothing_is_added(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    with pytest.raises(ValidationError) as error:
        add_repair_part(repair=repair, description="Screen", unit_cost="abc", by=tech)
    assert "unit_cost" in error.value.message_dict
    assert not RepairPart.objects.exists()


def test_a_loaner_goes_to_the_repairs_holder_with_a_due_date(tech, student, chromebook):
    repair = open_screen_repair(chromebook, tech)
    loaner = make_device()
    due = timezone.localdate() + datetime.timedelta(days=7)
    assignment = hand_out_loaner(repair=repair, loaner_device=loaner, by=tech, due_on=due)
    loaner.refresh_from_db()
    repair.refresh_from_db()
    assert (loaner.status, loaner.holder) == (Status.LOANER, student)
    assert (assignment.kind, assignment.due_on, repair.loaner) == ("loaner", due, assignment)


def test_a_loaner_must_be_in_stock(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    busy = make_device()
    check_out_device(device=busy, holder=make_person(), by=tech)
    with pytest.raises(ValidationError, match="is not in stock"):
        hand_out_loaner(repair=repair, loaner_device=busy, by=tech)
    repair.refresh_from_db()
    assert repair.loaner is None


def test_a_second_loaner_is_refused_while_the_first_is_out(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    hand_out_loaner(repair=repair, loaner_device=make_device(), by=tech)
    with pytest.raises(ValidationError, match="already has a loaner out"):
        hand_out_loaner(repair=repair, loaner_device=make_device(), by=tech)


def test_a_repair_without_holder_has_nobody_to_lend_to(tech):
    repair = open_screen_repair(make_device(), tech)
    with pytest.raises(ValidationError, match="no one to lend to"):
        hand_out_loaner(repair=repair, loaner_device=make_device(), by=tech)


def test_a_repaired_device_goes_back_in_stock_and_the_student_keeps_the_loaner(
    tech, student, chromebook
):
    repair = open_screen_repair(chromebook, tech)
    loaner = make_device()
    hand_out_loaner(repair=repair, loaner_device=loaner, by=tech)
    close_repair(repair=repair, outcome="repaired", resolution="New screen", by=tech)
    chromebook.refresh_from_db()
    loaner.refresh_from_db()
    repair.refresh_from_db()
    assert chromebook.status == Status.IN_STOCK
    assert (loaner.status, loaner.holder) == (Status.LOANER, student)
    assert repair.status == "repaired" and repair.closed_at is not None


def test_returning_the_device_to_the_student_collects_the_loaner(tech, student, chromebook):
    repair = open_screen_repair(chromebook, tech)
    loaner = make_device()
    hand_out_loaner(repair=repair, loaner_device=loaner, by=tech)
    close_repair(
        repair=repair, outcome="repaired", resolution="New screen", by=tech, return_to_holder=True
    )
    chromebook.refresh_from_db()
    loaner.refresh_from_db()
    assert (chromebook.status, chromebook.holder) == (Status.DEPLOYED, student)
    assert (loaner.status, loaner.holder) == (Status.IN_STOCK, None)


def test_the_student_can_keep_the_loaner_when_told(tech, student, chromebook):
    repair = open_screen_repair(chromebook, tech)
    loaner = make_device()
    hand_out_loaner(repair=repair, loaner_device=loaner, by=tech)
    close_repair(
        repair=repair, outcome="repaired", resolution="Fixed", by=tech,
        return_to_holder=True, collect_loaner=False,
    )  # fmt: skip
    loaner.refresh_from_db()
    assert loaner.holder == student


def test_a_device_beyond_repair_is_retired(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    close_repair(repair=repair, outcome="unrepairable", resolution="Board dead", by=tech)
    chromebook.refresh_from_db()
    assert chromebook.status == Status.RETIRED


def test_a_device_beyond_repair_cannot_go_back_to_the_student(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    with pytest.raises(ValidationError) as error:
        close_repair(
            repair=repair, outcome="unrepairable", resolution="x", by=tech, return_to_holder=True
        )
    assert "return_to_holder" in error.value.message_dict
    repair.refresh_from_db()
    assert repair.is_open


def test_a_closed_repair_cannot_be_closed_again_or_changed(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    close_repair(repair=repair, outcome="cancelled", resolution="", by=tech)
    with pytest.raises(ValidationError, match="already cancelled"):
        close_repair(repair=repair, outcome="repaired", resolution="x", by=tech)
    with pytest.raises(ValidationError, match="already cancelled"):
        add_repair_part(repair=repair, description="Screen", unit_cost="1", by=tech)


def test_closing_needs_a_resolution(tech, chromebook):
    repair = open_screen_repair(chromebook, tech)
    with pytest.raises(ValidationError) as error:
        close_repair(repair=repair, outcome="repaired", resolution=" ", by=tech)
    assert "resolution" in error.value.message_dict


def test_repair_history_lists_a_devices_and_a_students_repairs(tech, student, chromebook):
    repair = open_screen_repair(chromebook, tech)
    assert list(repairs_for_device(chromebook)) == [repair]
    assert list(repairs_for_person(student)) == [repair]
    assert list(repairs_for_person(make_person())) == []
