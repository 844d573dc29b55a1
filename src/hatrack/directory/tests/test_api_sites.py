"""Sites over the API: list with filters and pages, read, add, change, close."""

import pytest
from django.test import Client

from hatrack.accounts.tokens import create_api_token
from hatrack.core.audit import history_of
from hatrack.directory.models import Site
from hatrack.directory.tests.factories import make_site

pytestmark = pytest.mark.django_db


def client_with_token(user) -> Client:
    _, key = create_api_token(user=user, name="tests", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def reader(technician) -> Client:
    return client_with_token(technician)


@pytest.fixture
def writer(leader) -> Client:
    return client_with_token(leader)


def site_names(response) -> list[str]:
    return [s["name"] for s in response.json()["items"]]


def test_sites_are_listed_by_name(reader):
    make_site(name="Washington Elementary")
    make_site(name="Adams Middle", kind=Site.Kind.MIDDLE)
    assert site_names(reader.get("/api/sites")) == ["Adams Middle", "Washington Elementary"]


def test_sites_are_filtered_by_kind(reader):
    make_site(name="Washington Elementary")
    make_site(name="Adams Middle", kind=Site.Kind.MIDDLE)
    assert site_names(reader.get("/api/sites?kind=middle")) == ["Adams Middle"]


def test_sites_are_filtered_by_active(reader):
    make_site(name="Open School")
    make_site(name="Closed School", active=False)
    assert site_names(reader.get("/api/sites?active=true")) == ["Open School"]
    assert site_names(reader.get("/api/sites?active=false")) == ["Closed School"]
    assert len(site_names(reader.get("/api/sites"))) == 2


def test_sites_are_searched_by_name(reader):
    make_site(name="Lincoln High", kind=Site.Kind.HIGH)
    make_site(name="Adams Middle", kind=Site.Kind.MIDDLE)
    assert site_names(reader.get("/api/sites?q=lincoln")) == ["Lincoln High"]


def test_the_site_list_pages_with_cursors(reader):
    for name in ("A School", "B School", "C School"):
        make_site(name=name)
    first = reader.get("/api/sites?limit=2").json()
    assert [s["name"] for s in first["items"]] == ["A School", "B School"]
    assert site_names(reader.get(first["next"])) == ["C School"]


@pytest.mark.parametrize("rows", [1, 50])
def test_a_page_of_sites_costs_two_queries_whatever_its_size(
    rows, reader, django_assert_num_queries
):
    Site.objects.bulk_create(
        Site(name=f"School {n:02}", code=f"S{n}", kind=Site.Kind.ELEMENTARY) for n in range(rows)
    )
    reader.get("/api/district")  # the token's first use is recorded outside the count
    with django_assert_num_queries(2):
        response = reader.get("/api/sites?limit=50")
    assert len(response.json()["items"]) == rows


def test_a_site_is_read_with_null_for_unset_choices(reader):
    site = make_site(name="Lincoln High", kind=Site.Kind.HIGH, grade_low="09", grade_high="12")
    body = reader.get(f"/api/sites/{site.pk}").json()
    assert (body["grade_low"], body["grade_high"], body["state"]) == ("09", "12", None)
    assert body["nces_school_id"] is None


def test_an_unknown_site_is_404(reader):
    assert reader.get("/api/sites/999999").status_code == 404


def test_a_leader_adds_a_site(writer, leader):
    response = writer.post(
        "/api/sites",
        {"name": "Lincoln High", "code": "LHS", "kind": "high", "grade_low": "09", "state": "OR"},
        content_type="application/json",
    )
    assert response.status_code == 201
    site = Site.objects.get(code="LHS")
    assert (site.grade_low, site.grade_high, site.state) == ("09", "", "OR")
    assert history_of(site)[0].actor == leader


def test_a_duplicate_site_code_is_refused_with_a_message(writer):
    make_site(code="LHS")
    response = writer.post(
        "/api/sites",
        {"name": "Lincoln High", "code": "LHS", "kind": "high"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "code" in response.json()["errors"]
    assert Site.objects.count() == 1


def test_a_grade_span_the_wrong_way_round_is_refused(writer):
    response = writer.post(
        "/api/sites",
        {"name": "Odd", "code": "ODD", "kind": "high", "grade_low": "12", "grade_high": "09"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "grade_high" in response.json()["errors"]


def test_a_leader_closes_a_site(writer):
    site = make_site()
    response = writer.patch(f"/api/sites/{site.pk}", {"active": False}, "application/json")
    assert response.status_code == 200
    site.refresh_from_db()
    assert site.active is False


def test_an_invalid_nces_id_changes_nothing(writer):
    site = make_site(name="Lincoln High")
    response = writer.patch(
        f"/api/sites/{site.pk}", {"name": "Renamed", "nces_school_id": "12"}, "application/json"
    )
    assert response.status_code == 422
    assert "nces_school_id" in response.json()["errors"]
    site.refresh_from_db()
    assert site.name == "Lincoln High"


def test_changing_an_unknown_site_is_404(writer):
    assert writer.patch("/api/sites/999999", {"name": "X"}, "application/json").status_code == 404
