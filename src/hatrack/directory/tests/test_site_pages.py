import pytest
from django.urls import reverse

from hatrack.core.models import AuditEntry
from hatrack.directory.models import Site
from hatrack.directory.tests.factories import make_department, make_person, make_site

pytestmark = pytest.mark.django_db
LIST = reverse("directory:site_list")

VALID = {"name": "Lincoln High", "code": "LHS", "kind": "high", "active": "on"}


def names(response):
    return [row["name"] for row in response.context["rows"]]


def test_the_site_list_searches_names_codes_and_cities(viewer_client):
    make_site(name="Lincoln High", code="LHS", city="Salem")
    make_site(name="Oak Elementary", code="OAK", city="Salem")
    make_site(name="District Office", code="DO", city="Albany")
    assert names(viewer_client.get(LIST, {"q": "linc"})) == ["Lincoln High"]
    assert names(viewer_client.get(LIST, {"q": "salem"})) == ["Lincoln High", "Oak Elementary"]
    assert names(viewer_client.get(LIST, {"q": "DO"})) == ["District Office"]


def test_the_site_list_filters_by_kind_and_status(viewer_client):
    make_site(name="Lincoln High", kind="high")
    make_site(name="Old High", kind="high", active=False)
    make_site(name="Oak Elementary", kind="elementary")
    assert names(viewer_client.get(LIST, {"kind": "high"})) == ["Lincoln High"]
    assert names(viewer_client.get(LIST, {"kind": "high", "active": "all"})) == [
        "Lincoln High",
        "Old High",
    ]


def test_an_htmx_request_gets_only_the_site_results(viewer_client):
    make_site(name="Lincoln High")
    body = viewer_client.get(LIST, headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body


def _site_list_queries(client, django_assert_num_queries):
    client.get(LIST)
    # session, user, page, bounded count (the session is refreshed at most every 5 minutes)
    with django_assert_num_queries(4):
        client.get(LIST)


def test_the_site_list_costs_the_same_queries_for_one_row_and_fifty(
    viewer_client, django_assert_num_queries
):
    make_site()
    _site_list_queries(viewer_client, django_assert_num_queries)
    for _ in range(49):
        make_site()
    assert len(viewer_client.get(LIST).context["rows"]) == 50
    _site_list_queries(viewer_client, django_assert_num_queries)


def test_the_site_page_counts_people_by_role_and_links_to_the_filtered_list(viewer_client):
    site = make_site(name="Lincoln High")
    make_person(primary_site=site, role="student")
    make_person(primary_site=site, role="student")
    make_person(primary_site=site, role="teacher", given_name="Tess", family_name="Teacher")
    make_person(primary_site=site, role="student", active=False)
    response = viewer_client.get(site.get_absolute_url())
    counts = {item["role"]: item["count"] for item in response.context["by_role"]}
    assert counts["Students"] == 2
    assert counts["Teacher"] == 1
    assert counts["Staff"] == 0
    body = response.content.decode()
    assert f"?site={site.pk}&amp;role=student" in body
    assert "Teacher, Tess" in body


def test_the_site_page_lists_its_departments(viewer_client):
    site = make_site()
    make_department(name="Front Office", site=site)
    assert "Front Office" in viewer_client.get(site.get_absolute_url()).content.decode()


def test_a_leader_adds_a_site_and_it_is_audited(leader_client):
    response = leader_client.post(reverse("directory:site_create"), VALID)
    site = Site.objects.get()
    assert response["Location"] == site.get_absolute_url()
    assert AuditEntry.objects.filter(action="create", object_id=str(site.pk)).exists()


def test_a_duplicate_site_code_is_explained_and_nothing_is_saved(leader_client):
    make_site(code="LHS")
    response = leader_client.post(reverse("directory:site_create"), VALID)
    assert "Another site already uses this code." in response.content.decode()
    assert Site.objects.count() == 1


def test_a_bad_nces_school_id_is_explained(leader_client):
    response = leader_client.post(
        reverse("directory:site_create"), {**VALID, "nces_school_id": "123"}
    )
    assert "An NCES school id has exactly 12 digits." in response.content.decode()
    assert not Site.objects.exists()


def test_grades_in_the_wrong_order_are_explained(leader_client):
    response = leader_client.post(
        reverse("directory:site_create"), {**VALID, "grade_low": "12", "grade_high": "09"}
    )
    assert "swap them" in response.content.decode()
    assert not Site.objects.exists()


def test_a_leader_edits_a_site_and_its_page_shows_the_change(leader_client):
    site = make_site(name="Lincoln", code="LIN", kind="high")
    leader_client.post(
        reverse("directory:site_edit", args=[site.pk]),
        {**VALID, "name": "Lincoln High", "code": "LIN"},
    )
    body = leader_client.get(site.get_absolute_url()).content.decode()
    assert "Lincoln High" in body
    assert "Lincoln → Lincoln High" in body


def test_an_invalid_edit_leaves_the_site_unchanged(leader_client):
    make_site(code="TAKEN")
    site = make_site(name="Lincoln", code="LIN")
    leader_client.post(reverse("directory:site_edit", args=[site.pk]), {**VALID, "code": "TAKEN"})
    site.refresh_from_db()
    assert site.code == "LIN"
    assert site.name == "Lincoln"


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_readers_see_sites_but_cannot_change_them(client_for, role):
    from hatrack.conftest import make_user

    client = client_for(make_user(role))
    site = make_site()
    assert client.get(site.get_absolute_url()).status_code == 200
    assert (
        reverse("directory:site_edit", args=[site.pk])
        not in client.get(site.get_absolute_url()).content.decode()
    )
    assert client.get(reverse("directory:site_create")).status_code == 403
    assert client.post(reverse("directory:site_edit", args=[site.pk]), VALID).status_code == 403


def test_staff_are_refused_the_site_pages(staff_client):
    site = make_site()
    assert staff_client.get(LIST).status_code == 403
    assert staff_client.get(site.get_absolute_url()).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_from_the_sites(client):
    assert client.get(LIST).status_code == 302
