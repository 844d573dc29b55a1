"""The metrics page and its CSV exports: who may see them, what they show, what they cost."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from hatrack.servicedesk.models import Ticket
from hatrack.servicedesk.services import reply_to_ticket, set_ticket_status
from hatrack.servicedesk.tests.factories import make_category, make_queue, make_ticket

pytestmark = pytest.mark.django_db

URL = reverse("servicedesk:metrics")
CSV = reverse("servicedesk:metrics_csv")
NOW = datetime.datetime(2025, 3, 14, 18, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fresh_cache(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()


def tickets(count, **values):
    queue = values.pop("queue", None) or make_queue(name="Technology", code="tech")
    for _ in range(count):
        ticket = make_ticket(queue=queue, **values)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=NOW - datetime.timedelta(days=3))
    return queue


def csv_text(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("persona", ["leader", "viewer"], indirect=True)
def test_leaders_and_viewers_see_the_metrics(persona):
    _, client = persona
    tickets(2)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Volume by week" in response.content


@pytest.mark.parametrize("persona", ["technician", "staff"], indirect=True)
def test_technicians_and_staff_are_refused_the_metrics(persona):
    _, client = persona
    assert client.get(URL).status_code == 403
    assert client.get(CSV).status_code == 403


def test_an_empty_desk_says_so(leader_client):
    response = leader_client.get(URL)
    assert b"No tickets in this period" in response.content


def test_charts_are_images_with_text_alternatives(leader_client):
    tickets(3)
    content = leader_client.get(URL).content.decode()
    assert 'src="data:image/svg+xml;base64,' in content
    assert "the numbers are in the table below" in content
    assert "<script" not in content.split("<main", 1)[1]


def test_a_custom_period_needs_both_days_in_order(leader_client):
    period = {"range": "custom", "start": "2025-03-10", "end": "2025-03-01"}
    response = leader_client.get(URL, period)
    assert "The last day comes before the first; swap them." in response.content.decode()


def test_the_weekly_csv_lists_every_week_with_its_count(leader_client):
    tickets(3)
    text = csv_text(leader_client.get(CSV, {"part": "weekly"}))
    lines = text.splitlines()
    assert lines[0] == "Week starting,Tickets opened"
    assert len(lines) == 1 + 12
    assert lines[-1] == "2025-03-10,3"


def test_the_category_csv_names_categories_with_their_counts(leader_client):
    queue = make_queue()
    tickets(2, queue=queue, category=make_category(queue=queue, name="Printing"))
    text = csv_text(leader_client.get(CSV, {"part": "categories", "queue": queue.pk}))
    assert text.splitlines() == ["Category,Tickets", "Printing,2"]


def test_an_unknown_export_is_a_bad_request(leader_client):
    assert leader_client.get(CSV, {"part": "secrets"}).status_code == 400


def test_a_resolved_ticket_shows_after_a_refresh(leader_client, technician, queue, teacher):
    ticket = make_ticket(queue=queue, requester=teacher)
    leader_client.get(URL)  # computed and cached: nothing resolved yet
    reply_to_ticket(ticket=ticket, body="On my way.", by=technician)
    set_ticket_status(ticket=ticket, status=Ticket.Status.RESOLVED, by=technician)
    cached = csv_text(leader_client.get(CSV, {"part": "summary"}))
    assert "Tickets resolved,0" in cached
    leader_client.get(URL, {"refresh": "1"})
    assert "Tickets resolved,1" in csv_text(leader_client.get(CSV, {"part": "summary"}))


def test_the_cached_figures_expire_within_a_minute(
    leader_client, technician, queue, teacher, time_machine
):
    ticket = make_ticket(queue=queue, requester=teacher)
    leader_client.get(URL)
    set_ticket_status(ticket=ticket, status=Ticket.Status.RESOLVED, by=technician)
    time_machine.move_to(NOW + datetime.timedelta(seconds=61), tick=False)
    assert "Tickets resolved,1" in csv_text(leader_client.get(CSV, {"part": "summary"}))


def test_the_page_costs_the_same_queries_at_one_ticket_and_at_many(leader_client, technician):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hatrack.directory.tests.factories import make_site

    queue = make_queue()
    complete = {
        "queue": queue,
        "category": make_category(queue=queue),
        "site": make_site(),
        "assignee": technician,
        "first_response_at": NOW - datetime.timedelta(days=2),
        "resolved_at": NOW - datetime.timedelta(days=1),
        "status": Ticket.Status.RESOLVED,
    }
    tickets(1, **complete)
    leader_client.get(URL)  # the session and the district's name settle on the first visit
    with CaptureQueriesContext(connection) as one:
        leader_client.get(URL, {"refresh": "1"})
    tickets(60, **complete)
    with CaptureQueriesContext(connection) as many:
        leader_client.get(URL, {"refresh": "1"})
    assert len(one) == len(many) <= 25
