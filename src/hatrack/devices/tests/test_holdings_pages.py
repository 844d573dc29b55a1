"""The devices sections of the directory's person and site pages (devices.holdings)."""

import datetime

import pytest
from django.utils import timezone

from hatrack.devices.models import Status
from hatrack.devices.tests.factories import (
    make_assignment,
    make_device,
    make_device_model,
    make_fee,
    make_repair,
    make_room,
)
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db


def _person_page(client, person):
    return client.get(person.get_absolute_url())


def test_a_person_page_shows_the_devices_they_hold_now(technician_client):
    person = make_person(given_name="Ana", family_name="Diaz")
    device = make_device(asset_tag="LHS-0042", model=make_device_model(name="300e Gen 3"))
    make_assignment(device=device, holder=person)
    devices = _person_page(technician_client, person).context["devices"]
    assert [(r["label"], r["model"], r["status"]) for r in devices["held"]] == [
        ("LHS-0042", "Lenovo 300e Gen 3", "Deployed")
    ]


def test_a_person_page_lists_past_check_outs_newest_first(technician_client):
    person = make_person()
    now = timezone.now()
    old = make_assignment(
        holder=person, checked_out_at=now - datetime.timedelta(days=300),
        checked_in_at=now - datetime.timedelta(days=100),
    )  # fmt: skip
    new = make_assignment(holder=person, checked_out_at=now)
    history = _person_page(technician_client, person).context["devices"]["history"]
    assert [r["label"] for r in history["rows"]] == [new.device.label, old.device.label]
    assert history["rows"][1]["back"] is not None
    assert history["more"] is False


def test_a_person_page_keeps_the_last_twenty_check_outs_and_says_there_are_more(
    technician_client,
):
    person = make_person()
    for n in range(21):
        make_assignment(
            holder=person,
            checked_out_at=timezone.now() - datetime.timedelta(days=n + 1),
            checked_in_at=timezone.now() - datetime.timedelta(days=n),
        )
    history = _person_page(technician_client, person).context["devices"]["history"]
    assert len(history["rows"]) == 20
    assert history["more"] is True


def test_a_person_page_lists_repairs_of_devices_they_held(technician_client):
    person = make_person()
    make_repair(holder=person, problem="Cracked screen after a fall")
    make_repair(problem="Someone else's")
    repairs = _person_page(technician_client, person).context["devices"]["repairs"]
    assert [r["problem"] for r in repairs] == ["Cracked screen after a fall"]


def test_fees_show_to_those_who_handle_them(technician_client):
    person = make_person()
    make_fee(person=person)
    body = _person_page(technician_client, person).content.decode()
    assert 'id="person-fees-heading"' in body
    assert "$45.00" in body


def test_a_viewer_sees_a_persons_devices_but_not_their_fees(viewer_client):
    person = make_person()
    make_fee(person=person)
    response = _person_page(viewer_client, person)
    assert response.context["devices"]["fees"] is None
    assert 'id="person-fees-heading"' not in response.content.decode()
    assert 'id="held-heading"' in response.content.decode()


def _person_page_queries(client, person, django_assert_num_queries):
    client.get(person.get_absolute_url())
    # session, user, person, account, audit history, held, history, repairs, fees
    with django_assert_num_queries(9):
        client.get(person.get_absolute_url())


def test_the_person_page_costs_the_same_queries_for_one_device_and_many(
    technician_client, django_assert_num_queries
):
    person = make_person()
    make_assignment(holder=person)
    make_repair(holder=person)
    make_fee(person=person)
    _person_page_queries(technician_client, person, django_assert_num_queries)
    for _ in range(15):
        make_assignment(holder=person)
        make_repair(holder=person)
        make_fee(person=person)
    _person_page_queries(technician_client, person, django_assert_num_queries)


def test_a_site_page_lists_its_rooms_with_edit_links_for_the_leader(leader_client):
    site = make_site()
    room = make_room(site=site, name="Room 204")
    make_room(site=site, name="Old Lab", active=False)
    body = leader_client.get(site.get_absolute_url()).content.decode()
    assert "Room 204" in body
    assert "Out of use" in body
    assert f"/directory/rooms/{room.pk}/edit/" in body
    assert f"/directory/sites/{site.pk}/rooms/new/" in body


def test_a_viewer_sees_the_rooms_without_edit_links(viewer_client):
    room = make_room(name="Room 204")
    body = viewer_client.get(room.site.get_absolute_url()).content.decode()
    assert "Room 204" in body
    assert f"/directory/rooms/{room.pk}/edit/" not in body


def test_a_site_page_counts_its_devices_by_status_and_by_kind(viewer_client):
    site = make_site()
    chromebook = make_device_model(category="chromebook")
    display = make_device_model(manufacturer="Epson", name="BrightLink 735Fi", category="display")
    make_device(site=site, model=chromebook, status=Status.DEPLOYED)
    make_device(site=site, model=chromebook, status=Status.DEPLOYED)
    make_device(site=site, model=chromebook, status=Status.IN_STOCK)
    make_device(site=site, model=display, status=Status.DEPLOYED)
    make_device(model=chromebook)  # another site
    counts = viewer_client.get(site.get_absolute_url()).context["device_counts"]
    assert counts["total"] == 4
    assert [(i["label"], i["count"]) for i in counts["by_status"]] == [
        ("In stock", 1),
        ("Deployed", 3),
    ]
    assert [(i["label"], i["count"]) for i in counts["by_category"]] == [
        ("Chromebook", 3),
        ("Display / projector", 1),
    ]


def _site_page_queries(client, site, django_assert_num_queries):
    client.get(site.get_absolute_url())
    # session, user, site, people by role, staff sample, departments, audit history,
    # rooms, device counts (one grouped query)
    with django_assert_num_queries(9):
        client.get(site.get_absolute_url())


def test_the_site_page_costs_the_same_queries_for_one_device_and_many(
    viewer_client, django_assert_num_queries
):
    site = make_site()
    make_room(site=site)
    make_device(site=site)
    _site_page_queries(viewer_client, site, django_assert_num_queries)
    display = make_device_model(category="display")
    for n in range(20):
        make_room(site=site)
        make_device(site=site, model=display, status=Status.DEPLOYED if n % 2 else Status.LOST)
    _site_page_queries(viewer_client, site, django_assert_num_queries)


def test_a_site_pages_counts_link_to_the_device_list_filtered_by_site(viewer_client):
    site = make_site()
    make_device(site=site, status=Status.LOST, model=make_device_model(category="hotspot"))
    counts = viewer_client.get(site.get_absolute_url()).context["device_counts"]
    assert counts["url"] == f"/devices/?site={site.pk}"
    assert counts["by_status"][0]["url"] == f"/devices/?site={site.pk}&status=lost"
    assert counts["by_category"][0]["url"] == f"/devices/?site={site.pk}&category=hotspot"


def test_a_person_page_links_to_their_devices_in_the_device_list(technician_client):
    person = make_person()
    make_assignment(holder=person)
    devices = _person_page(technician_client, person).context["devices"]
    assert devices["list_url"] == f"/devices/?holder={person.pk}"
    assert devices["held"][0]["url"] == f"/devices/{devices['held'][0]['id']}/"
