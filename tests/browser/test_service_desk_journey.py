"""The service desk end to end, as issue 3 checks it: a teacher is offered an answer while
typing, files a request anyway and replies; a technician triages the queue, takes the
request with a bulk action and resolves it; the leader sees the metrics move."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hatrack.conftest import make_user
from hatrack.core.roles import Role
from hatrack.servicedesk.models import Queue, Ticket
from hatrack.servicedesk.services.knowledge import create_article
from hatrack.servicedesk.tests.factories import make_team, make_ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(district_data):
    queue = Queue.objects.create(name="Technology", code="tech")
    queue.categories.create(name="Wi-Fi and network")
    technician = make_user(Role.TECHNICIAN, username="tech")
    make_team(queue=queue, name="Help desk", members=[technician])
    create_article(
        by=None,
        title="Wi-Fi keeps dropping",
        summary="Forget the network and join it again.",
        body="1. Open **Settings**.\n2. Forget *District-Staff* and join it again.",
        published=True,
    )
    # Last week's work, so the leader's page has figures before today's request.
    make_ticket(
        queue=queue, subject="Printer offline", requester=district_data["people"]["marisol"]
    )
    return {
        "queue": queue,
        "technician": technician,
        "teacher": make_user(
            Role.STAFF, username="mortega", person=district_data["people"]["marisol"]
        ),
        "leader": make_user(Role.LEADER, username="boss"),
    }


def card(page, label):
    label_text = page.locator(".label").get_by_text(label, exact=True)
    return page.locator(".metrics-cards .stat").filter(has=label_text).locator(".value")


def test_a_request_travels_from_the_portal_through_the_queue_to_the_metrics(
    page, signed_in, screenshot, desk
):
    signed_in(page, desk["leader"])
    page.goto(reverse("servicedesk:metrics"))
    expect(card(page, "tickets opened")).to_have_text("1")
    expect(card(page, "resolved")).to_have_text("0")

    signed_in(page, desk["teacher"])
    page.goto(reverse("portal:ticket_create"))
    page.get_by_label("What do you need help with?").press_sequentially(
        "wifi dropping in room 12", delay=20
    )
    expect(page.get_by_role("link", name="Wi-Fi keeps dropping")).to_be_visible()
    page.get_by_label("Kind of problem").select_option(label="Wi-Fi and network")
    page.get_by_label("Details").fill("Forgot the network and joined again; it still drops.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text(re.compile(r"your request is HT-\d{6}"))).to_be_visible()
    page.get_by_label("Your reply").fill("It drops every ten minutes or so.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply was added.")).to_be_visible()
    request = Ticket.objects.get(subject="wifi dropping in room 12")

    signed_in(page, desk["technician"])
    page.goto(reverse("servicedesk:queue") + "?status=new")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.get_by_role("button", name="Apply to selected").click()  # "Assign to me" is first
    expect(page.get_by_text("2 tickets assigned to you.")).to_be_visible()
    page.goto(reverse("servicedesk:ticket_detail", args=[request.pk]))
    expect(page.locator(".timeline, .desk-timeline").first).to_contain_text("every ten minutes")
    page.get_by_label("Message").fill("Replaced the access point in room 12.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text(f"{request.reference} was resolved.")).to_be_visible()
    screenshot(page, "journey-technician-resolved")

    signed_in(page, desk["leader"])
    page.goto(reverse("servicedesk:metrics"))
    page.get_by_role("link", name="Refresh now").click()
    expect(card(page, "tickets opened")).to_have_text("2")
    expect(card(page, "resolved")).to_have_text("1")
    screenshot(page, "journey-leader-metrics")
