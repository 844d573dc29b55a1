"""Adding devices, changing their facts and their status: validated, audited, all or nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.devices.models import Assignment, Device, Repair, Status
from hatrack.devices.services.assignments import check_out_device
from hatrack.devices.services.records import create_device, set_device_status, update_device
from hatrack.devices.tests.factories import (
    make_device,
    make_device_model,
    make_repair,
    make_room,
)
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech():
    return make_user("technician")


def _errors(exc_info):
    return exc_info.value.message_dict


def test_a_new_device_is_stored_with_normalized_codes_and_audited(tech):
    model = make_device_model()
    device = create_device(
        by=tech,
        serial_number=" pf3a 12bc ",
        asset_tag="mv-1001",
        model=model,
        wifi_mac="A0-B1-C2-D3-E4-F5",
    )
    device.refresh_from_db()
    assert (device.serial_number, device.asset_tag) == ("PF3A12BC", "MV-1001")
    assert device.wifi_mac == "a0:b1:c2:d3:e4:f5"
    assert device.status == Status.IN_STOCK
    entry = AuditEntry.objects.get(object_id=str(device.pk))
    assert entry.action == "create" and entry.actor == tech


def test_an_empty_asset_tag_is_stored_as_none_so_many_devices_may_lack_one(tech):
    model = make_device_model()
    create_device(by=tech, serial_number="AAA111", asset_tag="", model=model)
    second = create_device(by=tech, serial_number="AAA222", asset_tag="  ", model=model)
    assert second.asset_tag is None


def test_a_duplicate_serial_number_is_refused_naming_the_other_device(tech):
    existing = make_device(serial_number="PF3A12BC", asset_tag="MV1")
    with pytest.raises(ValidationError) as exc_info:
        create_device(by=tech, serial_number="pf3a12bc", model=existing.model)
    assert "Another device (MV1) already has" in _errors(exc_info)["serial_number"][0]
    assert Device.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_duplicate_asset_tag_is_refused_naming_the_other_device(tech):
    existing = make_device(serial_number="SN0001", asset_tag="MV1")
    with pytest.raises(ValidationError) as exc_info:
        create_device(by=tech, serial_number="SN0002", asset_tag="mv1", model=existing.model)
    assert _errors(exc_info)["asset_tag"] == ["The asset tag MV1 is already on device SN0001."]


def test_a_serial_number_with_forbidden_characters_is_refused_beside_the_field(tech):
    with pytest.raises(ValidationError) as exc_info:
        create_device(by=tech, serial_number="AB#12", model=make_device_model())
    assert "serial_number" in _errors(exc_info)


def test_a_bad_mac_address_is_refused_beside_the_field(tech):
    with pytest.raises(ValidationError) as exc_info:
        create_device(
            by=tech, serial_number="SN123", model=make_device_model(), ethernet_mac="12:34"
        )
    assert "ethernet_mac" in _errors(exc_info)


def test_a_negative_cost_is_refused(tech):
    with pytest.raises(ValidationError, match="cannot be negative"):
        create_device(by=tech, serial_number="SN123", model=make_device_model(), cost=Decimal("-1"))
    assert not Device.objects.exists()


def test_a_room_places_the_device_at_the_rooms_site(tech):
    room = make_room()
    device = create_device(by=tech, serial_number="SN123", model=make_device_model(), room=room)
    assert device.site_id == room.site_id


def test_a_room_of_another_site_is_refused(tech):
    room = make_room()
    with pytest.raises(ValidationError) as exc_info:
        create_device(
            by=tech, serial_number="SN123", model=make_device_model(), site=make_site(), room=room
        )
    assert "room" in _errors(exc_info)


def test_custom_attributes_must_be_names_with_plain_values(tech):
    with pytest.raises(ValidationError) as exc_info:
        create_device(
            by=tech, serial_number="SN123", model=make_device_model(), custom={"cart": [1, 2]}
        )
    assert "custom" in _errors(exc_info)


def test_an_update_records_what_changed(tech):
    device = make_device(purchase_order="")
    saved = update_device(device=device, by=tech, purchase_order=" PO-2024-7 ", notes="Cart 3")
    assert saved.purchase_order == "PO-2024-7"
    entry = AuditEntry.objects.get(object_id=str(device.pk))
    assert entry.changes == {"purchase_order": ["", "PO-2024-7"], "notes": ["", "Cart 3"]}


def test_an_update_that_changes_nothing_records_nothing(tech):
    device = make_device()
    update_device(device=device, by=tech, notes=device.notes)
    assert not AuditEntry.objects.exists()


def test_a_refused_update_changes_nothing(tech):
    make_device(serial_number="TAKEN1")
    device = make_device(serial_number="MINE01", notes="old")
    with pytest.raises(ValidationError):
        update_device(device=device, by=tech, serial_number="taken1", notes="new")
    device.refresh_from_db()
    assert (device.serial_number, device.notes) == ("MINE01", "old")


def test_update_refuses_fields_that_services_of_their_own_keep(tech):
    with pytest.raises(TypeError):
        update_device(device=make_device(), by=tech, status=Status.LOST)  # type: ignore[call-arg]


def test_a_device_in_stock_can_be_marked_lost_with_an_audit_entry(tech):
    device = make_device()
    saved = set_device_status(device=device, status=Status.LOST, by=tech)
    assert saved.status == Status.LOST
    entry = AuditEntry.objects.get(object_id=str(device.pk))
    assert entry.summary == "Marked lost"
    assert entry.changes["status"] == ["in_stock", "lost"]


def test_a_checked_out_device_marked_stolen_is_checked_in_with_that_status(tech):
    device = make_device()
    student = make_person()
    check_out_device(device=device, holder=student, by=tech)
    saved = set_device_status(device=device, status=Status.STOLEN, by=tech, notes="Police 41")
    assert saved.status == Status.STOLEN and saved.holder is None
    assignment = Assignment.objects.get(device=device)
    assert assignment.checked_in_at is not None and assignment.holder == student
    assert "Police 41" in assignment.notes
    summaries = set(AuditEntry.objects.values_list("summary", flat=True))
    assert f"Marked stolen while checked out to {student.full_name}" in summaries


@pytest.mark.parametrize("status", [Status.RETIRED, Status.DISPOSED, Status.IN_STOCK])
def test_a_checked_out_device_cannot_be_retired_disposed_or_put_in_stock(tech, status):
    device = make_device()
    check_out_device(
        device=device, holder=make_person(given_name="Ana", family_name="Diaz"), by=tech
    )
    with pytest.raises(ValidationError, match="checked out to Ana Diaz; check it in first"):
        set_device_status(device=device, status=status, by=tech)
    device.refresh_from_db()
    assert device.status == Status.DEPLOYED


def test_a_device_with_an_open_repair_cannot_be_retired(tech):
    repair = make_repair()
    with pytest.raises(ValidationError, match="open repair"):
        set_device_status(device=repair.device, status=Status.RETIRED, by=tech)


def test_a_device_whose_repair_is_closed_can_be_retired(tech):
    repair = make_repair(status=Repair.Status.UNREPAIRABLE)
    saved = set_device_status(device=repair.device, status=Status.RETIRED, by=tech)
    assert saved.status == Status.RETIRED


def test_a_disposed_device_cannot_come_back(tech):
    device = make_device(status=Status.DISPOSED)
    with pytest.raises(ValidationError, match="disposed of"):
        set_device_status(device=device, status=Status.IN_STOCK, by=tech)


def test_statuses_that_follow_from_check_out_cannot_be_set_by_hand(tech):
    with pytest.raises(ValidationError, match="Choose in stock"):
        set_device_status(device=make_device(), status=Status.DEPLOYED, by=tech)


def test_an_unknown_status_is_refused(tech):
    with pytest.raises(ValidationError, match="from the list"):
        set_device_status(device=make_device(), status="melted", by=tech)


def test_setting_the_same_status_records_nothing(tech):
    device = make_device(status=Status.LOST)
    set_device_status(device=device, status=Status.LOST, by=tech)
    assert not AuditEntry.objects.exists()
