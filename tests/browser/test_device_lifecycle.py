"""The leader's lifecycle page in the browser: headline figures, charts that load as
images under the strict policy, the site filter, the Print button and the print layout."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.devices.models import Category, Device, Status
from hatrack.devices.tests.factories import make_device, make_device_model, make_repair
from hatrack.directory.tests.factories import make_site

pytestmark = pytest.mark.browser

# (manufacturer, name, category, auto-update expiration in days from today, cost, devices)
MODELS = [
    ("Dell", "Chromebook 3100", Category.CHROMEBOOK, -500, "239.00", 14),
    ("HP", "Chromebook 11 G8 EE", Category.CHROMEBOOK, 200, "249.00", 18),
    ("Lenovo", "300e Chromebook Gen 3", Category.CHROMEBOOK, 900, "319.00", 22),
    ("Dell", "Chromebook 3110", Category.CHROMEBOOK, 2000, "289.00", 16),
    ("Dell", "Latitude 3440", Category.WINDOWS, None, "949.00", 6),
    ("Promethean", "ActivPanel 9 75\"", Category.DISPLAY, None, "3499.00", 4),
]  # fmt: skip
STATUSES = [Status.DEPLOYED] * 7 + [Status.IN_STOCK, Status.IN_REPAIR, Status.LOST,
                                    Status.STOLEN, Status.RETIRED]  # fmt: skip


@pytest.fixture
def fleet(db):
    """Two schools' devices of six models, bought over six years, with repairs and losses."""
    leader = make_user(Role.LEADER, username="director")
    sites = [make_site(name="Ridgeview Middle School"), make_site(name="Alder Grove Elementary")]
    today, now, n = timezone.localdate(), timezone.now(), 0
    for manufacturer, name, category, aue, cost, count in MODELS:
        model = make_device_model(
            manufacturer=manufacturer, name=name, category=category,
            auto_update_expiration=None if aue is None else today + dt.timedelta(days=aue),
            replacement_cost=Decimal(cost), expected_life_years=4 if aue else 6,
        )  # fmt: skip
        for i in range(count):
            n += 1
            bought = today - dt.timedelta(days=120 + 365 * (n % 6) + i)
            device = make_device(
                model=model, site=sites[n % 2], status=STATUSES[n % len(STATUSES)],
                purchased_on=bought, cost=Decimal(cost),
                warranty_ends_on=bought.replace(year=bought.year + 3),
            )  # fmt: skip
            if n % 4 == 0:
                make_repair(device=device, opened_at=now - dt.timedelta(days=n * 3),
                            status="repaired")  # fmt: skip
            if device.status in (Status.LOST, Status.STOLEN):
                marked = now - dt.timedelta(days=150 * (n % 5))
                Device.objects.filter(pk=device.pk).update(updated_at=marked)
    return leader, sites


def test_the_leader_reads_the_fleets_lifecycle_and_prints_it(page, signed_in, screenshot, fleet):
    leader, _ = fleet
    signed_in(page, leader)
    page.goto(reverse("devices:lifecycle"))

    expect(page.get_by_role("heading", name="Device lifecycle", level=1)).to_be_visible()
    expect(page.get_by_text("devices in the fleet", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Replacement cost by year")).to_be_visible()
    charts = page.locator("img.lifecycle-chart")
    assert charts.count() >= 7
    for index in range(charts.count()):
        assert charts.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.get_by_role("row", name="Dell Chromebook 3100").first).to_be_visible()
    expect(page.locator('a[aria-current="page"]', has_text="Lifecycle")).to_be_visible()
    screenshot(page, "device-lifecycle")

    page.get_by_label("Site", exact=True).select_option(label="Alder Grove Elementary")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Devices at Alder Grove Elementary")).to_be_visible()
    expect(page.get_by_role("row", name="Ridgeview Middle School")).to_have_count(0)

    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".lifecycle-filters")).to_be_hidden()
    expect(page.locator(".hat-tabs")).to_be_hidden()
    screenshot(page, "device-lifecycle-print")
