"""The systems API for incidents: lists with a status filter, one incident with its
timeline, opening one by hand, posting updates and acknowledging."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from hatrack.accounts.tokens import create_api_token
from hatrack.conftest import make_user
from hatrack.systems.models import Incident, IncidentUpdate
from hatrack.systems.tests.factories import make_incident, make_system

pytestmark = pytest.mark.django_db


def caller(client, role):
    user = make_user(role, username=f"api-{role}")
    _, key = create_api_token(user=user, name="tests", by=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return user


def send(client, method, url, body=None):
    return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")


def test_the_incident_list_is_newest_first_and_filters_open_ones(client):
    caller(client, "viewer")
    now = timezone.now()
    old = make_incident(make_system(), started_at=now - dt.timedelta(days=3), status="resolved",
                        resolved_at=now - dt.timedelta(days=2))  # fmt: skip
    new = make_incident(make_system(), started_at=now - dt.timedelta(hours=1))
    items = client.get("/api/incidents").json()["items"]
    assert [i["id"] for i in items] == [new.pk, old.pk]
    assert items[0]["reference"] == f"INC-{new.pk:05d}"
    assert [i["id"] for i in client.get("/api/incidents?status=open").json()["items"]] == [new.pk]
    resolved = client.get("/api/incidents?status=resolved").json()["items"]
    assert [i["id"] for i in resolved] == [old.pk]


def test_the_incident_list_filters_by_system(client):
    caller(client, "viewer")
    sso = make_system()
    mine = make_incident(sso)
    make_incident(make_system())
    assert [i["id"] for i in client.get(f"/api/incidents?system={sso.pk}").json()["items"]] == [
        mine.pk
    ]


def test_a_bad_status_filter_answers_422_on_the_field(client):
    caller(client, "viewer")
    response = client.get("/api/incidents?status=melted")
    assert response.status_code == 422 and "status" in response.json()["errors"]


@pytest.mark.parametrize("rows", [1, 50])
def test_the_incident_list_costs_the_same_queries_at_one_and_fifty_rows(
    client, django_assert_num_queries, rows
):
    caller(client, "viewer")
    now = timezone.now()
    Incident.objects.bulk_create(
        Incident(title=f"I{n}", source="manual", started_at=now, detected_at=now)
        for n in range(rows)
    )
    client.get("/api/incidents")
    with django_assert_num_queries(2):
        assert len(client.get("/api/incidents?status=open").json()["items"]) == rows


def test_one_incident_with_its_systems_and_timeline(client):
    caller(client, "viewer")
    sso = make_system(name="SSO")
    incident = make_incident(sso)
    IncidentUpdate.objects.create(
        incident=incident, status="investigating", body="Looking", created_at=timezone.now()
    )
    body = client.get(f"/api/incidents/{incident.pk}").json()
    assert body["systems"] == [{"system_id": sso.pk, "name": "SSO", "role": "cause"}]
    assert [u["body"] for u in body["timeline"]] == ["Looking"]


def test_a_technician_opens_an_incident_by_hand(client):
    tech = caller(client, "technician")
    sso = make_system(name="SSO")
    response = send(
        client, "POST", "/api/incidents",
        {"title": "Sign-in fails", "system_ids": [sso.pk], "impact_level": "major",
         "message": "Nobody can sign in."},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "investigating" and body["opened_by_id"] == tech.pk
    assert body["systems"][0]["system_id"] == sso.pk
    assert body["timeline"][0]["body"] == "Nobody can sign in."


def test_an_incident_without_systems_or_message_answers_422_by_field(client):
    caller(client, "technician")
    response = send(
        client, "POST", "/api/incidents", {"title": "Broken", "system_ids": [], "message": " "}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"system_ids", "message"}
    assert not Incident.objects.exists()


def test_an_unknown_system_id_answers_422_on_system_ids(client):
    caller(client, "technician")
    response = send(
        client, "POST", "/api/incidents", {"title": "T", "system_ids": [999], "message": "M"}
    )
    assert response.json()["errors"] == {"system_ids": ["No system has the id 999."]}


def test_an_update_moves_the_incident_and_joins_the_timeline(client):
    caller(client, "technician")
    incident = make_incident(make_system())
    response = send(
        client, "POST", f"/api/incidents/{incident.pk}/updates",
        {"body": "Vendor fixed it.", "status": "resolved", "public": True},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "resolved"
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.resolved_at is not None


def test_an_empty_update_answers_422_on_body(client):
    caller(client, "technician")
    incident = make_incident(make_system())
    response = send(client, "POST", f"/api/incidents/{incident.pk}/updates", {"body": "  "})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["body"]


def test_acknowledging_records_who_and_keeps_the_first(client):
    tech = caller(client, "technician")
    incident = make_incident(make_system())
    body = send(client, "POST", f"/api/incidents/{incident.pk}/acknowledge").json()
    assert body["acknowledged_by_id"] == tech.pk
    again = send(client, "POST", f"/api/incidents/{incident.pk}/acknowledge").json()
    assert again["acknowledged_at"] == body["acknowledged_at"]


def test_a_missing_incident_answers_404(client):
    caller(client, "technician")
    assert send(client, "POST", "/api/incidents/999/acknowledge").status_code == 404
    assert client.get("/api/incidents/999").status_code == 404
