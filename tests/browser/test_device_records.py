"""The fleet in the browser: a technician searches the device list, selects devices to
label, opens a device with its history, edits it, and marks a lost one."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.devices.models import Device, Status
from hatrack.devices.services.assignments import check_out_device
from hatrack.devices.tests.factories import make_device, make_device_model, make_repair
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.browser


@pytest.fixture
def fleet(db):
    tech = make_user(Role.TECHNICIAN, username="tech")
    site = make_site(name="Lincoln High School", code="LHS")
    model = make_device_model(manufacturer="Lenovo", name="300e Chromebook Gen 3")
    student = make_person(given_name="Devon", family_name="Achterberg", primary_site=site)
    device = make_device(serial_number="PF3XK2A9", asset_tag="LHS-01234", model=model, site=site)
    check_out_device(device=device, holder=student, by=tech, accessories=["charger"])
    for n in range(6):
        make_device(serial_number=f"PF4AB{n:03d}", asset_tag=f"LHS-0200{n}", model=model, site=site)
    make_repair(device=make_device(serial_number="PF9ZZ001", model=model, site=site))
    return tech, device


def test_a_technician_finds_labels_edits_and_marks_a_device(page, signed_in, screenshot, fleet):
    tech, device = fleet
    signed_in(page, tech)
    page.goto(reverse("devices:device_list"))
    expect(page.get_by_role("heading", name="Devices", level=1)).to_be_visible()
    screenshot(page, "device-list")

    page.locator("#id_q").fill("achter")
    expect(page.get_by_role("cell", name="Devon Achterberg")).to_be_visible()
    expect(page.get_by_role("cell", name="PF4AB000")).to_have_count(0)
    page.locator("#id_q").fill("pf4ab")
    expect(page.get_by_role("cell", name="PF4AB000")).to_be_visible()
    page.get_by_label("Select every device on this page").check()
    expect(page.get_by_text("6 selected")).to_be_visible()
    screenshot(page, "device-list-selection")

    page.locator("#id_q").fill("")
    page.get_by_role("link", name="LHS-01234").click()
    expect(page.get_by_text("Checked out to Devon Achterberg")).to_be_visible()
    screenshot(page, "device-detail")

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Notes").fill("Sticker on the lid")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Device LHS-01234 was saved.")).to_be_visible()

    page.get_by_role("link", name="Change status").click()
    page.get_by_label("New status").select_option(label="Lost")
    page.get_by_label("Notes").fill("Left on bus 12")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Device LHS-01234 is now lost.")).to_be_visible()
    device.refresh_from_db()
    assert device.status == Status.LOST and device.holder is None
    assert Device.objects.get(pk=device.pk).notes == "Sticker on the lid"
    screenshot(page, "device-detail-lost")
