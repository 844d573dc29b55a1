import pytest
from django.urls import reverse

from hatrack.core.models import AuditEntry
from hatrack.directory.models import Department
from hatrack.directory.tests.factories import make_department, make_person, make_site

pytestmark = pytest.mark.django_db
LIST = reverse("directory:department_list")


def names(response):
    return [row["name"] for row in response.context["rows"]]


def test_the_department_list_searches_and_filters_by_site(viewer_client):
    site = make_site()
    make_department(name="Technology", code="TECH", site=site)
    make_department(name="Facilities", code="FAC")
    make_department(name="Old Team", code="OLD", active=False)
    assert names(viewer_client.get(LIST)) == ["Facilities", "Technology"]
    assert names(viewer_client.get(LIST, {"q": "tech"})) == ["Technology"]
    assert names(viewer_client.get(LIST, {"site": site.pk})) == ["Technology"]
    assert names(viewer_client.get(LIST, {"active": "inactive"})) == ["Old Team"]


def _department_list_queries(client, django_assert_num_queries):
    client.get(LIST)
    # session, user, sites for the filter, page, bounded count
    with django_assert_num_queries(5):
        client.get(LIST)


def test_the_department_list_costs_the_same_queries_for_one_row_and_fifty(
    viewer_client, django_assert_num_queries
):
    head = make_person()
    make_department(head=head)
    _department_list_queries(viewer_client, django_assert_num_queries)
    for _ in range(49):
        make_department(head=head, site=make_site())
    assert len(viewer_client.get(LIST).context["rows"]) == 50
    _department_list_queries(viewer_client, django_assert_num_queries)


def test_the_department_page_shows_its_head_and_people(viewer_client):
    head = make_person(given_name="Hana", family_name="Head", role="administrator")
    department = make_department(name="Technology", head=head)
    make_person(given_name="Tom", family_name="Tech", role="staff", department=department)
    body = viewer_client.get(department.get_absolute_url()).content.decode()
    assert "Hana Head" in body
    assert "Tech, Tom" in body


def test_a_leader_adds_a_department_naming_its_head_by_email(leader_client):
    head = make_person(email="hana@mvusd.org")
    response = leader_client.post(
        reverse("directory:department_create"),
        {"name": "Technology", "code": "TECH", "head": "HANA@mvusd.org", "active": "on"},
    )
    department = Department.objects.get()
    assert response["Location"] == department.get_absolute_url()
    assert department.head == head
    assert AuditEntry.objects.filter(action="create", object_id=str(department.pk)).exists()


def test_an_unknown_head_is_explained_and_nothing_is_saved(leader_client):
    response = leader_client.post(
        reverse("directory:department_create"),
        {"name": "Technology", "code": "TECH", "head": "nobody@mvusd.org"},
    )
    assert "No person has this SIS id or email." in response.content.decode()
    assert not Department.objects.exists()


def test_a_duplicate_department_code_is_explained(leader_client):
    make_department(code="TECH")
    response = leader_client.post(
        reverse("directory:department_create"), {"name": "Technology", "code": "TECH"}
    )
    assert "Another department already uses this code." in response.content.decode()
    assert Department.objects.count() == 1


def test_a_leader_edits_a_department(leader_client):
    department = make_department(name="Tech", code="TECH")
    leader_client.post(
        reverse("directory:department_edit", args=[department.pk]),
        {"name": "Technology", "code": "TECH", "active": "on"},
    )
    department.refresh_from_db()
    assert department.name == "Technology"
    assert AuditEntry.objects.get(action="update").changes["name"] == ["Tech", "Technology"]


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_readers_cannot_change_departments(client_for, role):
    from hatrack.conftest import make_user

    client = client_for(make_user(role))
    department = make_department()
    assert client.get(department.get_absolute_url()).status_code == 200
    assert client.get(reverse("directory:department_create")).status_code == 403
    url = reverse("directory:department_edit", args=[department.pk])
    assert client.post(url, {"name": "X", "code": "X"}).status_code == 403


def test_staff_are_refused_the_departments(staff_client):
    assert staff_client.get(LIST).status_code == 403
