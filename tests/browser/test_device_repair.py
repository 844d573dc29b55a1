"""A technician's repair journey: a student's Chromebook breaks, goes to repair with a
loaner handed out by typing its tag, gets a new screen, and goes back to the student,
which collects the loaner; the family is charged for the screen and pays part of it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.devices.models import Assignment, Fee, Repair, Status
from hatrack.devices.services.assignments import check_out_device
from hatrack.devices.tests.factories import make_device, make_device_model, make_vendor
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.browser


@pytest.fixture
def fleet(db):
    technician = make_user(Role.TECHNICIAN, username="tech")
    school = make_site(name="Lincoln High School", code="LHS")
    student = make_person(
        given_name="Devon", family_name="Achterberg", sis_id="204117", primary_site=school
    )
    chromebook_model = make_device_model(manufacturer="Lenovo", name="300e Chromebook Gen 3")
    chromebook = make_device(
        serial_number="PF3XK2A9", asset_tag="LHS-01234", model=chromebook_model, site=school
    )
    check_out_device(device=chromebook, holder=student, by=technician)
    loaner = make_device(
        serial_number="PF3XK7Q1", asset_tag="LHS-LOAN-07", model=chromebook_model, site=school
    )
    make_vendor(name="Chromebook Repair Co.")
    return technician, student, chromebook, loaner


def test_technician_repairs_a_students_chromebook_with_a_loaner_and_charges_a_fee(
    page, signed_in, screenshot, fleet
):
    technician, student, chromebook, loaner = fleet
    signed_in(page, technician)

    page.goto(reverse("devices:repair_list"))
    expect(page.get_by_text("No open repairs")).to_be_visible()
    page.get_by_label("Open a repair for").fill("lhs-01234")
    page.keyboard.press("Enter")  # as a barcode scanner ends its input
    expect(page.get_by_role("heading", name="Open a repair for LHS-01234")).to_be_visible()
    expect(page.get_by_text("checks the device in from Devon Achterberg")).to_be_visible()
    page.get_by_label("Problem").fill("Screen cracked after a fall from the desk.")
    page.get_by_label("Damage").select_option(label="Cracked screen")
    page.get_by_label("Vendor").select_option(label="Chromebook Repair Co.")
    page.get_by_role("button", name="Open the repair").click()
    expect(page.get_by_text("was opened for LHS-01234")).to_be_visible()
    repair = Repair.objects.get()

    page.get_by_role("link", name="Hand out a loaner").click()
    expect(page.get_by_text("LHS-LOAN-07")).to_be_visible()  # suggested from the shelf
    screenshot(page, "device-repair-loaner")
    page.get_by_label("Loaner's asset tag").fill("lhs-loan-07")
    page.keyboard.press("Enter")  # as a barcode scanner ends its input
    expect(page.get_by_text("Loaner LHS-LOAN-07 handed to Devon Achterberg.")).to_be_visible()

    page.locator("#id_description").fill("LCD panel 11.6in HD")
    page.get_by_label("Part number").fill("5D10T45069")
    page.get_by_label("Unit cost ($)").fill("42.50")
    page.get_by_role("button", name="Add the part").click()
    expect(page.get_by_text("LCD panel 11.6in HD was added")).to_be_visible()
    expect(page.locator(".repair-total td.num")).to_have_text("$42.50")
    screenshot(page, "device-repair-detail")

    page.get_by_role("link", name="Close the repair").click()
    page.get_by_label("Repaired", exact=True).check()
    page.get_by_label("Resolution").fill("Replaced the LCD panel.")
    page.get_by_label("Return it to the student").check()
    screenshot(page, "device-repair-close")
    page.get_by_role("button", name="Close the repair").click()
    expect(page.get_by_text(f"{repair} was closed.")).to_be_visible()
    screenshot(page, "device-repair-closed")

    chromebook.refresh_from_db()
    loaner.refresh_from_db()
    repair.refresh_from_db()
    assert (repair.status, repair.parts_cost) == (Repair.Status.REPAIRED, Decimal("42.50"))
    assert (chromebook.status, chromebook.holder) == (Status.DEPLOYED, student)
    assert (loaner.status, loaner.holder) == (Status.IN_STOCK, None)
    assert Assignment.objects.get(kind="loaner").checked_in_at is not None

    page.get_by_role("link", name="Charge a fee").click()
    expect(page.get_by_label("Charged to")).to_have_value("204117")
    page.get_by_label("Amount ($)").fill("45.00")
    page.get_by_role("button", name="Charge the fee").click()
    expect(page.get_by_text("of $45.00 was charged")).to_be_visible()

    page.get_by_label("Amount ($)").fill("20")
    page.get_by_label("Method").select_option(label="Check")
    page.get_by_label("Reference").fill("1042")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("A payment of $20.00 was recorded.")).to_be_visible()
    expect(page.locator(".fee-balance")).to_have_text("$25.00")
    screenshot(page, "device-fee-detail")

    fee = Fee.objects.get()
    assert (fee.person, fee.repair, fee.damage_type) == (student, repair, "screen")
    assert (fee.status, fee.amount_paid) == (Fee.Status.PARTIAL, Decimal("20.00"))

    page.goto(reverse("devices:fee_list"))
    expect(page.locator(".fee-outstanding")).to_have_text("Outstanding: $25.00")
    screenshot(page, "device-fee-list")

    page.goto(reverse("devices:repair_list"))
    expect(page.get_by_text("No open repairs")).to_be_visible()
    page.get_by_label("Status").select_option(label="All repairs")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    screenshot(page, "device-repair-list")
