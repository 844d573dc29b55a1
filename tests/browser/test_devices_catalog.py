"""The catalog and where devices show up elsewhere, in the browser: the leader adds a
model and a kit; a person's and a site's page show their devices; the desk picks the
caller's device for a new ticket."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.devices.models import DeviceModel, Kit
from hatrack.devices.services.assignments import check_out_device
from hatrack.devices.tests.factories import make_device, make_device_model, make_room
from hatrack.directory.models import Room
from hatrack.directory.tests.factories import make_person, make_site
from hatrack.servicedesk.models import TicketLink
from hatrack.servicedesk.tests.factories import make_queue, make_team

pytestmark = pytest.mark.browser


@pytest.fixture
def school(db):
    leader = make_user(Role.LEADER, username="lead")
    site = make_site(name="Lincoln High School", code="LHS")
    student = make_person(
        given_name="Devon", family_name="Achterberg", sis_id="204117", primary_site=site
    )
    model = make_device_model(manufacturer="Lenovo", name="300e Chromebook Gen 3")
    device = make_device(serial_number="PF3XK2A9", asset_tag="LHS-01234", model=model, site=site)
    check_out_device(device=device, holder=student, by=leader)
    make_device(serial_number="PF3XK7Q1", model=model, site=site)
    make_room(site=site, name="Library")
    return leader, site, student, device


def test_the_leader_adds_a_model_and_a_kit(page, signed_in, screenshot, school):
    leader, *_ = school
    signed_in(page, leader)
    page.goto(reverse("devices:model_list"))
    expect(page.get_by_role("cell", name="Lenovo 300e Chromebook Gen 3")).to_be_visible()
    page.get_by_role("link", name="Add a model").click()
    page.get_by_label("Manufacturer").fill("Dell")
    page.locator("#id_name").fill("Latitude 3440")
    page.get_by_label("Category").select_option(label="Windows laptop")
    page.get_by_label("Expected life (years)").fill("5")
    page.get_by_label("Replacement cost ($)").fill("899")
    page.get_by_role("button", name="Add model").click()
    expect(page.get_by_text("Dell Latitude 3440 was added to the catalog.")).to_be_visible()
    assert DeviceModel.objects.filter(name="Latitude 3440").exists()
    screenshot(page, "catalog-model-detail")

    page.get_by_role("link", name="Models & kits").click()
    screenshot(page, "catalog-model-list")
    page.get_by_role("link", name="Kits", exact=True).click()
    page.get_by_role("link", name="Add a kit").first.click()
    page.get_by_label("Name").fill("Student Chromebook")
    page.get_by_label("For devices of kind").select_option(label="Chromebook")
    page.get_by_label("Accessories").fill("Charger\nCase")
    page.get_by_role("button", name="Add kit").click()
    expect(page.get_by_role("cell", name="charger, case")).to_be_visible()
    assert Kit.objects.get().accessories == ["charger", "case"]
    screenshot(page, "catalog-kit-list")


def test_the_person_and_site_pages_show_their_devices(page, signed_in, screenshot, school):
    leader, site, student, _ = school
    signed_in(page, leader)
    page.goto(student.get_absolute_url())
    held = page.get_by_role("region", name="Devices held now")
    expect(held.get_by_role("link", name="LHS-01234")).to_be_visible()
    expect(held.get_by_text("Lenovo 300e Chromebook Gen 3")).to_be_visible()
    screenshot(page, "person-devices")

    page.goto(site.get_absolute_url())
    devices = page.get_by_role("region", name="Devices")
    expect(devices.get_by_text("2 devices on record")).to_be_visible()
    page.get_by_role("link", name="Add a room").click()
    page.get_by_label("Name").fill("Room 204")
    page.get_by_role("button", name="Add room").click()
    expect(page.get_by_text("Room 204 was added to Lincoln High School.")).to_be_visible()
    assert Room.objects.filter(site=site, name="Room 204").exists()
    screenshot(page, "site-rooms-devices")


def test_the_desk_picks_the_callers_device_after_choosing_the_caller(
    page, signed_in, screenshot, school
):
    *_, device = school
    technician = make_user(Role.TECHNICIAN, username="tech")
    queue = make_queue(name="Technology", code="tech")
    make_team(queue=queue, name="Help desk", members=[technician])
    signed_in(page, technician)
    page.goto(reverse("servicedesk:ticket_create"))
    page.get_by_label("Find a person").fill("achter")
    page.get_by_label("Devon Achterberg").check()
    page.get_by_label("Device").select_option(label="LHS-01234 · Lenovo 300e Chromebook Gen 3")
    page.get_by_label("Subject").fill("Chromebook will not charge")
    screenshot(page, "desk-ticket-device-pick")
    page.get_by_role("button", name="Open ticket").click()
    links = page.get_by_role("region", name="Linked records")
    expect(links.get_by_role("link", name="LHS-01234")).to_be_visible()
    assert TicketLink.objects.get().object_id == device.pk
