import re

import pytest
from django.urls import reverse

from hatrack.core.models import ImportRun
from hatrack.directory.tests.factories import make_district, make_person, make_site

pytestmark = pytest.mark.django_db
HOME = reverse("home")


def small_district():
    make_district(name="Maple Valley Unified")
    high = make_site(name="Lincoln High", kind="high")
    elementary = make_site(name="Oak Elementary", kind="elementary")
    make_site(name="Closed School", kind="elementary", active=False)
    for _ in range(3):
        make_person(role="student", primary_site=high)
    make_person(role="student", primary_site=elementary)
    make_person(role="teacher", primary_site=high)
    make_person(role="staff")
    make_person(role="student", primary_site=high, active=False)


def test_the_home_page_shows_the_districts_headline_numbers(viewer_client):
    small_district()
    summary = viewer_client.get(HOME).context["summary"]
    assert summary["students"] == 4
    assert summary["staff"] == 2
    assert summary["inactive"] == 1
    assert summary["site_count"] == 2
    assert [(k["label"], k["count"]) for k in summary["sites_by_kind"]] == [
        ("Elementary school", 1),
        ("High school", 1),
    ]


def test_the_home_page_charts_people_per_site_as_an_svg_image(viewer_client):
    small_district()
    body = viewer_client.get(HOME).content.decode()
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="[^"]+"', body)
    assert "<svg" not in body
    chart = viewer_client.get(HOME).context["chart"]
    assert [(r["name"], r["students"], r["staff"]) for r in chart["rows"]] == [
        ("Lincoln High", 3, 1),
        ("Oak Elementary", 1, 0),
    ]


def test_the_chart_svg_carries_no_script(viewer_client):
    import base64

    small_district()
    uri = viewer_client.get(HOME).context["chart"]["uri"]
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    assert svg.startswith("<svg")
    assert "<script" not in svg
    assert "Lincoln High" in svg


def test_the_home_page_has_no_inline_style_or_script(viewer_client):
    small_district()
    body = viewer_client.get(HOME).content.decode()
    assert " style=" not in body
    assert "<style" not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)


def test_the_home_page_shows_the_latest_oneroster_import_with_a_link_for_leaders(leader_client):
    small_district()
    ImportRun.objects.create(kind="oneroster", source_name="older.zip", status="done")
    ImportRun.objects.create(kind="oneroster", source_name="roster.zip", status="rejected")
    body = leader_client.get(HOME).content.decode()
    assert "roster.zip" in body
    assert "older.zip" not in body
    assert reverse("directory:import_list") in body


def test_viewers_see_the_latest_import_without_the_import_links(viewer_client):
    small_district()
    ImportRun.objects.create(kind="oneroster", source_name="roster.zip", status="done")
    body = viewer_client.get(HOME).content.decode()
    assert "roster.zip" in body
    assert reverse("directory:import_list") not in body


def test_an_empty_district_points_the_leader_to_the_profile_and_the_import(leader_client):
    body = leader_client.get(HOME).content.decode()
    assert "Your district is empty so far" in body
    assert reverse("directory:district_edit") in body
    assert reverse("directory:import_create") in body


def test_an_empty_district_tells_a_viewer_who_loads_the_data(viewer_client):
    body = viewer_client.get(HOME).content.decode()
    assert "Your district is empty so far" in body
    assert reverse("directory:import_create") not in body


def test_staff_get_a_simple_home_without_directory_numbers(staff_client):
    small_district()
    response = staff_client.get(HOME)
    body = response.content.decode()
    assert response.status_code == 200
    assert "What you can do here" in body
    assert "summary" not in response.context
    assert reverse("directory:person_list") not in body
    assert reverse("portal:ticket_create") in body
    assert "You have not asked for help yet" in body


def test_staff_see_their_latest_requests_on_home(staff, staff_client):
    from hatrack.servicedesk.tests.factories import make_ticket

    small_district()
    mine = make_ticket(requester=None, created_by=staff, subject="Printer jams")
    make_ticket(subject="Someone else's request")
    body = staff_client.get(HOME).content.decode()
    assert f"{mine.reference} Printer jams" in body
    assert "Someone else" not in body


def test_anonymous_visitors_are_sent_to_sign_in_from_home(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_numbers_are_cached_until_a_service_changes_the_directory(
    viewer_client, leader, django_capture_on_commit_callbacks
):
    from hatrack.directory import services

    small_district()
    assert viewer_client.get(HOME).context["summary"]["students"] == 4
    make_person(role="student")  # written behind the services' back: still cached
    assert viewer_client.get(HOME).context["summary"]["students"] == 4
    with django_capture_on_commit_callbacks(execute=True):
        services.create_person(by=leader, given_name="New", family_name="Kid", role="student")
    assert viewer_client.get(HOME).context["summary"]["students"] == 6


def test_readers_see_which_systems_are_down_and_the_open_incidents(technician_client):
    from hatrack.systems.models import State
    from hatrack.systems.tests.factories import make_incident, make_system

    small_district()
    sso = make_system(name="Single sign-on", state=State.DOWN)
    make_system(name="Email", state=State.DEGRADED)
    make_system(name="Payroll", state=State.OPERATIONAL)
    make_incident(sso, title="Sign-in fails")

    html = technician_client.get(HOME).content.decode()

    assert "Systems right now" in html
    assert "1 down, 1 degraded</a> of 3 systems" in html
    assert "Sign-in fails" in html


def test_staff_do_not_see_the_systems_card(staff_client):
    from hatrack.systems.tests.factories import make_system

    make_system(name="Single sign-on")
    assert "Systems right now" not in staff_client.get(HOME).content.decode()
