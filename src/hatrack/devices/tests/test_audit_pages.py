"""The audit pages: who may read, start, scan and finish; the lists and their exports;
bad input; fixed query counts."""

import json

import pytest
from django.urls import reverse

from hatrack.conftest import PERSONAS, make_user
from hatrack.devices.models import AuditItem, PhysicalAudit
from hatrack.devices.services.audits import record_audit_scan, start_audit
from hatrack.devices.tests.factories import make_device, make_room
from hatrack.directory.tests.factories import make_site

pytestmark = pytest.mark.django_db

LIST_URL = reverse("devices:audit_list")
JSON = {"HTTP_ACCEPT": "application/json"}
READ = {"leader": 200, "technician": 200, "viewer": 200, "staff": 403, "outsider": 302}
WORK = {"leader": True, "technician": True, "viewer": False, "staff": False, "outsider": False}


@pytest.fixture
def room():
    return make_room(name="Room 204")


@pytest.fixture
def audit(room):
    for _ in range(3):
        make_device(site=room.site, room=room)
    return start_audit(site=room.site, room=room, by=make_user("technician", "starter"))


def detail_url(audit):
    return reverse("devices:audit_detail", args=[audit.pk])


def scan_url(audit):
    return reverse("devices:audit_scan", args=[audit.pk])


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_readers_see_the_audits_and_others_are_refused(persona, audit):
    name, client = persona
    assert client.get(LIST_URL).status_code == READ[name]
    assert client.get(detail_url(audit)).status_code == READ[name]


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_leaders_and_technicians_start_an_audit(persona, room):
    name, client = persona
    client.post(LIST_URL, {"site": room.site.pk, "room": room.pk})
    assert PhysicalAudit.objects.exists() == WORK[name]


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_leaders_and_technicians_scan_and_finish(persona, audit):
    name, client = persona
    tag = AuditItem.objects.filter(audit=audit).first().device.asset_tag
    client.post(scan_url(audit), {"code": tag}, **JSON)
    client.post(reverse("devices:audit_finish", args=[audit.pk]))
    audit.refresh_from_db()
    assert (audit.found_count == 1) == WORK[name]
    assert (audit.status == PhysicalAudit.Status.FINISHED) == WORK[name]


def test_the_start_form_is_shown_only_to_those_who_may_start(viewer_client, technician_client):
    assert "Start audit</button>" not in viewer_client.get(LIST_URL).content.decode()
    assert "Start audit</button>" in technician_client.get(LIST_URL).content.decode()


def test_starting_an_audit_opens_its_page_with_the_expected_devices(technician_client, room):
    make_device(site=room.site, room=room, asset_tag="LHS-1")
    response = technician_client.post(LIST_URL, {"site": room.site.pk, "room": room.pk})
    audit = PhysicalAudit.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(audit)
    page = technician_client.get(detail_url(audit)).content.decode()
    assert "1 devices expected" in page or "Audit of" in page
    assert "LHS-1" in page


def test_choosing_a_site_lists_only_its_rooms(technician_client, room):
    other = make_room(name="Gym")
    response = technician_client.get(LIST_URL, {"part": "rooms", "site": room.site.pk})
    html = response.content.decode()
    assert "Room 204" in html and other.name not in html
    assert 'id="room-field"' in html


def test_a_room_of_another_site_is_refused_beside_the_field(technician_client, room):
    response = technician_client.post(LIST_URL, {"site": make_site().pk, "room": room.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not PhysicalAudit.objects.exists()


def test_a_missing_site_is_refused_beside_the_field(technician_client):
    response = technician_client.post(LIST_URL, {"site": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_a_second_audit_of_the_same_room_is_refused_with_a_message(technician_client, audit):
    data = {"site": audit.site_id, "room": audit.room_id}
    response = technician_client.post(LIST_URL, data)
    assert response.status_code == 400
    assert "already in progress" in response.content.decode()


def test_a_scan_answers_in_json_with_the_counts_and_the_new_row(technician_client, audit):
    device = AuditItem.objects.filter(audit=audit).first().device
    response = technician_client.post(scan_url(audit), {"code": device.asset_tag}, **JSON)
    data = response.json()
    assert data["ok"] is True and data["outcome"] == "found"
    assert data["counts"] == {"expected": 3, "found": 1, "missing": 2, "unexpected": 0}
    assert data["list"] == "found" and device.asset_tag in data["row"]
    assert f'data-device="{device.pk}"' in data["row"]


def test_an_unexpected_scan_says_where_the_records_place_the_device(technician_client, audit):
    stray = make_device(site=make_site(name="Oak Elementary"), asset_tag="OAK-9")
    data = technician_client.post(scan_url(audit), {"code": "oak-9"}, **JSON).json()
    assert data["outcome"] == "unexpected" and data["ok"] is False
    assert "at Oak Elementary" in data["message"]
    assert data["list"] == "unexpected" and f'data-device="{stray.pk}"' in data["row"]


def test_an_unknown_tag_is_reported_and_nothing_is_stored(technician_client, audit):
    data = technician_client.post(scan_url(audit), {"code": "ZZZ-404"}, **JSON).json()
    assert data["outcome"] == "unknown" and "ZZZ-404" in data["message"]
    assert "row" not in data
    assert AuditItem.objects.filter(audit=audit).count() == 3


def test_an_empty_scan_is_refused_in_words(technician_client, audit):
    response = technician_client.post(scan_url(audit), {"code": ""}, **JSON)
    assert response.status_code == 400
    assert response.json()["message"] == "Scan an asset tag or a serial number."


def test_a_scan_without_javascript_comes_back_to_the_page_with_a_message(technician_client, audit):
    tag = AuditItem.objects.filter(audit=audit).first().device.asset_tag
    response = technician_client.post(scan_url(audit), {"code": tag}, follow=True)
    assert f"{tag} found." in response.content.decode()


def test_a_finished_audit_refuses_scans_and_hides_the_scanner(technician_client, audit):
    technician_client.post(reverse("devices:audit_finish", args=[audit.pk]))
    tag = AuditItem.objects.filter(audit=audit).first().device.asset_tag
    response = technician_client.post(scan_url(audit), {"code": tag}, **JSON)
    assert response.status_code == 400 and "finished" in response.json()["message"]
    page = technician_client.get(detail_url(audit)).content.decode()
    assert "data-audit-scan" not in page
    assert 'Missing (<span data-count="missing">3</span>)' in page


def test_finishing_twice_says_it_is_already_finished(technician_client, audit):
    url = reverse("devices:audit_finish", args=[audit.pk])
    technician_client.post(url)
    response = technician_client.post(url, follow=True)
    assert "already finished" in response.content.decode()


def test_the_page_shows_the_three_lists_with_their_counts(technician_client, audit):
    tech = make_user("technician", "tech1")
    items = list(AuditItem.objects.filter(audit=audit).select_related("device"))
    record_audit_scan(audit=audit, value=items[0].device.asset_tag, by=tech)
    record_audit_scan(audit=audit, value=make_device(asset_tag="ELSE-1").asset_tag, by=tech)
    html = technician_client.get(detail_url(audit)).content.decode()
    assert "Found (<span" in html and "Unexpected (<span" in html
    assert 'data-count="missing">2<' in html and 'data-count="unexpected">1<' in html


@pytest.mark.parametrize("kind", ["found", "missing", "unexpected"])
def test_each_list_exports_as_csv(technician_client, audit, kind):
    response = technician_client.get(detail_url(audit), {"list": kind, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Asset tag,Serial number,Model")
    assert len(body.splitlines()) == (4 if kind == "missing" else 1)


def test_the_full_list_pages_with_keyset_links(technician_client, room):
    for _ in range(55):
        make_device(site=room.site, room=room)
    audit = start_audit(site=room.site, room=room, by=make_user("technician", "tech2"))
    response = technician_client.get(detail_url(audit), {"list": "missing"})
    html = response.content.decode()
    assert "55 devices" in html and 'rel="next"' in html


def test_an_unknown_list_name_is_a_bad_request(technician_client, audit):
    assert technician_client.get(detail_url(audit), {"list": "stolen"}).status_code == 400


def test_a_scan_of_an_audit_that_does_not_exist_is_not_found(technician_client):
    url = reverse("devices:audit_scan", args=[999999])
    assert technician_client.post(url, {"code": "X"}, **JSON).status_code == 404


@pytest.mark.parametrize("count", [1, 50])
def test_the_audit_page_costs_a_fixed_number_of_queries(
    technician_client, django_assert_num_queries, room, count
):
    for _ in range(count):
        make_device(site=room.site, room=room)
    audit = start_audit(site=room.site, room=room, by=make_user("technician", "tech3"))
    technician_client.get(detail_url(audit))
    with django_assert_num_queries(6):  # session, user, audit, three lists
        technician_client.get(detail_url(audit))


@pytest.mark.parametrize("count", [1, 30])
def test_the_audit_list_costs_a_fixed_number_of_queries(
    technician_client, django_assert_num_queries, count
):
    for _ in range(count):
        PhysicalAudit.objects.create(site=make_site())
    technician_client.get(LIST_URL)
    with django_assert_num_queries(4):  # session, user, sites for the form, audits
        technician_client.get(LIST_URL)


@pytest.mark.parametrize("count", [1, 50])
def test_a_full_list_costs_a_fixed_number_of_queries(
    technician_client, django_assert_num_queries, room, count
):
    for _ in range(count):
        make_device(site=room.site, room=room)
    audit = start_audit(site=room.site, room=room, by=make_user("technician", "tech4"))
    technician_client.get(detail_url(audit), {"list": "missing"})
    with django_assert_num_queries(4):  # session, user, audit, one page of the list
        technician_client.get(detail_url(audit), {"list": "missing"})


def test_scan_answers_carry_no_markup_outside_the_row(technician_client, audit):
    data = technician_client.post(scan_url(audit), {"code": "<b>x</b>"}, **JSON).json()
    assert "<b>" not in json.dumps(data["message"]) or data["outcome"] == "unknown"


def finished(audit):
    from hatrack.devices.services.audits import finish_audit

    return finish_audit(audit=audit, by=None)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_leaders_mark_the_missing_devices_lost(persona, audit):
    name, client = persona
    finished(audit)
    client.post(reverse("devices:audit_mark_lost", args=[audit.pk]))
    lost = audit.items.filter(device__status="lost").count()
    assert lost == (3 if name == "leader" else 0)


def test_the_leader_is_offered_to_mark_the_missing_lost_once_finished(leader_client, audit):
    assert "Mark 3 lost" not in leader_client.get(detail_url(audit)).content.decode()
    finished(audit)
    assert "Mark 3 lost" in leader_client.get(detail_url(audit)).content.decode()
    response = leader_client.post(reverse("devices:audit_mark_lost", args=[audit.pk]), follow=True)
    html = response.content.decode()
    assert "3 missing devices marked lost." in html and "Mark 3 lost" not in html


def test_technicians_are_not_offered_to_mark_devices_lost(technician_client, audit):
    finished(audit)
    assert "audit_mark_lost" not in technician_client.get(detail_url(audit)).content.decode()
    assert "Mark 3 lost" not in technician_client.get(detail_url(audit)).content.decode()
