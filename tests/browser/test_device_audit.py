"""A physical audit by keyboard, as a technician with a scanner walks a classroom: start
the audit of the room, scan two devices that are there and one that belongs elsewhere,
finish, and read the found / missing / unexpected lists. And the label print form."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.devices.tests.factories import make_device, make_device_model, make_room
from hatrack.directory.tests.factories import make_district, make_site

pytestmark = pytest.mark.browser


@pytest.fixture
def classroom(db):
    """Room 204 at Lincoln High with three Chromebooks; a fourth lives in the library."""
    make_district(name="Maple Valley Unified")
    lincoln = make_site(name="Lincoln High School", code="LHS")
    room = make_room(site=lincoln, name="Room 204")
    library = make_room(site=lincoln, name="Library")
    model = make_device_model(manufacturer="Lenovo", name="300e Chromebook Gen 3")
    here = [
        make_device(site=lincoln, room=room, model=model, asset_tag=f"LHS-{n:04d}")
        for n in (1, 2, 3)
    ]
    stray = make_device(site=lincoln, room=library, model=model, asset_tag="LHS-0900")
    technician = make_user(Role.TECHNICIAN, username="tech")
    return technician, lincoln, room, here, stray


def scan(page, code):
    field = page.get_by_label("Scan an asset tag or serial number")
    field.fill(code)
    field.press("Enter")


def test_technician_audits_a_room_by_scanning_and_reads_the_three_lists(
    page, signed_in, screenshot, classroom
):
    technician, *_ = classroom
    signed_in(page, technician)
    page.goto(reverse("devices:audit_list"))
    page.locator("#id_site").select_option(label="Lincoln High School")
    expect(page.locator("#id_room")).to_contain_text("Room 204")  # swapped in by htmx
    page.locator("#id_room").select_option(label="Room 204")
    page.get_by_role("button", name="Start audit").click()
    expect(page.get_by_role("heading", name="Audit of LHS Room 204")).to_be_visible()
    expect(page.locator('.stat [data-count="expected"]')).to_have_text("3")

    result = page.locator("[data-audit-result]")
    scan(page, "lhs-0001")
    expect(result).to_have_text("LHS-0001 found.")
    expect(result).to_have_class("audit-result audit-result-ok")
    scan(page, "LHS-0002")
    expect(result).to_have_text("LHS-0002 found.")
    scan(page, "LHS-0900")
    expect(result).to_contain_text("LHS-0900 is not expected here")
    expect(result).to_contain_text("Library")
    expect(result).to_have_class("audit-result audit-result-error")
    expect(page.locator('.stat [data-count="found"]')).to_have_text("2")
    expect(page.locator('.stat [data-count="missing"]')).to_have_text("1")
    expect(page.locator('[data-rows="missing"] tr')).to_have_count(1)
    expect(page.locator('[data-rows="found"] tr')).to_have_count(2)
    screenshot(page, "device-audit-scanning")

    page.get_by_role("button", name="Finish audit").click()
    expect(page.get_by_text("Audit finished: 2 found, 1 missing, 1 unexpected.")).to_be_visible()
    expect(page.locator("[data-audit-scan]")).to_have_count(0)
    missing = page.locator("#list-missing")
    expect(missing.get_by_role("heading")).to_have_text("Missing (1)")
    expect(missing.locator("tbody")).to_contain_text("LHS-0003")
    expect(page.locator("#list-found tbody")).to_contain_text("LHS-0001")
    expect(page.locator("#list-found tbody")).to_contain_text("LHS-0002")
    expect(page.locator("#list-unexpected tbody")).to_contain_text("LHS-0900")
    screenshot(page, "device-audit-finished")

    page.get_by_role("link", name="Physical audits").click()
    recent = page.locator("#results tbody tr")
    expect(recent).to_have_count(1)
    expect(recent).to_contain_text("Lincoln High School, Room 204")
    screenshot(page, "device-audit-list")


def test_the_label_form_shows_the_selection_and_the_stock_choices(
    page, signed_in, screenshot, classroom
):
    technician, _lincoln, _room, here, _stray = classroom
    signed_in(page, technician)
    ids = ",".join(str(device.pk) for device in here)
    page.goto(f"{reverse('devices:label_sheet')}?ids={ids}")
    expect(page.get_by_role("heading", name="3 labels")).to_be_visible()
    expect(page.get_by_label("Avery 5160 / 8160: 30 per sheet", exact=False)).to_be_checked()
    page.get_by_label("Start at label").fill("7")
    screenshot(page, "device-labels-form")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename == "asset-labels-3-avery5160.pdf"


def test_devices_selected_in_the_device_list_arrive_on_the_label_form(page, signed_in, classroom):
    technician, *_ = classroom
    signed_in(page, technician)
    page.goto(reverse("devices:device_list"))
    page.get_by_label("Select LHS-0001").check()
    page.get_by_label("Select LHS-0900").check()
    page.get_by_role("button", name="Print labels").click()
    expect(page.get_by_role("heading", name="2 labels")).to_be_visible()
    expect(page.locator(".label-preview")).to_contain_text("LHS-0900")
