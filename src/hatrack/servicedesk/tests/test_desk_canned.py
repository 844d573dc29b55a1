"""Canned responses: each technician's own, and the shared ones leaders keep."""

import pytest
from django.urls import reverse

from hatrack.servicedesk.models import CannedResponse


def test_a_technician_writes_their_own_canned_response(technician, technician_client, queue):
    response = technician_client.post(
        reverse("servicedesk:canned_create"), {"title": "Reset", "body": "Try a restart."}
    )
    assert response.status_code == 302
    assert CannedResponse.objects.get().owner == technician


def test_a_technician_cannot_share_a_canned_response(technician_client, queue):
    response = technician_client.post(
        reverse("servicedesk:canned_create"),
        {"title": "Reset", "body": "Try a restart.", "shared": "on"},
    )
    assert "Only technology leaders can share canned responses" in response.content.decode()
    assert not CannedResponse.objects.exists()


def test_a_leader_shares_a_canned_response(leader_client):
    leader_client.post(
        reverse("servicedesk:canned_create"), {"title": "Hi", "body": "Hello.", "shared": "on"}
    )
    assert CannedResponse.objects.get().owner is None


def test_a_missing_title_is_explained_beside_the_field(technician_client):
    response = technician_client.post(reverse("servicedesk:canned_create"), {"body": "x"})
    assert "This field is required." in response.content.decode()


def test_a_technician_edits_and_deletes_their_own(technician, technician_client):
    canned = CannedResponse.objects.create(title="Old", body="Text", owner=technician)
    technician_client.post(
        reverse("servicedesk:canned_edit", args=[canned.pk]), {"title": "New", "body": "Text"}
    )
    canned.refresh_from_db()
    assert canned.title == "New"
    technician_client.post(reverse("servicedesk:canned_delete", args=[canned.pk]))
    assert not CannedResponse.objects.exists()


def test_a_technician_cannot_edit_a_shared_response(technician_client):
    canned = CannedResponse.objects.create(title="Shared", body="Text")
    response = technician_client.post(
        reverse("servicedesk:canned_edit", args=[canned.pk]), {"title": "Mine", "body": "x"}
    )
    assert response.status_code == 302
    canned.refresh_from_db()
    assert canned.title == "Shared"


def test_the_list_shows_shared_and_own_but_not_others(technician_client, leader):
    CannedResponse.objects.create(title="Shared one", body="x")
    CannedResponse.objects.create(title="Leader's own", body="x", owner=leader)
    text = technician_client.get(reverse("servicedesk:canned_list")).content.decode()
    assert "Shared one" in text
    assert "Leader&#x27;s own" not in text


def test_an_empty_list_invites_the_first_response(technician_client):
    text = technician_client.get(reverse("servicedesk:canned_list")).content.decode()
    assert "No canned responses yet" in text


@pytest.mark.parametrize("persona", ["viewer", "staff"], indirect=True)
def test_readers_and_staff_have_no_canned_responses(persona):
    _, client = persona
    assert client.get(reverse("servicedesk:canned_list")).status_code == 403
