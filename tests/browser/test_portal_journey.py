"""A staff member's journey through the portal: a suggested answer while typing, then a
request filed, found in My tickets, and replied to. On a desktop and a phone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.servicedesk.models import Queue, Ticket
from hatrack.servicedesk.services.knowledge import create_article

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def marisol_page(page, signed_in, district_data):
    """The staff persona, linked to Marisol Ortega, a teacher at Lincoln High School."""
    queue = Queue.objects.create(name="Technology", code="tech")
    queue.categories.create(name="Projectors and displays")
    create_article(
        by=None,
        title="Projector shows no picture",
        summary="Check the input source and the cable before calling us.",
        body="1. Press **Input** on the remote until the laptop shows.\n2. Reseat the HDMI cable.",
        published=True,
    )
    user = make_user(Role.STAFF, username="mortega", person=district_data["people"]["marisol"])
    signed_in(page, user)
    return page


def test_staff_see_a_suggested_answer_then_file_and_follow_a_request(marisol_page, screenshot):
    page = marisol_page
    page.goto(reverse("portal:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Help")
    expect(page.get_by_text("No tickets yet: ask for help above.")).to_be_visible()
    expect(page.get_by_label("Where").locator("option:checked")).to_have_text("Lincoln High School")
    screenshot(page, "portal-home")

    subject = page.get_by_label("What do you need help with?")
    subject.press_sequentially("projector no picture", delay=20)
    suggestion = page.get_by_role("link", name="Projector shows no picture")
    expect(suggestion).to_be_visible()
    screenshot(page, "portal-suggestion")
    suggestion.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projector shows no picture")
    expect(page.get_by_role("button", name="This answered my question")).to_be_visible()
    expect(page.locator(".article-body strong")).to_have_text("Input")
    screenshot(page, "portal-article-from-suggestion")

    page.go_back()
    page.get_by_label("What do you need help with?").fill("Projector in room 12 still dark")
    page.get_by_label("Kind of problem").select_option(label="Projectors and displays")
    page.get_by_label("Details").fill("Tried the input button and a new cable.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projector in room 12 still dark")
    expect(page.get_by_text(re.compile(r"your request is HT-\d{6}"))).to_be_visible()

    page.get_by_role("link", name="My tickets").click()
    row = page.locator("#results tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Projector in room 12 still dark")
    expect(row).to_contain_text("New")
    screenshot(page, "portal-my-tickets")
    row.get_by_role("link", name="Projector in room 12 still dark").click()

    page.get_by_label("Your reply").fill("It also makes a clicking sound.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply was added.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("It also makes a clicking sound.")
    screenshot(page, "portal-ticket")

    page.set_viewport_size(PHONE)
    screenshot(page, "portal-ticket-phone")
    page.goto(reverse("portal:home"))
    expect(page.get_by_role("link", name="Projector in room 12 still dark")).to_be_visible()
    screenshot(page, "portal-home-phone")


def test_a_suggested_answer_that_helps_files_nothing(marisol_page, screenshot):
    page = marisol_page
    page.goto(reverse("portal:home"))
    page.get_by_label("What do you need help with?").press_sequentially("projector", delay=20)
    page.get_by_role("link", name="Projector shows no picture").click()
    page.get_by_role("button", name="This answered my question").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("portal:home")) + "$"))
    expect(page.get_by_text("No ticket was filed")).to_be_visible()
    assert not Ticket.objects.exists()
