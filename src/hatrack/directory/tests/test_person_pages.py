import csv
import io

import pytest
from django.urls import reverse

from hatrack.core.models import AuditEntry
from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db
LIST = reverse("directory:person_list")


def names(response):
    return [row["name"] for row in response.context["rows"]]


def test_the_people_list_is_sorted_by_family_then_given_name(viewer_client):
    make_person(given_name="Zed", family_name="Able")
    make_person(given_name="Ann", family_name="Baker")
    make_person(given_name="Abe", family_name="Able")
    assert names(viewer_client.get(LIST)) == ["Able, Abe", "Able, Zed", "Baker, Ann"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("smi", ["Smith, Jo", "Smith, Sam", "Smithers, Ann"]),
        ("jo smi", ["Smith, Jo"]),
        ("smith, jo", ["Smith, Jo"]),
        ("SMITH, SA", ["Smith, Sam"]),
        ("van der", ["van der Berg, Kees"]),
        ("kees", ["van der Berg, Kees"]),
        ("jo@mvusd.org", ["Smith, Jo"]),
        ("sam.smith", ["Smith, Sam"]),
        ("9001", ["Smithers, Ann"]),
    ],
)
def test_the_people_list_finds_people_by_name_prefix_email_or_sis_id(
    viewer_client, query, expected
):
    make_person(given_name="Jo", family_name="Smith", email="jo@mvusd.org")
    make_person(given_name="Sam", family_name="Smith", email="sam.smith@mvusd.org")
    make_person(given_name="Ann", family_name="Smithers", sis_id="9001")
    make_person(given_name="Kees", family_name="van der Berg")
    make_person(given_name="Joan", family_name="Jones")
    assert names(viewer_client.get(LIST, {"q": query})) == expected


def test_the_people_list_filters_by_role_site_and_grade(viewer_client):
    site = make_site()
    make_person(given_name="A", family_name="Match", role="student", grade="05", primary_site=site)
    make_person(given_name="B", family_name="Other", role="student", grade="06", primary_site=site)
    make_person(given_name="C", family_name="Other", role="teacher", primary_site=site)
    make_person(given_name="D", family_name="Other", role="student", grade="05")
    response = viewer_client.get(LIST, {"role": "student", "site": site.pk, "grade": "05"})
    assert names(response) == ["Match, A"]


def test_the_people_list_shows_active_people_unless_asked_otherwise(viewer_client):
    make_person(given_name="Here", family_name="Active")
    make_person(given_name="Gone", family_name="Inactive", active=False)
    assert names(viewer_client.get(LIST)) == ["Active, Here"]
    assert names(viewer_client.get(LIST, {"active": "inactive"})) == ["Inactive, Gone"]
    assert len(names(viewer_client.get(LIST, {"active": "all"}))) == 2


def test_the_people_list_pages_forward_and_back_with_cursors(viewer_client):
    for n in range(55):
        make_person(given_name="P", family_name=f"Name{n:02d}")
    first = viewer_client.get(LIST)
    assert len(first.context["rows"]) == 50
    second = viewer_client.get(LIST, {"after": first.context["page"].next_cursor})
    assert names(second) == [f"Name{n:02d}, P" for n in range(50, 55)]
    back = viewer_client.get(LIST, {"before": second.context["page"].prev_cursor})
    assert names(back) == names(first)


def test_the_people_count_is_capped_at_a_thousand(viewer_client):
    Person.objects.bulk_create(
        Person(
            given_name="P", family_name=f"N{n}", role="student", given_key="p", family_key=f"n{n}"
        )
        for n in range(1001)
    )
    assert viewer_client.get(LIST).context["count"] == "1,000+"


def test_a_tampered_page_cursor_is_a_bad_request(viewer_client):
    assert viewer_client.get(LIST, {"after": "not-a-cursor"}).status_code == 400


def test_an_htmx_request_gets_only_the_results_partial(viewer_client):
    make_person(given_name="Jo", family_name="Smith")
    response = viewer_client.get(LIST, {"q": "smi"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "Smith, Jo" in body
    assert "<html" not in body


def test_a_plain_request_gets_the_whole_page_with_the_filter_form(viewer_client):
    body = viewer_client.get(LIST).content.decode()
    assert "<html" in body
    assert 'id="results"' in body
    assert 'name="q"' in body


def test_the_people_list_says_so_when_nothing_matches(viewer_client):
    make_person()
    assert "No one matches" in viewer_client.get(LIST, {"q": "zzz"}).content.decode()


def test_an_empty_directory_points_the_leader_to_the_import(leader_client):
    body = leader_client.get(LIST).content.decode()
    assert reverse("directory:import_create") in body


def _people_page_queries(client, django_assert_num_queries, expected):
    client.get(LIST)  # warm caches (district name) so both counts compare like with like
    with django_assert_num_queries(expected):
        client.get(LIST, {"q": "smi", "role": "student"})


def test_the_people_list_costs_the_same_queries_for_one_row_and_fifty(
    viewer_client, django_assert_num_queries
):
    site = make_site()
    make_person(given_name="A", family_name="Smith", primary_site=site)
    # session, user, sites for the filter, family-name probe, page, bounded count
    _people_page_queries(viewer_client, django_assert_num_queries, 6)
    for n in range(49):
        make_person(given_name=f"G{n}", family_name="Smith", primary_site=site)
    response = viewer_client.get(LIST, {"q": "smi", "role": "student"})
    assert len(response.context["rows"]) == 50
    _people_page_queries(viewer_client, django_assert_num_queries, 6)


def test_the_csv_export_streams_the_filtered_people(viewer_client):
    site = make_site(name="Lincoln High", code="LHS")
    make_person(given_name="Jo", family_name="Smith", primary_site=site, email="jo@x.org")
    make_person(given_name="Ann", family_name="Jones")
    response = viewer_client.get(reverse("directory:person_export"), {"q": "smi"})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Family name", "Given name"]
    assert rows[1][:2] == ["Smith", "Jo"]
    assert "Lincoln High" in rows[1]
    assert len(rows) == 2


def test_the_person_page_shows_facts_site_and_history(viewer_client, leader):
    from hatrack.directory import services

    site = make_site(name="Lincoln High")
    person = make_person(given_name="Jo", family_name="Smith", primary_site=site)
    services.update_person(person=person, by=leader, email="jo@mvusd.org")
    body = viewer_client.get(person.get_absolute_url()).content.decode()
    assert "Lincoln High" in body
    assert "jo@mvusd.org" in body
    assert "History" in body
    assert leader.username in body


def test_a_records_history_shows_changes_in_the_words_of_the_audit_log(viewer_client, leader):
    from hatrack.directory import services

    person = make_person(role=Person.Role.TEACHER)
    services.update_person(person=person, by=leader, role=Person.Role.STAFF)
    (entry,) = viewer_client.get(person.get_absolute_url()).context["history"]
    assert [(c.label, c.before, c.after) for c in entry["changes"]] == [
        ("role", "Teacher", "Staff")
    ]


def test_the_person_page_shows_the_linked_account(viewer_client):
    from hatrack.conftest import make_user

    person = make_person()
    make_user("technician", username="tech-jo", person=person)
    assert "tech-jo" in viewer_client.get(person.get_absolute_url()).content.decode()


def test_a_leader_sees_edit_and_deactivate_buttons(leader_client):
    person = make_person()
    body = leader_client.get(person.get_absolute_url()).content.decode()
    assert reverse("directory:person_edit", args=[person.pk]) in body
    assert "Deactivate" in body


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_readers_see_no_edit_buttons(client_for, role):
    from hatrack.conftest import make_user

    person = make_person()
    body = client_for(make_user(role)).get(person.get_absolute_url()).content.decode()
    assert reverse("directory:person_edit", args=[person.pk]) not in body
    assert "Deactivate" not in body
    assert "Add a person" not in client_for(make_user(role, "x")).get(LIST).content.decode()


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_readers_cannot_open_the_edit_pages(client_for, role):
    from hatrack.conftest import make_user

    client = client_for(make_user(role))
    person = make_person()
    assert client.get(reverse("directory:person_create")).status_code == 403
    assert client.post(reverse("directory:person_edit", args=[person.pk]), {}).status_code == 403


def test_staff_are_refused_the_people_list(staff_client):
    assert staff_client.get(LIST).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_leader_adds_a_person(leader_client):
    site = make_site()
    response = leader_client.post(
        reverse("directory:person_create"),
        {"given_name": "Zoë", "family_name": "O’Brien", "role": "teacher", "primary_site": site.pk},
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert AuditEntry.objects.filter(action="create", object_id=str(person.pk)).exists()


def test_a_person_form_with_errors_says_why_and_changes_nothing(leader_client):
    response = leader_client.post(
        reverse("directory:person_create"), {"given_name": "Jo", "role": "teacher", "email": "x"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "Enter a valid email address." in response.content.decode()
    assert not Person.objects.exists()


def test_a_leader_edits_a_person_and_the_change_is_audited(leader_client):
    person = make_person(given_name="Jo", family_name="Smith", role="student")
    leader_client.post(
        reverse("directory:person_edit", args=[person.pk]),
        {"given_name": "Jo", "family_name": "Smyth", "role": "student"},
    )
    person.refresh_from_db()
    assert person.family_name == "Smyth"
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes["family_name"] == ["Smith", "Smyth"]


def test_a_leader_deactivates_and_reactivates_a_person(leader_client):
    person = make_person()
    url = reverse("directory:person_edit", args=[person.pk])
    leader_client.post(url, {"set_active": "0"})
    person.refresh_from_db()
    assert person.active is False
    leader_client.post(url, {"set_active": "1"})
    person.refresh_from_db()
    assert person.active is True
    assert Person.objects.count() == 1
