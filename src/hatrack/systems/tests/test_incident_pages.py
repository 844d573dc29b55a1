"""The incident pages: the list with its filters and bounded queries, opening one by
hand, the detail page's forms (update, acknowledge, link a ticket), the review, and who
may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hatrack.servicedesk.models import TicketLink
from hatrack.servicedesk.tests.factories import make_ticket
from hatrack.systems.models import Incident, IncidentStatus
from hatrack.systems.services.incidents import open_incident, post_update
from hatrack.systems.tests.factories import make_dependency, make_incident, make_system

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso():
    sso = make_system(name="Single sign-on", tier=1)
    make_dependency(make_system(name="Learning platform"), sso)
    return sso


@pytest.fixture
def incident(sso, technician):
    return open_incident(
        title="Sign-in is failing", systems=[sso], by=technician,
        impact_level="major", message="Nobody can sign in.",
    )  # fmt: skip


def detail_url(incident: Incident, name: str = "incident_detail") -> str:
    return reverse(f"systems:{name}", args=[incident.pk])


def test_the_list_shows_open_incidents_before_resolved_newer_ones(viewer_client, sso):
    now = timezone.now()
    old_open = make_incident(sso, title="Old but open", started_at=now - timedelta(days=9))
    make_incident(sso, title="New but over", started_at=now, status=IncidentStatus.RESOLVED,
                  resolved_at=now)  # fmt: skip

    response = viewer_client.get(reverse("systems:incident_list"))

    assert response.status_code == 200
    titles = [row["title"] for row in response.context["rows"]]
    assert titles == [old_open.title, "New but over"]


def test_the_list_filters_by_status_system_source_and_dates(viewer_client, sso):
    other = make_system(name="Phones")
    now = timezone.now()
    make_incident(sso, title="Sign-in", started_at=now)
    make_incident(other, title="Phones", started_at=now - timedelta(days=30))
    url = reverse("systems:incident_list")

    assert [r["title"] for r in viewer_client.get(url, {"system": other.pk}).context["rows"]] == [
        "Phones"
    ]
    assert viewer_client.get(url, {"source": "check"}).context["rows"] == []
    since = (now - timedelta(days=2)).date().isoformat()
    assert [r["title"] for r in viewer_client.get(url, {"start": since}).context["rows"]] == [
        "Sign-in"
    ]
    assert viewer_client.get(url, {"status": "resolved"}).context["rows"] == []


def test_the_list_costs_the_same_queries_at_one_and_at_fifty_rows(
    viewer_client, sso, django_assert_num_queries
):
    make_incident(sso)
    url = reverse("systems:incident_list")
    viewer_client.get(url)
    with CaptureQueriesContext(connection) as one:
        viewer_client.get(url)
    for _ in range(60):
        make_incident(sso)
    with django_assert_num_queries(len(one)):
        response = viewer_client.get(url)
    assert len(response.context["rows"]) == 50
    assert response.context["page"].next_cursor


def test_the_list_pages_onward_by_cursor(viewer_client, sso):
    for _ in range(55):
        make_incident(sso)
    url = reverse("systems:incident_list")
    first = viewer_client.get(url).context

    second = viewer_client.get(url, {"after": first["page"].next_cursor}).context

    assert len(second["rows"]) == 5
    ids = {r["id"] for r in first["rows"]} | {r["id"] for r in second["rows"]}
    assert len(ids) == 55


def test_a_technician_opens_an_incident_by_hand(technician_client, sso):
    response = technician_client.post(
        reverse("systems:incident_create"),
        {"title": "Sign-in is slow", "systems": [sso.pk], "impact_level": "degraded",
         "message": "Sign-in takes a minute.", "public": "on"},
    )  # fmt: skip

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(incident)
    assert incident.impact_level == "degraded"
    assert incident.public


def test_opening_an_incident_without_systems_shows_the_error_beside_the_field(
    technician_client,
):
    response = technician_client.post(
        reverse("systems:incident_create"),
        {"title": "Something", "impact_level": "major", "message": "Words."},
    )

    assert response.status_code == 200
    assert "systems" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_the_detail_page_shows_systems_impact_timeline_and_forms(technician_client, incident):
    response = technician_client.get(detail_url(incident))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Learning platform" in page
    assert "Nobody can sign in." in page
    assert "Post an update" in page
    assert "Acknowledge" in page
    assert "Link the ticket" in page


def test_posting_an_update_moves_the_status(technician_client, incident):
    response = technician_client.post(
        detail_url(incident, "incident_update"),
        {"body": "Found the cause.", "status": "identified", "public": "on"},
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IDENTIFIED
    assert incident.updates.filter(body="Found the cause.", public=True).exists()


def test_an_empty_update_is_refused_beside_the_field(technician_client, incident):
    response = technician_client.post(
        detail_url(incident, "incident_update"), {"body": "", "status": "identified"}
    )

    assert response.status_code == 400
    assert "body" in response.context["update_form"].errors
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.INVESTIGATING


def test_acknowledging_from_the_page(technician_client, technician, incident):
    response = technician_client.post(detail_url(incident, "incident_acknowledge"))

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.acknowledged_by == technician


def test_tickets_are_linked_by_reference_and_listed(leader_client, incident):
    first, second = make_ticket(), make_ticket()

    leader_client.post(detail_url(incident, "incident_link_ticket"), {"ticket": first.reference})
    leader_client.post(detail_url(incident, "incident_link_ticket"), {"ticket": str(second.pk)})

    assert TicketLink.objects.count() == 2
    page = leader_client.get(detail_url(incident)).content.decode()
    assert first.reference in page
    assert reverse("servicedesk:ticket_detail", args=[second.pk]) in page


def test_a_linked_tickets_page_leads_back_to_the_incident(leader_client, incident):
    ticket = make_ticket()
    leader_client.post(detail_url(incident, "incident_link_ticket"), {"ticket": ticket.reference})

    page = leader_client.get(reverse("servicedesk:ticket_detail", args=[ticket.pk]))

    assert detail_url(incident) in page.content.decode()
    assert incident.reference in page.content.decode()


def test_a_ticket_the_technician_cannot_see_is_refused_like_no_ticket(technician_client, incident):
    hidden = make_ticket()

    response = technician_client.post(
        detail_url(incident, "incident_link_ticket"), {"ticket": hidden.reference}
    )

    assert response.status_code == 400
    assert response.context["ticket_form"].errors["ticket"] == [
        "There is no such ticket that you can see."
    ]
    assert not TicketLink.objects.exists()


def test_the_review_is_written_after_resolution_and_shown_rendered(
    technician_client, technician, viewer_client, incident
):
    post_update(incident=incident, by=technician, body="Fixed.", status="resolved")

    response = technician_client.post(
        detail_url(incident, "incident_review"),
        {"review": "The **certificate** expired.", "root_cause": "Expiry", "action_items": "Watch"},
    )

    assert response.status_code == 302
    page = viewer_client.get(detail_url(incident, "incident_review")).content.decode()
    assert "<strong>certificate</strong>" in page
    assert "Save the review" not in page


def test_staff_may_not_open_the_incident_pages(staff_client, incident):
    urls = [reverse("systems:incident_list"), reverse("systems:incident_create")]
    urls += [detail_url(incident), detail_url(incident, "incident_review")]
    for url in urls:
        assert staff_client.get(url).status_code == 403


def test_viewers_read_incidents_but_change_nothing(viewer_client, incident):
    assert viewer_client.get(detail_url(incident)).status_code == 200
    page = viewer_client.get(detail_url(incident)).content.decode()
    assert "Post an update" not in page
    assert viewer_client.get(reverse("systems:incident_create")).status_code == 403
    for name in ("incident_update", "incident_acknowledge", "incident_link_ticket",
                 "incident_review"):  # fmt: skip
        assert viewer_client.post(detail_url(incident, name), {"body": "x"}).status_code == 403
    incident.refresh_from_db()
    assert incident.acknowledged_at is None
