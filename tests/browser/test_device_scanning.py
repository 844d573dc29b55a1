"""The technician at the barcode scanner: hand out 30 Chromebooks by scanning (a badge,
then a device, as keyboard input ending in Enter), meet a refusal, undo, and collect them
all back, without the page ever reloading."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.devices.models import Assignment, Device, ScanSession, Status
from hatrack.devices.tests.factories import make_device, make_device_model, make_kit
from hatrack.directory.models import Grade
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.browser

COUNT = 30
RED = "rgb(164, 38, 44)"  # --color-danger
GREEN = "rgb(30, 107, 58)"  # --color-success
QUEUE_WAIT = 120_000  # ms for the queued scans to be answered, one after another


@pytest.fixture
def school(db):
    """An elementary school with 31 fifth graders and 30 Chromebooks in stock."""
    site = make_site(name="Cedar Elementary School", code="CES")
    model = make_device_model(manufacturer="Lenovo", name="100e Chromebook Gen 4")
    students = [
        make_person(
            given_name=f"Student{n:02d}",
            family_name="Rivera",
            grade=Grade.G05,
            primary_site=site,
            sis_id=f"4100{n:02d}",
        )
        for n in range(COUNT + 1)
    ]
    devices = [
        make_device(model=model, site=site, asset_tag=f"CB{n:04d}", serial_number=f"PF{n:08d}")
        for n in range(COUNT)
    ]
    kit = make_kit(name="Chromebook kit", accessories=["charger", "case"])
    return {"site": site, "students": students, "devices": devices, "kit": kit}


def start(page, kind: str, school) -> None:
    page.goto(reverse("devices:scan_list"))
    page.get_by_label(kind).check()
    page.get_by_label("Site", exact=True).select_option(label=school["site"].name)
    page.get_by_label("Kit", exact=True).select_option(label="Chromebook kit")
    page.get_by_role("button", name="Start scanning").click()
    # The box has autofocus before the script takes over the form: a scan typed in
    # between would post the plain form and reload the page, as it does without scripts.
    expect(page.locator("[data-scan-station][data-scan-ready]")).to_be_attached()
    expect(page.locator("#scan-value")).to_be_focused()


def scan(page, value: str) -> None:
    """What a scanner does: type the code quickly, then Enter (no wait for the answer)."""
    page.keyboard.type(value)
    page.keyboard.press("Enter")


@pytest.mark.timeout(600)  # 120 scans through a live server, on a busy CI machine too
def test_technician_hands_out_30_chromebooks_by_scanning_and_collects_them_back(
    page, signed_in, screenshot, school
):
    technician = make_user(Role.TECHNICIAN, username="tech")
    signed_in(page, technician)
    page.on("dialog", lambda dialog: dialog.accept())
    students, devices = school["students"], school["devices"]

    # Hand out: 60 scans typed as fast as a scanner sends them; none lost, none reordered.
    start(page, "Distribution", school)
    page.evaluate("window.sameDocument = true")  # gone if the page ever reloads
    for student, device in zip(students, devices, strict=False):
        scan(page, student.sis_id)
        scan(page, device.asset_tag)
    expect(page.locator("[data-scan-succeeded]")).to_have_text(str(COUNT), timeout=QUEUE_WAIT)
    expect(page.locator("[data-scan-queue]")).to_have_text("0")
    expect(page.locator("[data-scan-failed]")).to_have_text("0")
    assert page.evaluate("window.sameDocument === true"), "the page reloaded while scanning"
    session = ScanSession.objects.get(kind="distribute")
    for student, device in zip(students, devices, strict=False):
        device.refresh_from_db()
        assert (device.status, device.holder_id) == (Status.DEPLOYED, student.pk)
    kits = Assignment.objects.filter(session=session).values_list("accessories_out", flat=True)
    assert list(kits) == [["charger", "case"]] * COUNT
    screenshot(page, "device-scan-30-handed-out")

    # A device already handed out: refused in red, with words, and its holder named.
    scan(page, students[COUNT].sis_id)
    scan(page, devices[0].asset_tag)
    result = page.locator("[data-scan-result]")
    expect(result).to_contain_text("✗ Refused")
    expect(result).to_contain_text("CB0000 is already checked out to Student00 Rivera.")
    expect(result).to_have_css("color", RED)
    expect(page.locator("[data-scan-failed]")).to_have_text("1")
    screenshot(page, "device-scan-already-assigned")

    # Undo by keyboard (the badge of the 31st student), then by the button (the 30th
    # hand-out): the 30th student waits for a device again and gets it once more.
    page.keyboard.press("Control+z")
    expect(page.locator("[data-scan-prompt]")).to_have_text("Scan a student's badge")
    page.get_by_role("button", name="Undo last scan").click()
    expect(page.locator("[data-scan-succeeded]")).to_have_text(str(COUNT - 1))
    expect(page.locator("[data-scan-prompt]")).to_have_text(
        "Scan the device for Student29 Rivera (grade 5)"
    )
    last = devices[COUNT - 1]
    last.refresh_from_db()
    assert (last.status, last.holder_id) == (Status.IN_STOCK, None)
    page.locator("#scan-value").focus()
    scan(page, last.asset_tag)
    expect(page.locator("[data-scan-succeeded]")).to_have_text(str(COUNT))
    expect(page.locator("[data-scan-log] li").first).to_contain_text("CB0029 handed to")
    page.get_by_role("button", name="Finish session").click()
    expect(page.get_by_text(f"Session finished: {COUNT} handed out, 1 refused.")).to_be_visible()

    # Collect them all back.
    start(page, "Collection", school)
    for device in devices:
        scan(page, device.asset_tag)
    expect(page.locator("[data-scan-succeeded]")).to_have_text(str(COUNT), timeout=QUEUE_WAIT)
    expect(page.locator("[data-scan-queue]")).to_have_text("0")
    expect(page.locator("[data-scan-result]")).to_have_css("color", GREEN)
    screenshot(page, "device-scan-30-collected")
    collection = ScanSession.objects.get(kind="collect")
    assert not Assignment.objects.filter(checked_in_at__isnull=True).exists()
    assert Assignment.objects.filter(return_session=collection).count() == COUNT
    returned = Assignment.objects.filter(return_session=collection)
    assert list(returned.values_list("accessories_in", flat=True)) == [["charger", "case"]] * COUNT
    statuses = Device.objects.filter(site=school["site"]).values_list("status", flat=True)
    assert set(statuses) == {Status.IN_STOCK}


def test_the_collection_report_prints_who_still_holds_a_device(page, signed_in, screenshot, school):
    from hatrack.devices.services.assignments import check_out_device

    technician = make_user(Role.TECHNICIAN, username="tech")
    for student, device in list(zip(school["students"], school["devices"], strict=False))[:3]:
        check_out_device(device=device, holder=student, by=technician)
    signed_in(page, technician)
    page.goto(reverse("devices:collection_report"))
    expect(page.locator("table.collection-report tbody tr")).to_have_count(3)
    page.get_by_label("Grade", exact=True).select_option(label="Grade 5")
    expect(page.locator("table.collection-report tbody tr")).to_have_count(3)
    screenshot(page, "device-collection-report")
