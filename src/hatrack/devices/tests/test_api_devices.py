"""The devices API: device models, devices, assignments and repairs, with role permissions."""

import json

import pytest

from hatrack.accounts.tokens import create_api_token
from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.devices.models import Assignment, Device, DeviceModel, Repair, Status
from hatrack.devices.services.assignments import check_out_device
from hatrack.devices.tests.factories import (
    make_device,
    make_device_model,
    make_repair,
    make_room,
)
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db


def caller(client, role):
    user = make_user(role, username=f"api-{role}")
    _, key = create_api_token(user=user, name="tests", by=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return user


def send(client, method, url, body=None):
    return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")


# --- Devices: reading ---------------------------------------------------------------------


def test_the_device_list_returns_rows_with_model_and_holder(client):
    caller(client, "viewer")
    holder = make_person(given_name="Ana", family_name="Diaz")
    model = make_device_model(manufacturer="Lenovo", name="300e Chromebook Gen 3")
    device = make_device(serial_number="PF1", asset_tag="MV1", model=model, holder=holder)
    item = client.get("/api/devices").json()["items"][0]
    assert item["id"] == device.pk and item["holder_name"] == "Ana Diaz"
    assert item["model"] == "Lenovo 300e Chromebook Gen 3" and item["category"] == "chromebook"


def test_the_device_list_filters_and_searches_as_the_page_does(client):
    caller(client, "technician")
    site = make_site()
    make_device(serial_number="5CD1", site=site)
    make_device(serial_number="5CD2")
    make_device(serial_number="PF1", site=site, status=Status.LOST)
    serials = [
        d["serial_number"] for d in client.get(f"/api/devices?q=5cd&site={site.pk}").json()["items"]
    ]
    assert serials == ["5CD1"]
    lost = client.get("/api/devices?status=lost").json()["items"]
    assert [d["serial_number"] for d in lost] == ["PF1"]


def test_the_device_list_pages_a_hundred_by_default_and_follows_next(client):
    caller(client, "viewer")
    model = make_device_model()
    Device.objects.bulk_create(Device(serial_number=f"SN{n:04d}", model=model) for n in range(130))
    first = client.get("/api/devices").json()
    assert len(first["items"]) == 100 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["items"]) == 30 and second["next"] is None
    assert second["items"][0]["serial_number"] == "SN0100"


@pytest.mark.parametrize("rows", [1, 100])
def test_the_device_list_costs_the_same_queries_at_one_and_a_hundred_rows(
    client, django_assert_num_queries, rows
):
    caller(client, "viewer")
    site, model = make_site(), make_device_model()
    Device.objects.bulk_create(
        Device(serial_number=f"5CD{n:04d}", model=model, site=site) for n in range(rows)
    )
    client.get("/api/devices")
    with django_assert_num_queries(2):  # the token, the page
        assert len(client.get(f"/api/devices?site={site.pk}").json()["items"]) == rows
    with django_assert_num_queries(3):  # and one probe of the serial number index
        assert len(client.get(f"/api/devices?q=5cd&site={site.pk}").json()["items"]) == rows


def test_a_bad_filter_value_answers_422(client):
    caller(client, "viewer")
    assert client.get("/api/devices?status=melted").status_code == 422


def test_one_device_in_full(client):
    caller(client, "viewer")
    device = make_device(serial_number="PF1", custom={"Cart": "3B"}, wifi_mac="a0:b1:c2:d3:e4:f5")
    body = client.get(f"/api/devices/{device.pk}").json()
    assert body["custom"] == {"Cart": "3B"} and body["wifi_mac"] == "a0:b1:c2:d3:e4:f5"


def test_a_missing_device_answers_404(client):
    caller(client, "viewer")
    assert client.get("/api/devices/424242").status_code == 404


def test_staff_cannot_read_devices(client):
    caller(client, "staff")
    assert client.get("/api/devices").status_code == 403


# --- Devices: writing ---------------------------------------------------------------------


def test_a_technician_adds_a_device_with_normalized_codes(client):
    tech = caller(client, "technician")
    model = make_device_model()
    room = make_room()
    response = send(
        client, "POST", "/api/devices",
        {"serial_number": "pf 1234", "asset_tag": "mv9", "model_id": model.pk, "room_id": room.pk},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["serial_number"], body["asset_tag"]) == ("PF1234", "MV9")
    assert body["site_id"] == room.site_id and body["status"] == "in_stock"
    entry = AuditEntry.objects.get(object_id=str(body["id"]), content_type__model="device")
    assert entry.actor == tech


def test_a_duplicate_serial_number_answers_422_on_the_field(client):
    caller(client, "technician")
    existing = make_device(serial_number="PF1234", asset_tag="MV1")
    response = send(
        client, "POST", "/api/devices", {"serial_number": "pf1234", "model_id": existing.model_id}
    )
    assert response.status_code == 422
    assert "Another device (MV1)" in response.json()["errors"]["serial_number"][0]


def test_an_unknown_model_id_answers_422_on_the_field(client):
    caller(client, "technician")
    response = send(client, "POST", "/api/devices", {"serial_number": "PF1", "model_id": 999})
    assert response.json()["errors"] == {"model_id": ["No device model has the id 999."]}


def test_a_room_of_another_site_answers_422_on_room_id(client):
    caller(client, "technician")
    device = make_device(site=make_site())
    response = send(client, "PATCH", f"/api/devices/{device.pk}", {"room_id": make_room().pk})
    assert response.status_code == 422 and "room_id" in response.json()["errors"]


def test_a_patch_changes_only_what_is_sent(client):
    caller(client, "technician")
    device = make_device(notes="old", purchase_order="PO-1")
    response = send(client, "PATCH", f"/api/devices/{device.pk}", {"notes": "new"})
    assert response.status_code == 200
    device.refresh_from_db()
    assert (device.notes, device.purchase_order) == ("new", "PO-1")


def test_unknown_fields_are_refused(client):
    caller(client, "technician")
    device = make_device()
    response = send(client, "PATCH", f"/api/devices/{device.pk}", {"holder_id": 1})
    assert response.status_code == 422


def test_viewers_cannot_add_devices(client):
    caller(client, "viewer")
    response = send(client, "POST", "/api/devices", {"serial_number": "PF1", "model_id": 1})
    assert response.status_code == 403


def test_marking_a_checked_out_device_stolen_checks_it_in(client):
    tech = caller(client, "technician")
    device = make_device()
    check_out_device(device=device, holder=make_person(), by=tech)
    response = send(client, "POST", f"/api/devices/{device.pk}/status", {"status": "stolen"})
    assert response.status_code == 200 and response.json()["status"] == "stolen"
    assert response.json()["holder_id"] is None


def test_retiring_a_checked_out_device_answers_422(client):
    tech = caller(client, "technician")
    device = make_device()
    check_out_device(device=device, holder=make_person(), by=tech)
    response = send(client, "POST", f"/api/devices/{device.pk}/status", {"status": "retired"})
    assert (
        response.status_code == 422
        and "check it in first" in response.json()["errors"]["status"][0]
    )


# --- Device models ---------------------------------------------------------------------------


def test_device_models_are_listed_by_manufacturer_and_name(client):
    caller(client, "viewer")
    make_device_model(manufacturer="Lenovo", name="B")
    make_device_model(manufacturer="Dell", name="A")
    names = [m["manufacturer"] for m in client.get("/api/device-models").json()["items"]]
    assert names == ["Dell", "Lenovo"]


def test_a_leader_adds_a_device_model(client):
    caller(client, "leader")
    response = send(
        client, "POST", "/api/device-models",
        {"manufacturer": "Acer", "name": "Chromebook 311", "category": "chromebook",
         "auto_update_expiration": "2030-06-01"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert DeviceModel.objects.get().name == "Chromebook 311"


def test_a_technician_cannot_change_the_catalog(client):
    caller(client, "technician")
    model = make_device_model()
    assert (
        send(client, "PATCH", f"/api/device-models/{model.pk}", {"notes": "x"}).status_code == 403
    )


def test_a_leader_changes_a_device_model(client):
    caller(client, "leader")
    model = make_device_model(expected_life_years=4)
    response = send(client, "PATCH", f"/api/device-models/{model.pk}", {"expected_life_years": 6})
    assert response.status_code == 200 and response.json()["expected_life_years"] == 6


# --- Assignments ----------------------------------------------------------------------------


def test_check_out_and_check_in_through_the_api(client):
    caller(client, "technician")
    device = make_device()
    student = make_person(given_name="Ana", family_name="Diaz")
    out = send(
        client, "POST", f"/api/devices/{device.pk}/check-out",
        {"holder_id": student.pk, "accessories": ["charger"]},
    )  # fmt: skip
    assert out.status_code == 201, out.content
    assert out.json()["holder_name"] == "Ana Diaz" and out.json()["checked_in_at"] is None
    back = send(
        client, "POST", f"/api/assignments/{out.json()['id']}/check-in",
        {"condition": "fair", "accessories": ["charger"]},
    )  # fmt: skip
    assert back.status_code == 200 and back.json()["checked_in_at"] is not None
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK and device.condition == "fair"


def test_checking_in_a_closed_check_out_answers_422(client):
    tech = caller(client, "technician")
    device = make_device()
    assignment = check_out_device(device=device, holder=make_person(), by=tech)
    url = f"/api/assignments/{assignment.pk}/check-in"
    send(client, "POST", url, {"condition": "good"})
    again = send(client, "POST", url, {"condition": "good"})
    assert again.status_code == 422 and "already checked in" in again.content.decode()


def test_checking_out_a_device_already_out_answers_422(client):
    tech = caller(client, "technician")
    device = make_device()
    check_out_device(device=device, holder=make_person(), by=tech)
    response = send(
        client, "POST", f"/api/devices/{device.pk}/check-out", {"holder_id": make_person().pk}
    )
    assert response.status_code == 422
    assert Assignment.objects.filter(device=device).count() == 1


def test_assignments_are_listed_per_device_and_per_holder(client, django_assert_num_queries):
    tech = caller(client, "viewer")
    device = make_device()
    student = make_person()
    check_out_device(device=device, holder=student, by=tech)
    client.get(f"/api/devices/{device.pk}/assignments")
    with django_assert_num_queries(3):  # the token, the device, the page
        by_device = client.get(f"/api/devices/{device.pk}/assignments").json()["items"]
    by_person = client.get(f"/api/people/{student.pk}/assignments?open=true").json()["items"]
    assert [a["id"] for a in by_device] == [a["id"] for a in by_person]


# --- Repairs ---------------------------------------------------------------------------------


def test_a_technician_opens_a_repair_and_the_device_goes_out_of_service(client):
    tech = caller(client, "technician")
    device = make_device()
    student = make_person()
    check_out_device(device=device, holder=student, by=tech)
    response = send(
        client, "POST", "/api/repairs",
        {"device_id": device.pk, "problem": "Cracked screen", "damage_type": "screen"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["holder_id"] == student.pk
    device.refresh_from_db()
    assert device.status == Status.IN_REPAIR


def test_a_repair_of_an_unknown_device_answers_422(client):
    caller(client, "technician")
    response = send(client, "POST", "/api/repairs", {"device_id": 999, "problem": "x"})
    assert response.json()["errors"] == {"device_id": ["No device has the id 999."]}


def test_a_repairs_progress_changes_through_patch(client):
    caller(client, "technician")
    repair = make_repair()
    response = send(
        client, "PATCH", f"/api/repairs/{repair.pk}", {"status": "at_vendor", "labor_cost": "25.00"}
    )
    assert response.status_code == 200, response.content
    repair.refresh_from_db()
    assert repair.status == Repair.Status.AT_VENDOR and str(repair.labor_cost) == "25.00"


def test_repairs_are_listed_by_device(client):
    caller(client, "viewer")
    repair = make_repair()
    make_repair()
    items = client.get(f"/api/repairs?device={repair.device_id}").json()["items"]
    assert [r["id"] for r in items] == [repair.pk]
    assert client.get(f"/api/repairs/{repair.pk}").json()["problem"] == repair.problem
