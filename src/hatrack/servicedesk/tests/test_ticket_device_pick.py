"""The requester's device, picked on the desk's new-ticket form and the portal's request
form, and shown on the ticket."""

import pytest
from django.urls import reverse

from hatrack.core.models import AuditEntry
from hatrack.devices.models import Device
from hatrack.devices.services.tickets import link_requester_device
from hatrack.devices.tests.factories import make_assignment, make_device, make_device_model
from hatrack.directory.tests.factories import make_person
from hatrack.servicedesk.models import Ticket, TicketLink

pytestmark = pytest.mark.django_db


def held_by(person, **device_values):
    device = make_device(**device_values)
    make_assignment(device=device, holder=person)
    return device


def linked_devices(ticket):
    return list(
        Device.objects.filter(
            pk__in=TicketLink.objects.filter(ticket=ticket).values("object_id")
        ).values_list("asset_tag", flat=True)
    )


def desk_post(client, queue, requester, **values):
    data = {
        "requester": requester.pk, "queue": queue.pk, "channel": "phone",
        "priority": "normal", "subject": "Chromebook will not charge",
    }  # fmt: skip
    data.update(values)
    return client.post(reverse("servicedesk:ticket_create"), data)


def portal_post(client, queue, **values):
    data = {"queue": queue.pk, "subject": "My laptop will not start", "description": "Monday."}
    data.update(values)
    return client.post(reverse("portal:ticket_create"), data)


# --- The technician's new-ticket form ---------------------------------------------------


def test_the_desk_offers_the_chosen_requesters_devices(technician_client, teacher):
    held_by(teacher, asset_tag="LHS-0042", model=make_device_model(name="300e Gen 3"))
    make_device(asset_tag="LHS-0099")  # held by no one
    response = technician_client.get(
        reverse("servicedesk:requester_devices"), {"requester": teacher.pk}
    )
    body = response.content.decode()
    assert "LHS-0042 · Lenovo 300e Gen 3" in body
    assert "LHS-0099" not in body
    assert "<html" not in body


def test_the_desk_says_when_the_requester_holds_no_device(technician_client, teacher):
    response = technician_client.get(
        reverse("servicedesk:requester_devices"), {"requester": teacher.pk}
    )
    assert "The requester holds no device." in response.content.decode()


def test_a_technician_opens_a_ticket_linked_to_the_requesters_device(
    technician_client, technician, queue, teacher
):
    device = held_by(teacher, asset_tag="LHS-0042")
    response = desk_post(technician_client, queue, teacher, device=device.pk)
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert linked_devices(ticket) == ["LHS-0042"]
    entry = AuditEntry.objects.get(object_id=str(ticket.pk), summary="Linked to LHS-0042")
    assert entry.actor == technician


def test_a_ticket_without_a_device_links_nothing(technician_client, queue, teacher):
    held_by(teacher)
    desk_post(technician_client, queue, teacher, device="")
    assert Ticket.objects.count() == 1
    assert not TicketLink.objects.exists()


def test_the_desk_refuses_a_device_the_requester_does_not_hold_and_opens_nothing(
    technician_client, queue, teacher
):
    someone_elses = held_by(make_person(), asset_tag="LHS-0077")
    response = desk_post(technician_client, queue, teacher, device=someone_elses.pk)
    assert response.status_code == 400
    assert "does not hold LHS-0077" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_device_handed_back_meanwhile_leaves_no_ticket_behind(technician, queue, teacher):
    from hatrack.devices.services.tickets import open_ticket_about_device
    from hatrack.servicedesk.services import open_ticket

    device = make_device(asset_tag="LHS-0042")  # nobody holds it any more
    with pytest.raises(Exception, match="not held by the requester"):
        open_ticket_about_device(
            open_ticket=lambda: open_ticket(
                queue=queue, subject="Broken", description="", requester=teacher,
                by=technician,
            ),
            device=device,
            by=technician,
        )  # fmt: skip
    assert not Ticket.objects.exists()


# --- The staff portal ---------------------------------------------------------------------


def test_staff_are_offered_only_the_devices_they_hold(client_for, asker, teacher, queue):
    held_by(teacher, asset_tag="LHS-0042")
    held_by(make_person(), asset_tag="LHS-0077")
    page = client_for(asker).get("/help/").content.decode()
    assert "Which device?" in page
    assert "LHS-0042" in page
    assert "LHS-0077" not in page


def test_staff_holding_no_device_see_no_device_choice(client_for, asker, queue):
    assert "Which device?" not in client_for(asker).get("/help/").content.decode()


def test_staff_file_a_request_about_their_own_device(client_for, asker, teacher, queue):
    device = held_by(teacher, asset_tag="LHS-0042")
    response = portal_post(client_for(asker), queue, device=device.pk)
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("portal:ticket_detail", args=[ticket.pk])
    assert linked_devices(ticket) == ["LHS-0042"]
    assert AuditEntry.objects.filter(
        object_id=str(ticket.pk), summary="Linked to LHS-0042", actor=asker
    ).exists()


def test_staff_cannot_pick_a_device_they_do_not_hold(client_for, asker, teacher, queue):
    held_by(teacher, asset_tag="LHS-0042")
    someone_elses = held_by(make_person(), asset_tag="LHS-0077")
    response = portal_post(client_for(asker), queue, device=someone_elses.pk)
    assert response.status_code == 200
    assert "Choose one of the devices you hold." in response.content.decode()
    assert not Ticket.objects.exists()


def test_staff_cannot_link_a_device_of_someone_else_through_the_service(asker, teacher, queue):
    from hatrack.servicedesk.tests.factories import make_ticket

    ticket = make_ticket(queue=queue, requester=teacher, created_by=asker)
    someone_elses = held_by(make_person(), asset_tag="LHS-0077")
    with pytest.raises(Exception, match="not held by the requester"):
        link_requester_device(ticket=ticket, device=someone_elses, by=asker)
    assert not TicketLink.objects.exists()


def test_staff_cannot_link_their_device_to_another_persons_ticket(asker, teacher, queue):
    from hatrack.servicedesk.tests.factories import make_ticket

    other = make_person()
    ticket = make_ticket(queue=queue, requester=other)
    device = held_by(other)
    with pytest.raises(Exception, match="Only the requester"):
        link_requester_device(ticket=ticket, device=device, by=asker)


# --- The ticket page ---------------------------------------------------------------------


def test_the_ticket_page_shows_linked_devices_with_their_model(
    technician_client, technician, queue, teacher
):
    device = held_by(teacher, asset_tag="LHS-0042", model=make_device_model(name="300e Gen 3"))
    desk_post(technician_client, queue, teacher, device=device.pk)
    ticket = Ticket.objects.get()
    response = technician_client.get(reverse("servicedesk:ticket_detail", args=[ticket.pk]))
    assert [(d["label"], d["model"]) for d in response.context["linked_devices"]] == [
        ("LHS-0042", "Lenovo 300e Gen 3")
    ]
    assert response.context["links"] == []
    body = response.content.decode()
    assert reverse("devices:device_detail", args=[device.pk]) in body


def test_the_ticket_page_costs_the_same_queries_for_one_linked_device_and_five(
    technician_client, technician, teacher, queue, django_assert_num_queries
):
    from hatrack.servicedesk.services import link_ticket
    from hatrack.servicedesk.tests.factories import make_ticket

    ticket = make_ticket(queue=queue, requester=teacher)
    link_ticket(ticket=ticket, target=held_by(teacher), by=technician)
    url = reverse("servicedesk:ticket_detail", args=[ticket.pk])
    technician_client.get(url)
    with django_assert_num_queries(14) as one:
        technician_client.get(url)
    for _ in range(4):
        link_ticket(ticket=ticket, target=held_by(teacher), by=technician)
    with django_assert_num_queries(len(one.captured_queries)):
        response = technician_client.get(url)
    assert len(response.context["linked_devices"]) == 5
