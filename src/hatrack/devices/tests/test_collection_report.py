"""The end-of-year collection report: who still holds a device."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hatrack.conftest import make_user
from hatrack.devices.models import Assignment, Category
from hatrack.devices.tests.factories import (
    make_assignment,
    make_device,
    make_device_model,
    make_room,
)
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db
URL = "/devices/collection/"


@pytest.fixture
def viewer_client(viewer, client_for):
    return client_for(viewer)


def held(site, *, family="Diaz", given="Ana", grade="05", **extra):
    holder = make_person(primary_site=site, family_name=family, given_name=given, grade=grade)
    return make_assignment(device=make_device(site=site), holder=holder, site=site, **extra)


def test_the_report_is_at_its_url():
    assert reverse("devices:collection_report") == URL


def test_the_report_lists_holders_by_name_with_their_device(viewer_client):
    school = make_site(name="Lincoln Elementary")
    held(school, family="Zeta", given="Zoe")
    first = held(school, family="Abel", given="Al", grade="03")
    body = viewer_client.get(URL).content.decode()
    assert body.index("Abel, Al") < body.index("Zeta, Zoe")
    assert first.device.asset_tag in body and "Grade 3" in body


def test_returned_devices_and_room_deployments_are_not_listed(viewer_client):
    school = make_site()
    held(school, family="Back", checked_in_at=timezone.now())
    make_assignment(device=make_device(site=school), room=make_room(site=school))
    body = viewer_client.get(URL).content.decode()
    assert "Every device is back" in body


def test_the_report_filters_by_site_grade_kind_and_device(viewer_client):
    north, south = make_site(name="North"), make_site(name="South")
    held(north, family="Northman")
    held(south, family="Southgrade", grade="09")
    held(south, family="Loanerson", kind=Assignment.Kind.LOANER)
    tablet = make_device(site=south, model=make_device_model(category=Category.TABLET))
    make_assignment(
        device=tablet, site=south, holder=make_person(family_name="Tabby", given_name="T")
    )

    def names(**params):
        body = viewer_client.get(URL, params).content.decode()
        return {n for n in ("Northman", "Southgrade", "Loanerson", "Tabby") if n in body}

    assert names(site=north.pk) == {"Northman"}
    assert names(grade="09") == {"Southgrade"}
    assert names(kind="loaner") == {"Loanerson"}
    assert names(category="tablet") == {"Tabby"}


def test_a_filter_that_matches_no_one_offers_to_clear_it(viewer_client):
    held(make_site())
    body = viewer_client.get(URL, {"grade": "12"}).content.decode()
    assert "No one here still holds a device" in body


def test_the_report_pages_by_keyset(viewer_client):
    school = make_site()
    for n in range(55):
        held(school, family=f"Family{n:02d}")
    first = viewer_client.get(URL)
    assert "Family49" in first.content.decode() and "Family50" not in first.content.decode()
    cursor = first.context["page"].next_cursor
    second = viewer_client.get(URL, {"after": cursor}).content.decode()
    assert "Family50" in second and "Family49" not in second


def test_the_report_exports_csv_with_the_filters(viewer_client):
    north, south = make_site(name="North"), make_site(name="South")
    held(north, family="Northman", given="Ned")
    held(south, family="Southman")
    response = viewer_client.get(URL, {"site": north.pk, "format": "csv"})
    text = b"".join(response.streaming_content).decode()
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Holder,SIS id,Grade,Site,Asset tag")
    assert len(lines) == 2
    assert "Northman, Ned" in lines[1] and "North" in lines[1]


def test_the_report_has_a_print_button_and_print_styles(viewer_client):
    body = viewer_client.get(URL).content.decode()
    assert "data-print" in body and "print.css" in body


@pytest.mark.parametrize(("role", "status"), [("staff", 403), ("technician", 200)])
def test_who_may_read_the_report(client_for, role, status):
    assert client_for(make_user(role)).get(URL).status_code == status


def test_the_report_costs_the_same_queries_at_one_row_and_at_fifty(
    viewer_client, django_assert_num_queries
):
    school = make_site()
    held(school)
    viewer_client.get(URL)
    with django_assert_num_queries(5) as one:
        viewer_client.get(URL, {"site": school.pk})
    for n in range(60):
        held(school, family=f"Many{n}")
    with django_assert_num_queries(len(one)):
        viewer_client.get(URL, {"site": school.pk})
