"""A ticket's page for the desk: timeline, reply, canned responses, fields, merge, live."""

import pytest
from django.urls import reverse

from hatrack.servicedesk.models import CannedResponse, Ticket, TicketMessage
from hatrack.servicedesk.services import reply_to_ticket
from hatrack.servicedesk.services.desk import render_canned
from hatrack.servicedesk.tests.factories import make_category, make_queue, make_ticket


def detail(ticket):
    return reverse("servicedesk:ticket_detail", args=[ticket.pk])


@pytest.mark.parametrize("persona", ["leader", "viewer"], indirect=True)
def test_leaders_and_viewers_open_any_ticket(persona, ticket):
    _, client = persona
    assert client.get(detail(ticket)).status_code == 200


def test_a_technician_cannot_open_a_ticket_outside_their_queues(technician_client, queue):
    hidden = make_ticket(queue=make_queue(name="HR"))
    assert technician_client.get(detail(hidden)).status_code == 404


def test_the_timeline_shows_internal_notes_to_the_desk(technician, technician_client, ticket):
    reply_to_ticket(ticket=ticket, body="Checked the cable.", by=technician, internal=True)
    assert "Checked the cable." in technician_client.get(detail(ticket)).content.decode()


def test_a_technician_replies_and_the_ticket_opens(technician_client, ticket):
    response = technician_client.post(
        reverse("servicedesk:ticket_reply", args=[ticket.pk]), {"body": "On my way."}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.messages.filter(kind="reply", body="On my way.").exists()


def test_an_empty_reply_is_refused_beside_the_box(technician_client, ticket):
    response = technician_client.post(
        reverse("servicedesk:ticket_reply", args=[ticket.pk]), {"body": "  "}
    )
    assert response.status_code == 400
    assert "Write a message." in response.content.decode()


def test_viewers_cannot_reply(viewer_client, ticket):
    response = viewer_client.post(
        reverse("servicedesk:ticket_reply", args=[ticket.pk]), {"body": "Hi"}
    )
    assert response.status_code == 403


def test_canned_placeholders_are_filled_without_a_template_engine(technician, ticket):
    body = (
        "Hi {{ requester.first_name }}, about {{ ticket.reference }}: {{ ticket.subject }}."
        " {{ technician.name }} {% load x %} {{ settings.SECRET_KEY }}"
    )
    text = render_canned(body=body, ticket=ticket, technician=technician)
    assert text.startswith(f"Hi {ticket.requester.given_name}, about {ticket.reference}:")
    assert "Technician Persona" in text
    assert "{% load x %} {{ settings.SECRET_KEY }}" in text


def test_inserting_a_canned_response_without_javascript_fills_the_box(technician_client, ticket):
    canned = CannedResponse.objects.create(title="Hello", body="Hello {{ requester.name }}!")
    response = technician_client.post(
        reverse("servicedesk:ticket_reply", args=[ticket.pk]),
        {"body": "First line.", "canned": canned.pk, "insert": "1"},
    )
    assert response.status_code == 200
    assert f"First line.\n\nHello {ticket.requester.full_name}!" in response.content.decode()
    assert not ticket.messages.exists()


def test_the_canned_endpoint_returns_the_filled_text(technician_client, ticket):
    canned = CannedResponse.objects.create(title="Ref", body="See {{ ticket.reference }}")
    response = technician_client.get(
        reverse("servicedesk:ticket_canned", args=[ticket.pk]), {"canned": canned.pk}
    )
    assert response.content.decode() == f"See {ticket.reference}"


def test_another_technicians_canned_response_is_not_filled(technician_client, ticket, leader):
    canned = CannedResponse.objects.create(title="Own", body="Secret", owner=leader)
    response = technician_client.get(
        reverse("servicedesk:ticket_canned", args=[ticket.pk]), {"canned": canned.pk}
    )
    assert response.content.decode() == ""


def test_the_fields_form_changes_status_priority_category_and_tags(
    technician, technician_client, ticket
):
    category = make_category(queue=ticket.queue, name="Projectors")
    response = technician_client.post(
        reverse("servicedesk:ticket_update", args=[ticket.pk]),
        {
            "status": "open",
            "priority": "high",
            "category": category.pk,
            "assignee": technician.pk,
            "tags": "projector, room-12",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.category, ticket.assignee) == (
        "open",
        "high",
        category,
        technician,
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["projector", "room-12"]
    assert ticket.messages.filter(body="Priority changed from Normal to High.").exists()


def test_a_category_of_another_queue_is_refused(technician_client, ticket):
    other = make_category(queue=make_queue(name="Facilities"))
    response = technician_client.post(
        reverse("servicedesk:ticket_update", args=[ticket.pk]),
        {"status": "new", "priority": "normal", "category": other.pk},
    )
    assert response.status_code == 400


def test_resolve_then_reopen_in_one_click(technician_client, ticket):
    url = reverse("servicedesk:ticket_status", args=[ticket.pk])
    technician_client.post(url, {"to": "resolve"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    technician_client.post(url, {"to": "reopen"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_only_a_leader_reopens_a_closed_ticket(technician_client, leader_client, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    url = reverse("servicedesk:ticket_status", args=[ticket.pk])
    response = technician_client.post(url, {"to": "reopen"}, follow=True)
    assert "only a technology leader can change it" in response.content.decode()
    leader_client.post(url, {"to": "reopen"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_merging_into_another_ticket_by_reference(technician_client, ticket, queue):
    keep = make_ticket(queue=queue)
    response = technician_client.post(
        reverse("servicedesk:ticket_merge", args=[ticket.pk]), {"into": keep.reference}
    )
    assert response["Location"] == detail(keep)
    ticket.refresh_from_db()
    assert ticket.merged_into == keep


def test_merging_across_queues_is_refused_beside_the_field(leader_client, ticket):
    other = make_ticket(queue=make_queue(name="HR"))
    response = leader_client.post(
        reverse("servicedesk:ticket_merge", args=[ticket.pk]), {"into": other.reference}
    )
    assert "Only tickets in the same queue can be merged." in response.content.decode()


def test_the_live_check_of_a_ticket_announces_new_messages(
    technician, technician_client, ticket, asker
):
    url = reverse("servicedesk:ticket_changes", args=[ticket.pk])
    first = reply_to_ticket(ticket=ticket, body="Hello", by=technician)
    assert technician_client.get(url, {"since": first.pk}).status_code == 204
    reply_to_ticket(ticket=ticket, body="Still dark", by=asker)
    response = technician_client.get(url, {"since": first.pk})
    assert "1 new message on this ticket." in response.content.decode()


def test_the_requesters_other_tickets_are_listed(technician_client, ticket, teacher, queue):
    other = make_ticket(queue=queue, requester=teacher, subject="Printer jam")
    assert "Printer jam" in technician_client.get(detail(ticket)).content.decode()
    assert other.reference in technician_client.get(detail(ticket)).content.decode()


def test_the_ticket_page_costs_the_same_queries_with_1_and_50_messages(
    technician, technician_client, ticket, django_assert_num_queries
):
    reply_to_ticket(ticket=ticket, body="One", by=technician)
    technician_client.get(detail(ticket))
    with django_assert_num_queries(14) as one:  # 13, and the linked devices
        technician_client.get(detail(ticket))
    TicketMessage.objects.bulk_create(
        TicketMessage(ticket=ticket, author=technician, body=f"Note {n}", kind="note")
        for n in range(49)
    )
    with django_assert_num_queries(len(one.captured_queries)):
        technician_client.get(detail(ticket))


def test_a_technician_opens_a_ticket_for_a_caller(technician_client, queue, teacher):
    response = technician_client.post(
        reverse("servicedesk:ticket_create"),
        {
            "requester": teacher.pk,
            "queue": queue.pk,
            "channel": "phone",
            "priority": "normal",
            "subject": "Cannot print",
            "description": "Called at 9.",
        },
    )
    ticket = Ticket.objects.get(subject="Cannot print")
    assert response["Location"] == detail(ticket)
    assert (ticket.requester, ticket.channel) == (teacher, "phone")


def test_a_new_ticket_without_a_requester_is_explained(technician_client, queue):
    response = technician_client.post(
        reverse("servicedesk:ticket_create"),
        {"queue": queue.pk, "channel": "phone", "priority": "normal", "subject": "X"},
    )
    assert "Search for the person and choose them from the list." in response.content.decode()


def test_the_requester_search_finds_people_by_family_name(technician_client, teacher):
    response = technician_client.get(
        reverse("servicedesk:requester_search"), {"find": teacher.family_name[:3]}
    )
    assert teacher.full_name in response.content.decode()
