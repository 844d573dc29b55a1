"""The leader's device import journey in the browser: upload a Google Admin export, see
its preview, confirm it, and see what was imported; and a spreadsheet's column mapping."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

import hatrack.devices.tests
from hatrack.conftest import make_user
from hatrack.core.models import ImportRun
from hatrack.core.roles import Role
from hatrack.devices.models import Device
from hatrack.devices.tasks import run_device_import

pytestmark = pytest.mark.browser

DATA = Path(hatrack.devices.tests.__file__).parent / "data"


def run_queued_tasks(page) -> None:
    """The worker's part, in this thread while the page is elsewhere (the in-memory test
    database has one connection, which the live server would otherwise share)."""
    page.goto("about:blank")
    for run in ImportRun.objects.filter(kind="devices", finished_at__isnull=True):
        run_device_import.call(run.pk)


def test_leader_previews_and_confirms_a_google_admin_export(
    page, signed_in, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    signed_in(page, make_user(Role.LEADER, username="lead"))
    page.goto(reverse("devices:import_create"))
    page.get_by_label("Google Admin ChromeOS devices export").check()
    page.get_by_label("Export file").set_input_files(DATA / "google_admin.csv")
    page.get_by_role("button", name="Upload and preview").click()
    expect(page).to_have_url(re.compile(r"/devices/imports/\d+/$"))
    expect(page.locator("#import-progress")).to_contain_text("Queued")
    detail_url = page.url

    run_queued_tasks(page)
    page.goto(detail_url)
    progress = page.locator("#import-progress")
    expect(progress.get_by_text("Preview ready", exact=True)).to_be_visible()
    expect(progress).to_contain_text("5CD1234ABC")
    screenshot(page, "device-import-preview")
    assert not Device.objects.exists()

    page.get_by_role("button", name="Confirm and import").click()
    expect(page).to_have_url(re.compile(r"/devices/imports/\d+/$"))
    confirmed_url = page.url
    run_queued_tasks(page)
    page.goto(confirmed_url)
    expect(page.locator("#import-progress").get_by_text("Imported", exact=True)).to_be_visible()
    screenshot(page, "device-import-done")
    assert Device.objects.count() == 5


def test_leader_maps_the_columns_of_a_spreadsheet(page, signed_in, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    signed_in(page, make_user(Role.LEADER, username="lead"))
    page.goto(reverse("devices:import_create"))
    page.get_by_label("CSV or XLSX with column mapping").check()
    page.get_by_label("Export file").set_input_files(DATA / "google_admin_broken.csv")
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Map the columns")).to_be_visible()
    expect(page.get_by_label("Serial number")).to_have_value("Serial Number")
    screenshot(page, "device-import-mapping")
    page.get_by_role("button", name="Preview the import").click()
    expect(page).to_have_url(re.compile(r"/devices/imports/\d+/$"))
    detail_url = page.url
    run_queued_tasks(page)
    page.goto(detail_url)
    expect(page.locator("#import-progress")).to_contain_text("is also on line 4")
    expect(page.get_by_label(re.compile(r"Skip the 3 bad rows"))).to_be_visible()
    screenshot(page, "device-import-bad-rows")
