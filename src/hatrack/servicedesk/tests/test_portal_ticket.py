"""One ticket on the portal: the public timeline, replies, "this is fixed" and the rating."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hatrack.servicedesk.models import SatisfactionRating, Ticket, TicketMessage
from hatrack.servicedesk.services import reply_to_ticket, set_ticket_status
from hatrack.servicedesk.tests.factories import make_ticket

Status = Ticket.Status


def detail(ticket):
    return reverse("portal:ticket_detail", args=[ticket.pk])


def set_state(ticket, **values):
    Ticket.objects.filter(pk=ticket.pk).update(**values)
    ticket.refresh_from_db()


def test_the_requester_sees_their_ticket_and_the_technicians_reply(
    client_for, asker, ticket, technician
):
    reply_to_ticket(ticket=ticket, body="I will come by after lunch.", by=technician)
    page = client_for(asker).get(detail(ticket)).content.decode()
    assert ticket.subject in page
    assert "I will come by after lunch." in page


def test_internal_notes_never_show_on_the_portal(client_for, asker, ticket, technician):
    reply_to_ticket(ticket=ticket, body="Lamp is end of life.", by=technician, internal=True)
    page = client_for(asker).get(detail(ticket)).content.decode()
    assert "Lamp is end of life." not in page


def test_a_technician_reading_their_own_request_on_the_portal_sees_no_notes(
    client_for, technician, queue
):
    own = make_ticket(queue=queue, requester=None, created_by=technician)
    reply_to_ticket(ticket=own, body="Note about a colleague.", by=technician, internal=True)
    page = client_for(technician).get(detail(own)).content.decode()
    assert "Note about a colleague." not in page


def test_staff_cannot_open_another_requesters_ticket(client_for, staff, queue):
    other = make_ticket(queue=queue)
    assert client_for(staff).get(detail(other)).status_code == 404


def test_the_requester_replies_from_the_portal(client_for, asker, ticket):
    response = client_for(asker).post(
        reverse("portal:ticket_reply", args=[ticket.pk]), {"body": "Also no sound."}
    )
    assert response.status_code == 302
    message = TicketMessage.objects.get()
    assert (message.body, message.author, message.kind) == ("Also no sound.", asker, "reply")


def test_an_empty_reply_is_refused_beside_the_field(client_for, asker, ticket):
    response = client_for(asker).post(
        reverse("portal:ticket_reply", args=[ticket.pk]), {"body": ""}
    )
    assert "Write a reply before sending it." in response.content.decode()
    assert not TicketMessage.objects.exists()


def test_a_closed_ticket_says_it_takes_no_replies_instead_of_a_reply_box(
    client_for, asker, ticket, leader
):
    set_ticket_status(ticket=ticket, status=Status.CLOSED, by=leader)
    page = client_for(asker).get(detail(ticket)).content.decode()
    assert "is closed and takes no more replies" in page
    assert "Send reply" not in page


def test_a_reply_to_a_closed_ticket_is_refused_in_words(client_for, asker, ticket, leader):
    set_ticket_status(ticket=ticket, status=Status.CLOSED, by=leader)
    response = client_for(asker).post(
        reverse("portal:ticket_reply", args=[ticket.pk]), {"body": "Still broken."}
    )
    assert "is closed and takes no more replies" in response.content.decode()


def test_a_ticket_resolved_too_long_ago_asks_for_a_new_request(client_for, asker, ticket):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    set_state(ticket, status=Status.RESOLVED, resolved_at=long_ago)
    page = client_for(asker).get(detail(ticket)).content.decode()
    assert "was resolved more than 7 days ago" in page
    assert "Send reply" not in page


def test_a_recently_resolved_ticket_can_be_reopened_by_a_reply(client_for, asker, ticket):
    set_state(ticket, status=Status.RESOLVED, resolved_at=timezone.now())
    client = client_for(asker)
    assert "replying reopens it" in client.get(detail(ticket)).content.decode()
    client.post(reverse("portal:ticket_reply", args=[ticket.pk]), {"body": "It is back."})
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_the_requester_marks_their_ticket_fixed(client_for, asker, ticket):
    response = client_for(asker).post(reverse("portal:ticket_fixed", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert response.status_code == 302
    assert ticket.status == Status.RESOLVED
    assert ticket.resolved_at is not None
    assert TicketMessage.objects.get().body == "Marked fixed by the requester."


def test_only_the_requester_is_offered_this_is_fixed(client_for, leader, asker, ticket):
    assert "This is fixed" in client_for(asker).get(detail(ticket)).content.decode()
    assert "This is fixed" not in client_for(leader).get(detail(ticket)).content.decode()


def test_a_leader_cannot_mark_someone_elses_ticket_fixed_from_the_portal(
    client_for, leader, ticket
):
    client_for(leader).post(reverse("portal:ticket_fixed", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_the_rating_form_appears_once_the_ticket_is_resolved(client_for, asker, ticket):
    client = client_for(asker)
    assert "How did we do?" not in client.get(detail(ticket)).content.decode()
    set_state(ticket, status=Status.RESOLVED, resolved_at=timezone.now())
    page = client.get(detail(ticket)).content.decode()
    assert "How did we do?" in page
    assert 'type="radio" name="score" value="5"' in page


def test_the_requester_rates_a_resolved_ticket(client_for, asker, ticket):
    set_state(ticket, status=Status.RESOLVED, resolved_at=timezone.now())
    client = client_for(asker)
    response = client.post(
        reverse("portal:ticket_rate", args=[ticket.pk]), {"score": "5", "comment": "Quick!"}
    )
    assert response.status_code == 302
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.comment, rating.rated_by) == (5, "Quick!", asker)
    page = client.get(detail(ticket)).content.decode()
    assert "5 out of 5" in page
    assert "Send rating" not in page


def test_a_rating_without_a_score_is_refused_beside_the_stars(client_for, asker, ticket):
    set_state(ticket, status=Status.RESOLVED, resolved_at=timezone.now())
    response = client_for(asker).post(reverse("portal:ticket_rate", args=[ticket.pk]), {})
    assert "Choose a rating from 1 to 5." in response.content.decode()
    assert not SatisfactionRating.objects.exists()


@pytest.mark.parametrize("action", ["ticket_reply", "ticket_fixed", "ticket_rate"])
def test_staff_cannot_act_on_another_requesters_ticket(client_for, staff, queue, action):
    other = make_ticket(queue=queue)
    response = client_for(staff).post(reverse(f"portal:{action}", args=[other.pk]), {"body": "x"})
    assert response.status_code == 404


def test_files_on_the_ticket_link_to_downloads(client_for, asker, ticket, tmp_path, settings):
    from hatrack.servicedesk.services.attachments import add_attachment, check_attachment

    settings.MEDIA_ROOT = tmp_path
    checked = check_attachment(filename="error.txt", content=b"Error 42")
    attachment = add_attachment(ticket=ticket, message=None, checked=checked, by=asker)
    page = client_for(asker).get(detail(ticket)).content.decode()
    assert reverse("servicedesk:attachment_download", kwargs={"pk": attachment.pk}) in page
    assert "error.txt" in page
