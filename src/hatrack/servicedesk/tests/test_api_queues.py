"""Queues and categories over the API: everyone reads them, leaders shape them."""

import pytest
from django.test import Client

from hatrack.accounts.tokens import create_api_token
from hatrack.core.audit import history_of
from hatrack.directory.tests.factories import make_department
from hatrack.servicedesk.models import Category, Queue
from hatrack.servicedesk.tests.factories import make_category, make_queue

pytestmark = pytest.mark.django_db


def api_client(user) -> Client:
    _, key = create_api_token(user=user, name="tests", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def post(client: Client, path: str, data: dict):
    return client.post(path, data, content_type="application/json")


def patch(client: Client, path: str, data: dict):
    return client.patch(path, data, content_type="application/json")


def test_a_staff_user_lists_the_queues_to_ask_in(staff):
    make_queue(name="Technology", code="tech")
    make_queue(name="Facilities", code="facilities")

    items = api_client(staff).get("/api/queues").json()["items"]

    assert [q["name"] for q in items] == ["Facilities", "Technology"]


def test_the_list_can_leave_out_inactive_queues(staff):
    make_queue(name="Technology", code="tech")
    make_queue(name="Old help line", code="old", active=False)

    items = api_client(staff).get("/api/queues?active=true").json()["items"]

    assert [q["code"] for q in items] == ["tech"]


def test_a_leader_adds_a_queue_for_facilities(leader):
    department = make_department(name="Facilities & Maintenance")
    body = {"name": "Facilities", "code": "facilities", "department_id": department.pk}

    response = post(api_client(leader), "/api/queues", body)

    assert response.status_code == 201, response.content
    queue = Queue.objects.get(code="facilities")
    assert queue.department == department
    assert history_of(queue)


def test_a_technician_cannot_add_a_queue(technician):
    response = post(api_client(technician), "/api/queues", {"name": "X", "code": "x"})

    assert response.status_code == 403
    assert not Queue.objects.exists()


def test_a_queue_code_in_use_is_refused_beside_the_field(leader):
    make_queue(name="Technology", code="tech")

    response = post(api_client(leader), "/api/queues", {"name": "Tech 2", "code": "tech"})

    assert response.status_code == 422
    assert "code" in response.json()["errors"]


def test_an_unknown_department_is_refused_by_its_api_name(leader):
    queue = make_queue()

    response = patch(api_client(leader), f"/api/queues/{queue.pk}", {"department_id": 999})

    assert response.json()["errors"] == {"department_id": ["No department has the id 999."]}


def test_a_leader_stops_a_queue_taking_tickets(leader):
    queue = make_queue()

    response = patch(api_client(leader), f"/api/queues/{queue.pk}", {"active": False})

    assert response.status_code == 200
    assert response.json()["active"] is False


def test_a_queues_categories_come_as_a_tree_of_parent_ids(staff):
    queue = make_queue()
    hardware = make_category(queue=queue, name="Hardware")
    chromebook = make_category(queue=queue, name="Chromebook", parent=hardware)
    make_category(name="Boiler")  # another queue's

    items = api_client(staff).get(f"/api/queues/{queue.pk}/categories").json()["items"]

    assert [(c["name"], c["parent_id"]) for c in items] == [
        ("Chromebook", hardware.pk),
        ("Hardware", None),
    ]
    assert items[0]["id"] == chromebook.pk


def test_the_categories_of_a_missing_queue_are_not_found(staff):
    assert api_client(staff).get("/api/queues/999/categories").status_code == 404


def test_a_leader_adds_a_category_under_a_parent(leader):
    queue = make_queue()
    hardware = make_category(queue=queue, name="Hardware")

    response = post(
        api_client(leader),
        f"/api/queues/{queue.pk}/categories",
        {"name": "Chromebook", "parent_id": hardware.pk},
    )

    assert response.status_code == 201, response.content
    assert Category.objects.get(name="Chromebook").parent == hardware


def test_a_parent_from_another_queue_is_refused(leader):
    queue = make_queue()
    elsewhere = make_category(name="HVAC")

    response = post(
        api_client(leader),
        f"/api/queues/{queue.pk}/categories",
        {"name": "Boiler", "parent_id": elsewhere.pk},
    )

    assert response.status_code == 422
    assert "parent_id" in response.json()["errors"]


def test_a_leader_retires_a_category(leader):
    category = make_category()

    response = patch(api_client(leader), f"/api/categories/{category.pk}", {"active": False})

    assert response.status_code == 200
    category.refresh_from_db()
    assert category.active is False
