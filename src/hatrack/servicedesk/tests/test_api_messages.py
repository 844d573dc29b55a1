"""A ticket's timeline over the API: requesters never read internal notes; replies and
notes go through the same rules as the pages."""

import pytest
from django.test import Client

from hatrack.accounts.tokens import create_api_token
from hatrack.servicedesk.models import Ticket, TicketMessage
from hatrack.servicedesk.schemas import MessageKind
from hatrack.servicedesk.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def api_client(user) -> Client:
    _, key = create_api_token(user=user, name="tests", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def post(client: Client, path: str, data: dict):
    return client.post(path, data, content_type="application/json")


@pytest.fixture
def timeline(ticket, technician):
    TicketMessage.objects.create(ticket=ticket, kind="reply", body="It flickers.")
    TicketMessage.objects.create(ticket=ticket, kind="note", body="Lamp hours at 4,900.")
    TicketMessage.objects.create(ticket=ticket, kind="reply", author=technician, body="On my way.")
    return ticket


def bodies(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [m["body"] for m in response.json()["items"]]


def test_the_requester_reads_the_timeline_without_internal_notes(asker, timeline):
    response = api_client(asker).get(f"/api/tickets/{timeline.pk}/messages")

    assert bodies(response) == ["It flickers.", "On my way."]


def test_a_technician_reads_the_internal_notes_too(technician, timeline):
    response = api_client(technician).get(f"/api/tickets/{timeline.pk}/messages")

    assert "Lamp hours at 4,900." in bodies(response)


def test_messages_name_their_author(technician, timeline):
    items = api_client(technician).get(f"/api/tickets/{timeline.pk}/messages").json()["items"]

    assert items[-1]["author_name"] == "Technician Persona"
    assert items[-1]["author_id"] == technician.pk


def test_the_timeline_pages_oldest_first(technician, timeline):
    client = api_client(technician)
    first = client.get(f"/api/tickets/{timeline.pk}/messages?limit=2").json()
    second = client.get(first["next"]).json()

    assert [m["body"] for m in first["items"] + second["items"]] == [
        "It flickers.",
        "Lamp hours at 4,900.",
        "On my way.",
    ]
    assert second["next"] is None


def test_the_requester_replies_through_the_api(asker, ticket):
    url = f"/api/tickets/{ticket.pk}/messages"
    response = post(api_client(asker), url, {"body": "Still dark."})

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "reply"
    message = TicketMessage.objects.get(ticket=ticket)
    assert (message.author, message.channel) == (asker, "api")


def test_a_requester_cannot_write_an_internal_note(asker, ticket):
    response = post(
        api_client(asker), f"/api/tickets/{ticket.pk}/messages", {"body": "x", "internal": True}
    )

    assert response.status_code == 422
    assert "internal notes" in str(response.json()["errors"])
    assert not TicketMessage.objects.exists()


def test_a_technicians_first_reply_is_the_first_response(technician, ticket):
    post(api_client(technician), f"/api/tickets/{ticket.pk}/messages", {"body": "On my way."})

    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.status == Ticket.Status.OPEN


def test_a_technician_writes_an_internal_note(technician, ticket):
    response = post(
        api_client(technician),
        f"/api/tickets/{ticket.pk}/messages",
        {"body": "Replace the lamp.", "internal": True},
    )

    assert response.status_code == 201
    assert response.json()["kind"] == "note"


def test_a_closed_ticket_takes_no_replies(technician, queue):
    closed = make_ticket(queue=queue, status=Ticket.Status.CLOSED)

    response = post(api_client(technician), f"/api/tickets/{closed.pk}/messages", {"body": "x"})

    assert response.status_code == 422
    assert "closed" in str(response.json()["errors"])


def test_a_viewer_cannot_reply_on_a_ticket(viewer, ticket):
    response = post(api_client(viewer), f"/api/tickets/{ticket.pk}/messages", {"body": "Hello"})

    assert response.status_code == 422
    assert not TicketMessage.objects.exists()


def test_the_schema_names_every_kind_of_message():
    assert set(MessageKind.__args__) == set(TicketMessage.Kind.values)
