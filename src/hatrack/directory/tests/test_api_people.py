"""People over the API: the list with its search, filters and pages; reading, adding,
changing and deactivating a person."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hatrack.accounts.tokens import create_api_token
from hatrack.core.audit import history_of
from hatrack.core.models import AuditEntry
from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_department, make_person, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for():
    def build(user) -> Client:
        _, key = create_api_token(user=user, name="tests", by=user)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.get("/api/district")  # records the token's first use outside later counts
        return client

    return build


@pytest.fixture
def reader(viewer, api_for) -> Client:
    return api_for(viewer)


@pytest.fixture
def writer(leader, api_for) -> Client:
    return api_for(leader)


def names(response) -> list[str]:
    return [f"{p['family_name']}, {p['given_name']}" for p in response.json()["items"]]


def post(client: Client, path: str, data: dict):
    return client.post(path, data, content_type="application/json")


def patch(client: Client, path: str, data: dict):
    return client.patch(path, data, content_type="application/json")


# --- The list --------------------------------------------------------------------------


def test_people_are_listed_by_family_name_then_given_name(reader):
    make_person(given_name="Zoe", family_name="Adams")
    make_person(given_name="Amy", family_name="Baker")
    make_person(given_name="Ann", family_name="Adams")
    assert names(reader.get("/api/people")) == ["Adams, Ann", "Adams, Zoe", "Baker, Amy"]


def test_a_listed_person_shows_their_facts_with_ids_for_site_and_department(reader):
    site, department = make_site(), make_department()
    person = make_person(
        given_name="Ann", family_name="Adams", grade="05", primary_site=site, department=department
    )
    item = reader.get("/api/people").json()["items"][0]
    assert item["id"] == person.pk
    assert item["grade"] == "05"
    assert item["primary_site_id"] == site.pk
    assert item["department_id"] == department.pk
    assert item["active"] is True
    assert item["updated_at"].endswith("Z")


def test_a_person_without_a_grade_has_a_null_grade(reader):
    make_person(role=Person.Role.TEACHER, grade="")
    assert reader.get("/api/people").json()["items"][0]["grade"] is None


def test_the_list_pages_with_a_next_link_until_the_last_page(reader):
    for n in range(5):
        make_person(given_name="Kid", family_name=f"Family{n}")
    first = reader.get("/api/people?limit=2").json()
    assert [p["family_name"] for p in first["items"]] == ["Family0", "Family1"]
    assert first["next"].startswith("http://testserver/api/people?")
    second = reader.get(first["next"]).json()
    assert [p["family_name"] for p in second["items"]] == ["Family2", "Family3"]
    last = reader.get(second["next"]).json()
    assert [p["family_name"] for p in last["items"]] == ["Family4"]
    assert last["next"] is None


def test_the_next_link_keeps_the_filters(reader):
    for n in range(3):
        make_person(family_name=f"Teacher{n}", role=Person.Role.TEACHER)
    make_person(family_name="Student", role=Person.Role.STUDENT)
    first = reader.get("/api/people?role=teacher&limit=2").json()
    assert "role=teacher" in first["next"]
    assert [p["family_name"] for p in reader.get(first["next"]).json()["items"]] == ["Teacher2"]


def test_the_list_uses_neither_offset_nor_count(reader):
    for n in range(3):
        make_person(family_name=f"Family{n}")
    first = reader.get("/api/people?limit=1").json()
    with CaptureQueriesContext(connection) as queries:
        reader.get(first["next"])
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "OFFSET" not in sql
    assert "COUNT(" not in sql


@pytest.mark.parametrize("rows", [1, 50])
def test_a_page_of_people_costs_two_queries_whatever_its_size(
    rows, reader, django_assert_num_queries
):
    site = make_site()
    Person.objects.bulk_create(
        Person(
            given_name=f"Given{n}",
            family_name=f"Family{n:03}",
            family_key=f"family{n:03}",
            given_key=f"given{n}",
            role=Person.Role.STUDENT,
            primary_site=site,
        )
        for n in range(rows)
    )
    with django_assert_num_queries(2):  # the token, the page
        response = reader.get("/api/people?limit=50")
    assert len(response.json()["items"]) == rows


def test_page_size_defaults_to_50(reader):
    Person.objects.bulk_create(
        Person(given_name="G", family_name=f"F{n:03}", family_key=f"f{n:03}", role="student")
        for n in range(51)
    )
    body = reader.get("/api/people").json()
    assert len(body["items"]) == 50
    assert body["next"] is not None


def test_a_page_size_over_200_is_refused_with_a_message(reader):
    response = reader.get("/api/people?limit=201")
    assert response.status_code == 422
    assert "limit" in response.json()["errors"]


def test_a_tampered_cursor_is_refused_with_400(reader):
    response = reader.get("/api/people?after=not-a-cursor")
    assert response.status_code == 400
    assert "first page" in response.json()["detail"]


def test_searching_finds_people_by_the_start_of_their_family_name(reader):
    make_person(given_name="Ann", family_name="Smithers")
    make_person(given_name="Bob", family_name="Jones")
    assert names(reader.get("/api/people?q=smi")) == ["Smithers, Ann"]


def test_searching_finds_people_by_given_name_and_family_name(reader):
    make_person(given_name="Jo", family_name="Smith")
    make_person(given_name="Ann", family_name="Smith")
    assert names(reader.get("/api/people", {"q": "jo smi"})) == ["Smith, Jo"]
    assert names(reader.get("/api/people", {"q": "smith, a"})) == ["Smith, Ann"]


def test_searching_ignores_case_and_accents(reader):
    make_person(given_name="Zoë", family_name="Łopez")
    make_person(given_name="Zachary", family_name="Adams")
    assert names(reader.get("/api/people?q=ZOE")) == ["Łopez, Zoë"]


def test_searching_finds_a_person_by_email_prefix(reader):
    make_person(family_name="Adams", email="ann.adams@mvusd.org")
    make_person(family_name="Baker", email="bob.baker@mvusd.org")
    assert [p["family_name"] for p in reader.get("/api/people?q=ann.adams@").json()["items"]] == [
        "Adams"
    ]


def test_searching_finds_a_person_by_sis_id_prefix(reader):
    make_person(family_name="Adams", sis_id="700123")
    make_person(family_name="Baker", sis_id="800123")
    assert [p["family_name"] for p in reader.get("/api/people?q=7001").json()["items"]] == ["Adams"]


def test_people_are_filtered_by_role_site_and_grade(reader):
    site = make_site()
    make_person(family_name="Match", role="student", grade="05", primary_site=site)
    make_person(family_name="OtherGrade", role="student", grade="06", primary_site=site)
    make_person(family_name="OtherSite", role="student", grade="05")
    make_person(family_name="Teacher", role="teacher", primary_site=site)
    response = reader.get(f"/api/people?role=student&grade=05&site={site.pk}")
    assert [p["family_name"] for p in response.json()["items"]] == ["Match"]


def test_people_are_filtered_by_active(reader):
    make_person(family_name="Present")
    make_person(family_name="Gone", active=False)
    assert [p["family_name"] for p in reader.get("/api/people?active=false").json()["items"]] == [
        "Gone"
    ]
    assert len(reader.get("/api/people").json()["items"]) == 2


def test_people_are_filtered_by_last_change(reader, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
    make_person(family_name="Old")
    time_machine.move_to(datetime.datetime(2026, 2, 5, tzinfo=datetime.UTC))
    make_person(family_name="New")
    response = reader.get("/api/people", {"updated_since": "2026-02-01T00:00:00Z"})
    assert [p["family_name"] for p in response.json()["items"]] == ["New"]


def test_a_change_time_without_an_offset_is_read_in_the_servers_time_zone(reader, time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 5, 12, 0, tzinfo=datetime.UTC))
    make_person(family_name="Noon")  # 06:00 in America/Chicago
    assert names(reader.get("/api/people", {"updated_since": "2026-02-05T05:00:00"}))
    assert not names(reader.get("/api/people", {"updated_since": "2026-02-05T07:00:00"}))


def test_an_unknown_role_filter_is_refused_with_a_message(reader):
    response = reader.get("/api/people?role=wizard")
    assert response.status_code == 422
    assert "role" in response.json()["errors"]


# --- One person ------------------------------------------------------------------------------


def test_a_person_is_read_by_id(reader):
    person = make_person(given_name="Ann", family_name="Adams", email="ann@mvusd.org")
    body = reader.get(f"/api/people/{person.pk}").json()
    assert body["email"] == "ann@mvusd.org"
    assert body["id"] == person.pk


def test_an_unknown_person_is_404(reader):
    response = reader.get("/api/people/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_leader_adds_a_person_and_it_is_audited(writer, leader):
    site = make_site()
    response = post(
        writer,
        "/api/people",
        {
            "given_name": "Ada",
            "family_name": "Lovelace",
            "role": "teacher",
            "email": "ada@mvusd.org",
            "primary_site_id": site.pk,
        },
    )
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["id"])
    assert person.primary_site == site
    assert person.family_key == "lovelace"
    (entry,) = history_of(person)
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == leader


def test_adding_a_person_with_a_bad_email_says_so_and_adds_nothing(writer):
    response = post(
        writer,
        "/api/people",
        {"given_name": "Ada", "family_name": "Lovelace", "role": "teacher", "email": "nope"},
    )
    assert response.status_code == 422
    assert "email" in response.json()["errors"]
    assert not Person.objects.exists()


def test_adding_a_person_without_a_family_name_is_refused(writer):
    response = post(writer, "/api/people", {"given_name": "Ada", "role": "teacher"})
    assert response.status_code == 422
    assert "family_name" in response.json()["errors"]


def test_adding_a_person_at_an_unknown_site_is_refused_under_its_api_name(writer):
    response = post(
        writer,
        "/api/people",
        {"given_name": "Ada", "family_name": "Lovelace", "role": "teacher", "primary_site_id": 99},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"primary_site_id": ["No site has the id 99."]}


def test_an_unknown_field_is_refused(writer):
    response = post(
        writer,
        "/api/people",
        {"given_name": "Ada", "family_name": "Lovelace", "role": "teacher", "birthday": "x"},
    )
    assert response.status_code == 422
    assert "birthday" in response.json()["errors"]


def test_changing_a_person_changes_only_the_fields_sent(writer):
    person = make_person(given_name="Ann", family_name="Adams", email="ann@mvusd.org")
    response = patch(writer, f"/api/people/{person.pk}", {"family_name": "Baker"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.family_name, person.email, person.family_key) == (
        "Baker",
        "ann@mvusd.org",
        "baker",
    )
    assert response.json()["family_name"] == "Baker"


def test_a_change_is_audited_with_before_and_after(writer, leader):
    person = make_person(family_name="Adams")
    patch(writer, f"/api/people/{person.pk}", {"family_name": "Baker"})
    entry = history_of(person)[0]
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == leader
    assert entry.changes["family_name"] == ["Adams", "Baker"]


def test_a_leader_deactivates_a_person_and_they_are_kept(writer):
    person = make_person()
    response = patch(writer, f"/api/people/{person.pk}", {"active": False})
    assert response.json()["active"] is False
    person.refresh_from_db()
    assert person.active is False


def test_people_cannot_be_deleted_through_the_api(writer):
    person = make_person()
    assert writer.delete(f"/api/people/{person.pk}").status_code == 405
    assert Person.objects.filter(pk=person.pk).exists()


def test_an_invalid_change_changes_nothing_at_all(writer):
    person = make_person(family_name="Adams", email="ann@mvusd.org")
    response = patch(
        writer, f"/api/people/{person.pk}", {"active": False, "email": "not an address"}
    )
    assert response.status_code == 422
    person.refresh_from_db()
    assert (person.active, person.email) == (True, "ann@mvusd.org")


def test_a_null_family_name_is_refused(writer):
    person = make_person(family_name="Adams")
    response = patch(writer, f"/api/people/{person.pk}", {"family_name": None})
    assert response.status_code == 422
    assert "family_name" in response.json()["errors"]


def test_moving_a_person_to_no_site_clears_it(writer):
    person = make_person(primary_site=make_site())
    response = patch(writer, f"/api/people/{person.pk}", {"primary_site_id": None})
    assert response.json()["primary_site_id"] is None


def test_changing_an_unknown_person_is_404(writer):
    assert patch(writer, "/api/people/999999", {"family_name": "X"}).status_code == 404
