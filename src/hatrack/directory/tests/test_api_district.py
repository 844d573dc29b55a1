"""The district profile over the API: read by readers, set up and changed by leaders."""

import pytest
from django.test import Client

from hatrack.accounts.tokens import create_api_token
from hatrack.directory.models import District
from hatrack.directory.tests.factories import make_district

pytestmark = pytest.mark.django_db


def client_with_token(user) -> Client:
    _, key = create_api_token(user=user, name="tests", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_readers_see_the_district_profile(viewer):
    make_district(name="Maple Valley Unified", locale="")
    body = client_with_token(viewer).get("/api/district").json()
    assert body["name"] == "Maple Valley Unified"
    assert body["locale"] is None


def test_the_district_is_404_until_it_is_set_up(viewer):
    assert client_with_token(viewer).get("/api/district").status_code == 404


def test_a_leader_sets_up_the_district(leader):
    response = client_with_token(leader).patch(
        "/api/district", {"name": "Maple Valley Unified", "state": "OR"}, "application/json"
    )
    assert response.status_code == 200
    assert District.objects.get().name == "Maple Valley Unified"


def test_a_leader_changes_the_district_locale(leader):
    make_district()
    response = client_with_token(leader).patch(
        "/api/district", {"locale": "41"}, "application/json"
    )
    assert response.json()["locale"] == "41"


def test_a_bad_nces_id_is_refused_and_changes_nothing(leader):
    make_district(name="Maple Valley Unified")
    response = client_with_token(leader).patch(
        "/api/district", {"name": "Renamed", "nces_lea_id": "123"}, "application/json"
    )
    assert response.status_code == 422
    assert "nces_lea_id" in response.json()["errors"]
    assert District.objects.get().name == "Maple Valley Unified"


def test_a_technician_may_not_change_the_district(technician):
    make_district()
    response = client_with_token(technician).patch(
        "/api/district", {"name": "Renamed"}, "application/json"
    )
    assert response.status_code == 403
