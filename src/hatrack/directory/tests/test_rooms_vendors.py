import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hatrack.core.models import AuditEntry
from hatrack.devices.tests.factories import make_funding_source, make_room, make_vendor
from hatrack.directory.catalog_services import (
    create_funding_source,
    create_room,
    create_vendor,
    update_room,
    update_vendor,
)
from hatrack.directory.models import FundingSource, Room, Vendor
from hatrack.directory.tests.factories import make_site

pytestmark = pytest.mark.django_db
VENDORS = reverse("directory:vendor_list")
FUNDING = reverse("directory:funding_list")


def names(response):
    return [row["name"] for row in response.context["rows"]]


# --- Services ---------------------------------------------------------------------------


def test_a_new_room_belongs_to_its_site_and_is_audited(leader):
    site = make_site(code="LHS")
    room = create_room(site=site, by=leader, name=" Room 204 ", kind="classroom")
    assert (room.site, room.name) == (site, "Room 204")
    assert AuditEntry.objects.filter(action="create", object_id=str(room.pk)).exists()


def test_a_site_cannot_have_two_rooms_named_alike(leader):
    room = make_room(name="Library")
    with pytest.raises(ValidationError, match="Another room at this site"):
        create_room(site=room.site, by=leader, name="LIBRARY")
    assert Room.objects.count() == 1


def test_two_sites_may_each_have_a_room_204(leader):
    make_room(name="Room 204")
    create_room(site=make_site(), by=leader, name="Room 204")
    assert Room.objects.filter(name="Room 204").count() == 2


def test_taking_a_room_out_of_use_is_audited(leader):
    room = make_room()
    update_room(room=room, by=leader, active=False)
    entry = AuditEntry.objects.get(action="update", object_id=str(room.pk))
    assert entry.changes == {"active": [True, False]}


def test_a_vendor_with_a_bad_email_is_refused_and_nothing_is_written(leader):
    with pytest.raises(ValidationError) as caught:
        create_vendor(by=leader, name="CDW-G", email="not an email")
    assert "email" in caught.value.message_dict
    assert not Vendor.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_vendor_name_already_taken_in_another_case_is_refused(leader):
    make_vendor(name="CDW-G")
    vendor = make_vendor(name="Dell")
    with pytest.raises(ValidationError, match="Another vendor is already called cdw-g"):
        update_vendor(vendor=vendor, by=leader, name="cdw-g")


def test_a_funding_source_keeps_when_its_money_runs_out(leader):
    source = create_funding_source(
        by=leader, name="ESSER III", kind="one_time", recurring=False,
        ends_on=datetime.date(2024, 9, 30),
    )  # fmt: skip
    assert source.ends_on == datetime.date(2024, 9, 30)
    assert AuditEntry.objects.filter(action="create", object_id=str(source.pk)).exists()


# --- Pages ------------------------------------------------------------------------------


def test_a_leader_adds_a_room_from_the_site_and_returns_to_it(leader_client):
    site = make_site()
    response = leader_client.post(
        reverse("directory:room_create", args=[site.pk]),
        {"name": "Room 204", "kind": "classroom", "active": "on"},
    )
    assert response["Location"] == site.get_absolute_url()
    assert Room.objects.get().site == site


def test_a_duplicate_room_name_is_explained_beside_the_name(leader_client):
    room = make_room(name="Library")
    response = leader_client.post(
        reverse("directory:room_create", args=[room.site.pk]), {"name": "library", "kind": "lab"}
    )
    assert 'id="id_name_error"' in response.content.decode()
    assert Room.objects.count() == 1


def test_a_leader_renames_a_room(leader_client):
    room = make_room(name="Room 12")
    leader_client.post(
        reverse("directory:room_edit", args=[room.pk]),
        {"name": "STEM Lab", "kind": "lab", "active": "on"},
    )
    room.refresh_from_db()
    assert (room.name, room.kind) == ("STEM Lab", "lab")


def test_the_vendor_list_searches_and_shows_inactive_ones_on_request(viewer_client):
    make_vendor(name="CDW-G", account_number="88123")
    make_vendor(name="Dell")
    make_vendor(name="Old Supplier", active=False)
    assert names(viewer_client.get(VENDORS)) == ["CDW-G", "Dell"]
    assert names(viewer_client.get(VENDORS, {"q": "88123"})) == ["CDW-G"]
    assert names(viewer_client.get(VENDORS, {"active": "inactive"})) == ["Old Supplier"]


def test_the_funding_list_filters_by_kind(viewer_client):
    make_funding_source(name="General Fund", kind="general")
    make_funding_source(name="E-Rate 2025", kind="erate")
    assert names(viewer_client.get(FUNDING, {"kind": "erate"})) == ["E-Rate 2025"]


@pytest.mark.parametrize("url", [VENDORS, FUNDING])
def test_the_lists_cost_the_same_queries_for_one_row_and_fifty(
    viewer_client, django_assert_num_queries, url
):
    make = make_vendor if url == VENDORS else make_funding_source
    make()
    viewer_client.get(url)
    with django_assert_num_queries(4):  # session, user, page, bounded count
        viewer_client.get(url)
    for _ in range(49):
        make()
    with django_assert_num_queries(4):
        assert len(viewer_client.get(url).context["rows"]) == 50


def test_a_leader_adds_a_vendor_with_a_bare_website(leader_client):
    response = leader_client.post(
        reverse("directory:vendor_create"),
        {"name": "CDW-G", "website": "cdwg.com", "email": "rep@cdwg.com", "active": "on"},
    )
    assert response["Location"] == VENDORS
    assert Vendor.objects.get().website == "https://cdwg.com"


def test_a_duplicate_vendor_is_explained_beside_the_name(leader_client):
    make_vendor(name="CDW-G")
    response = leader_client.post(reverse("directory:vendor_create"), {"name": "CDW-G"})
    assert "Another vendor is already called this." in response.content.decode()


def test_a_leader_edits_a_funding_source(leader_client):
    source = make_funding_source(name="Title IV")
    leader_client.post(
        reverse("directory:funding_edit", args=[source.pk]),
        {"name": "Title IV-A", "code": "T4A", "kind": "grant", "ends_on": "2026-06-30"},
    )
    source.refresh_from_db()
    assert (source.name, source.recurring, source.active) == ("Title IV-A", False, False)
    assert AuditEntry.objects.filter(action="update", object_id=str(source.pk)).exists()


@pytest.mark.parametrize("persona", ["technician", "viewer"], indirect=True)
def test_readers_see_vendors_and_funding_but_cannot_change_them(persona):
    _, client = persona
    make_vendor(name="CDW-G")
    body = client.get(VENDORS).content.decode()
    assert "CDW-G" in body
    assert reverse("directory:vendor_create") not in body
    assert client.post(reverse("directory:funding_create"), {"name": "X"}).status_code == 403
    assert client.post(reverse("directory:room_create", args=[make_site().pk])).status_code == 403
    assert not FundingSource.objects.exists()
    assert not Room.objects.exists()


def test_staff_see_no_vendors(staff_client):
    assert staff_client.get(VENDORS).status_code == 403
