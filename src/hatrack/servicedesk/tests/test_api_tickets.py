"""Tickets over the API: who sees which, the list's filters and pages, opening, working
and merging tickets through the same rules as the pages."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hatrack.accounts.tokens import create_api_token
from hatrack.conftest import make_user
from hatrack.core.audit import history_of
from hatrack.directory.tests.factories import make_person
from hatrack.servicedesk.models import Ticket, TicketMessage
from hatrack.servicedesk.tests.factories import make_category, make_queue, make_ticket

pytestmark = pytest.mark.django_db


def api_client(user) -> Client:
    _, key = create_api_token(user=user, name="tests", by=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get("/api/queues")  # records the token's first use outside later counts
    return client


def post(client: Client, path: str, data: dict):
    return client.post(path, data, content_type="application/json")


def patch(client: Client, path: str, data: dict):
    return client.patch(path, data, content_type="application/json")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["items"]]


# --- Who sees which tickets ------------------------------------------------------------


def test_a_staff_user_lists_only_their_own_tickets(ticket, asker, queue):
    make_ticket(queue=queue, subject="Someone else's printer")

    assert ids(api_client(asker).get("/api/tickets")) == [ticket.pk]


def test_a_staff_user_gets_404_for_another_requesters_ticket(asker, queue):
    other = make_ticket(queue=queue)

    response = api_client(asker).get(f"/api/tickets/{other.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_staff_user_cannot_read_another_requesters_timeline(asker, queue):
    other = make_ticket(queue=queue)

    assert api_client(asker).get(f"/api/tickets/{other.pk}/messages").status_code == 404


def test_a_technician_sees_their_queues_tickets_and_not_another_queues(technician, ticket):
    facilities = make_ticket(queue=make_queue(name="Facilities"), subject="Boiler is off")
    client = api_client(technician)

    assert ids(client.get("/api/tickets")) == [ticket.pk]
    assert client.get(f"/api/tickets/{facilities.pk}").status_code == 404


def test_a_viewer_reads_every_ticket_but_changes_none(viewer, ticket):
    client = api_client(viewer)

    assert client.get(f"/api/tickets/{ticket.pk}").status_code == 200
    assert patch(client, f"/api/tickets/{ticket.pk}", {"priority": "high"}).status_code == 403


def test_a_staff_user_cannot_change_their_own_ticket(asker, ticket):
    response = patch(api_client(asker), f"/api/tickets/{ticket.pk}", {"status": "closed"})

    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.NEW


# --- The list ------------------------------------------------------------------------------


def test_tickets_are_listed_by_latest_activity_first(leader, queue):
    older, newer = make_ticket(queue=queue), make_ticket(queue=queue)
    Ticket.objects.filter(pk=older.pk).update(updated_at=timezone.now())

    assert ids(api_client(leader).get("/api/tickets")) == [older.pk, newer.pk]


def test_status_open_lists_every_ticket_still_needing_work(leader, queue):
    waiting = make_ticket(queue=queue, status=Ticket.Status.WAITING_ON_REQUESTER)
    make_ticket(queue=queue, status=Ticket.Status.RESOLVED)

    assert ids(api_client(leader).get("/api/tickets?status=open")) == [waiting.pk]


def test_the_list_filters_by_priority_category_and_channel(leader, queue):
    category = make_category(queue=queue, name="Printing")
    match = make_ticket(queue=queue, priority="urgent", category=category, channel="email")
    make_ticket(queue=queue, priority="urgent", channel="email")
    make_ticket(queue=queue, category=category, channel="email")

    url = f"/api/tickets?priority=urgent&category={category.pk}&channel=email"
    assert ids(api_client(leader).get(url)) == [match.pk]


def test_assignee_me_and_none_find_my_tickets_and_unassigned_ones(technician, queue):
    mine = make_ticket(queue=queue, assignee=technician)
    nobodys = make_ticket(queue=queue)
    client = api_client(technician)

    assert ids(client.get("/api/tickets?assignee=me")) == [mine.pk]
    assert ids(client.get("/api/tickets?assignee=none")) == [nobodys.pk]


def test_updated_since_lists_tickets_changed_from_that_time(leader, queue):
    old = make_ticket(queue=queue)
    Ticket.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    recent = make_ticket(queue=queue)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    response = api_client(leader).get("/api/tickets", {"updated_since": since})

    assert ids(response) == [recent.pk]


def test_an_unknown_status_is_refused_in_words(leader):
    response = api_client(leader).get("/api/tickets?status=lost")

    assert response.status_code == 422
    assert "status" in response.json()["errors"]


def test_pages_follow_next_without_repeating_or_skipping_tickets(leader, queue):
    made = [make_ticket(queue=queue).pk for _ in range(5)]
    client, seen, url = api_client(leader), [], "/api/tickets?limit=2"
    while url:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).json()
        sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
        assert "OFFSET" not in sql
        assert "COUNT(" not in sql
        seen += [t["id"] for t in body["items"]]
        url = body["next"]

    assert sorted(seen) == sorted(made)


@pytest.mark.parametrize("rows", [1, 50])
def test_a_page_of_tickets_costs_three_queries_whatever_its_size(
    rows, technician, queue, django_assert_num_queries
):
    requester, client = make_person(), api_client(technician)
    Ticket.objects.bulk_create(
        Ticket(queue=queue, subject=f"Ticket {n}", requester=requester, assignee=technician)
        for n in range(rows)
    )

    # The token, the account's directory person (scoping reads it), the page.
    with django_assert_num_queries(3):
        response = client.get("/api/tickets?limit=100&status=open&assignee=me")

    assert len(response.json()["items"]) == rows


def test_list_and_detail_write_the_same_ticket_fields(leader, ticket):
    client = api_client(leader)
    listed = client.get("/api/tickets").json()["items"][0]
    single = client.get(f"/api/tickets/{ticket.pk}").json()

    assert {k: single[k] for k in listed} == listed
    assert listed["reference"] == ticket.reference
    assert listed["requester_name"] == ticket.requester.full_name


# --- Opening -------------------------------------------------------------------------------


def test_a_staff_user_opens_a_ticket_for_themselves_through_the_api(asker, teacher, queue):
    body = {"queue_id": queue.pk, "subject": "Chromebook will not charge"}

    response = post(api_client(asker), "/api/tickets", body)

    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.requester == teacher
    assert ticket.channel == Ticket.Channel.API
    assert ticket.site == teacher.primary_site
    assert history_of(ticket)


def test_a_staff_user_cannot_open_a_ticket_for_someone_else(asker, queue):
    body = {"queue_id": queue.pk, "subject": "Printer jam", "requester_id": make_person().pk}

    response = post(api_client(asker), "/api/tickets", body)

    assert response.status_code == 422
    assert "only for yourself" in response.json()["errors"]["requester_id"][0]
    assert not Ticket.objects.exists()


def test_a_technician_opens_a_phoned_in_ticket_for_a_teacher(technician, teacher, queue):
    body = {
        "queue_id": queue.pk,
        "subject": "Projector in room 12 is dark",
        "requester_id": teacher.pk,
        "channel": "phone",
        "priority": "high",
    }

    response = post(api_client(technician), "/api/tickets", body)

    assert response.status_code == 201, response.content
    assert response.json()["requester_id"] == teacher.pk
    assert response.json()["channel"] == "phone"
    assert Ticket.objects.get().created_by == technician


def test_opening_a_ticket_in_an_unknown_queue_is_refused_beside_the_field(leader):
    response = post(api_client(leader), "/api/tickets", {"queue_id": 999, "subject": "Help"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"queue_id": ["No queue has the id 999."]}


def test_the_services_refusal_of_another_queues_category_comes_back_by_api_field(leader, queue):
    other = make_category(queue=make_queue(name="Facilities"))
    body = {"queue_id": queue.pk, "subject": "Help", "category_id": other.pk}

    response = post(api_client(leader), "/api/tickets", body)

    assert response.status_code == 422
    assert "category_id" in response.json()["errors"]


# --- Working -------------------------------------------------------------------------------


def test_a_technician_triages_a_ticket_in_one_request(technician, ticket, queue):
    category = make_category(queue=queue, name="Printing")
    body = {
        "status": "open",
        "priority": "high",
        "category_id": category.pk,
        "assignee_id": technician.pk,
        "tags": ["Printer", "room-12"],
    }

    response = patch(api_client(technician), f"/api/tickets/{ticket.pk}", body)

    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["status"], out["priority"], out["category_id"]) == ("open", "high", category.pk)
    assert out["assignee_id"] == technician.pk
    assert out["tags"] == ["printer", "room-12"]
    events = TicketMessage.objects.filter(ticket=ticket, kind=TicketMessage.Kind.EVENT)
    assert events.count() >= 3


def test_a_refused_change_leaves_the_whole_ticket_unchanged(technician, ticket):
    other = make_category(queue=make_queue(name="Facilities"))
    body = {"priority": "urgent", "assignee_id": technician.pk, "category_id": other.pk}

    response = patch(api_client(technician), f"/api/tickets/{ticket.pk}", body)

    assert response.status_code == 422
    assert "category_id" in response.json()["errors"]
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee) == ("normal", None)


def test_assigning_to_a_staff_user_is_refused_in_words(technician, ticket, staff):
    response = patch(api_client(technician), f"/api/tickets/{ticket.pk}", {"assignee_id": staff.pk})

    assert response.status_code == 422
    assert response.json()["errors"]


def test_a_technician_cannot_change_a_closed_ticket(technician, queue):
    closed = make_ticket(queue=queue, status=Ticket.Status.CLOSED)

    response = patch(api_client(technician), f"/api/tickets/{closed.pk}", {"priority": "low"})

    assert response.status_code == 422
    assert "only a technology leader" in str(response.json()["errors"])


def test_a_leader_reopens_a_closed_ticket(leader, queue):
    closed = make_ticket(queue=queue, status=Ticket.Status.CLOSED)

    response = patch(api_client(leader), f"/api/tickets/{closed.pk}", {"status": "open"})

    assert response.status_code == 200
    assert response.json()["closed_at"] is None


def test_a_duplicate_is_merged_into_the_ticket_that_carries_on(technician, ticket, queue):
    duplicate = make_ticket(queue=queue, requester=ticket.requester)

    response = post(
        api_client(technician), f"/api/tickets/{duplicate.pk}/merge", {"into_id": ticket.pk}
    )

    assert response.status_code == 200, response.content
    assert response.json()["merged_into_id"] == ticket.pk
    assert response.json()["status"] == "closed"


def test_merging_into_a_ticket_one_cannot_see_is_refused(technician, ticket):
    hidden = make_ticket(queue=make_queue(name="Facilities"))

    response = post(
        api_client(technician), f"/api/tickets/{ticket.pk}/merge", {"into_id": hidden.pk}
    )

    assert response.status_code == 422
    assert "you can see" in response.json()["errors"]["into_id"][0]


def test_a_technician_of_another_queue_gets_404_when_changing_a_ticket(ticket):
    outsider = make_user("technician", username="facilities-tech")

    response = patch(api_client(outsider), f"/api/tickets/{ticket.pk}", {"priority": "low"})

    assert response.status_code == 404
