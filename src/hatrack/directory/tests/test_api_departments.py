"""Departments over the API: list, read, add and change, with their site and head."""

import pytest
from django.test import Client

from hatrack.accounts.tokens import create_api_token
from hatrack.directory.models import Department
from hatrack.directory.tests.factories import make_department, make_person, make_site

pytestmark = pytest.mark.django_db


def client_with_token(user) -> Client:
    _, key = create_api_token(user=user, name="tests", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def reader(viewer) -> Client:
    return client_with_token(viewer)


@pytest.fixture
def writer(leader) -> Client:
    return client_with_token(leader)


def test_departments_are_listed_by_name_with_their_site(reader):
    site = make_site()
    make_department(name="Technology", site=site)
    make_department(name="Facilities")
    items = reader.get("/api/departments").json()["items"]
    assert [(d["name"], d["site_id"]) for d in items] == [
        ("Facilities", None),
        ("Technology", site.pk),
    ]


def test_departments_are_filtered_by_site(reader):
    site = make_site()
    make_department(name="Front office", site=site)
    make_department(name="Facilities")
    items = reader.get(f"/api/departments?site={site.pk}").json()["items"]
    assert [d["name"] for d in items] == ["Front office"]


@pytest.mark.parametrize("rows", [1, 50])
def test_a_page_of_departments_costs_two_queries_whatever_its_size(
    rows, reader, django_assert_num_queries
):
    Department.objects.bulk_create(
        Department(name=f"Team {n:02}", code=f"T{n}") for n in range(rows)
    )
    reader.get("/api/district")  # the token's first use is recorded outside the count
    with django_assert_num_queries(2):
        response = reader.get("/api/departments?limit=50")
    assert len(response.json()["items"]) == rows


def test_a_department_is_read_by_id(reader):
    head = make_person(role="staff")
    department = make_department(name="Technology", head=head)
    body = reader.get(f"/api/departments/{department.pk}").json()
    assert (body["name"], body["head_id"]) == ("Technology", head.pk)


def test_an_unknown_department_is_404(reader):
    assert reader.get("/api/departments/999999").status_code == 404


def test_a_leader_adds_a_department_with_a_head(writer):
    head = make_person(role="staff")
    response = writer.post(
        "/api/departments",
        {"name": "Technology", "code": "TECH", "head_id": head.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Department.objects.get(code="TECH").head == head


def test_a_department_with_an_unknown_head_is_refused(writer):
    response = writer.post(
        "/api/departments",
        {"name": "Technology", "code": "TECH", "head_id": 424242},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"head_id": ["No person has the id 424242."]}
    assert not Department.objects.exists()


def test_a_code_with_spaces_is_refused_with_a_message(writer):
    response = writer.post(
        "/api/departments", {"name": "Technology", "code": "T E"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "code" in response.json()["errors"]


def test_a_leader_moves_a_department_to_another_site(writer):
    department, site = make_department(), make_site()
    response = writer.patch(
        f"/api/departments/{department.pk}", {"site_id": site.pk}, "application/json"
    )
    assert response.json()["site_id"] == site.pk
    department.refresh_from_db()
    assert department.site == site


def test_changing_an_unknown_department_is_404(writer):
    response = writer.patch("/api/departments/999999", {"name": "X"}, "application/json")
    assert response.status_code == 404
