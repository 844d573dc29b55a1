"""The technician's main journey: triage the queue by keyboard, take two tickets, reply
to one and resolve it; the same pages at a phone's width."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.directory.tests.factories import make_person, make_site
from hatrack.servicedesk.models import CannedResponse, Ticket
from hatrack.servicedesk.tests.factories import make_queue, make_team, make_ticket

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def desk(db):
    """A Technology queue worked by one technician, with three new tickets."""
    technician = make_user(Role.TECHNICIAN, username="tech")
    queue = make_queue(name="Technology", code="tech")
    make_team(queue=queue, name="Help desk", members=[technician])
    site = make_site(name="Lincoln High School")
    teacher = make_person(given_name="Marisol", family_name="Ortega", primary_site=site)
    tickets = [
        make_ticket(queue=queue, requester=teacher, site=site, subject=subject)
        for subject in ("Printer jammed in library", "Projector is dark", "Wi-Fi drops in B12")
    ]
    make_ticket(queue=queue, requester=teacher, subject="Old laptop", status=Ticket.Status.RESOLVED)
    CannedResponse.objects.create(
        title="On my way",
        body="Hi {{ requester.first_name }}, I am on my way to {{ ticket.reference }}.",
    )
    return technician, tickets


def rows(page):
    return page.locator("#results tbody tr")


def test_technician_triages_by_keyboard_takes_two_tickets_replies_and_resolves(
    page, signed_in, screenshot, desk
):
    technician, _tickets = desk
    signed_in(page, technician)
    page.goto(reverse("servicedesk:queue"))
    expect(rows(page)).to_have_count(4)
    page.get_by_label("Status", exact=True).select_option(label="Open (not done)")
    expect(rows(page)).to_have_count(3)
    expect(page).to_have_url(re.compile(r"status=open"))

    page.locator("h1").click()  # keys act on the page, not inside a field
    page.keyboard.press("?")
    expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    screenshot(page, "desk-queue-key-help")
    page.keyboard.press("Escape")
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(page.locator("#results tbody tr.is-selected")).to_have_count(2)
    expect(page.locator("[data-selected-count]")).to_have_text("(2 selected)")
    screenshot(page, "desk-queue-two-selected")
    page.get_by_role("button", name="Apply to selected").click()  # "Assign to me" is first
    expect(page.get_by_text("2 tickets assigned to you.")).to_be_visible()
    assert Ticket.objects.filter(assignee=technician).count() == 2

    page.get_by_role("link", name="My open").click()
    expect(rows(page)).to_have_count(2)
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()

    page.get_by_label("Canned response").select_option(label="On my way")
    expect(page.get_by_label("Message")).to_have_value(
        re.compile(r"^Hi Marisol, I am on my way to HT-")
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page.locator(".desk-message-reply")).to_contain_text("I am on my way")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text(re.compile(r"HT-\d+ was resolved\."))).to_be_visible()
    screenshot(page, "desk-ticket-resolved")
    assert Ticket.objects.filter(status=Ticket.Status.RESOLVED, assignee=technician).count() == 1


def test_the_queue_and_a_ticket_fit_a_phone(page, signed_in, screenshot, desk):
    technician, tickets = desk
    signed_in(page, technician)
    page.set_viewport_size(PHONE)
    page.goto(reverse("servicedesk:queue"))
    expect(rows(page)).to_have_count(4)
    screenshot(page, "desk-queue-phone")
    page.goto(reverse("servicedesk:ticket_detail", args=[tickets[0].pk]))
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow
    screenshot(page, "desk-ticket-phone")
