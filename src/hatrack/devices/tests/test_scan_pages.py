"""The scanner's pages and one device's check-out and check-in pages."""

import json

import pytest
from django.urls import reverse

from hatrack.devices.models import Assignment, Scan, ScanSession, Status
from hatrack.devices.services.scanning import record_scan, start_scan_session
from hatrack.devices.tests.factories import make_assignment, make_device, make_kit, make_room
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def tech_client(technician, client_for):
    return client_for(technician)


@pytest.fixture
def school():
    return make_site(name="Lincoln Elementary")


@pytest.fixture
def handout(technician, school):
    return start_scan_session(kind="distribute", site=school, by=technician)


def submit(client, session, value, **extra):
    url = reverse("devices:scan_submit", args=[session.pk])
    return client.post(url, {"value": value, **extra}, **JSON)


# --- Starting a session ----------------------------------------------------------------


def test_the_start_page_offers_the_form_and_recent_sessions(tech_client, handout):
    response = tech_client.get(reverse("devices:scan_list"))
    assert response.status_code == 200
    assert b"Start scanning" in response.content
    assert f"Distribution #{handout.pk}".encode() in response.content


def test_the_start_page_says_so_when_there_are_no_sessions(tech_client):
    assert b"No sessions yet" in tech_client.get(reverse("devices:scan_list")).content


def test_starting_a_session_opens_the_scanner(tech_client, school):
    kit = make_kit()
    response = tech_client.post(
        reverse("devices:scan_list"),
        {"kind": "distribute", "site": school.pk, "kit": kit.pk, "condition": ""},
    )
    session = ScanSession.objects.get()
    assert response["Location"] == reverse("devices:scan_session", args=[session.pk])
    assert (session.site, session.kit) == (school, kit)


def test_a_session_without_a_kind_is_refused_beside_the_field(tech_client):
    response = tech_client.post(reverse("devices:scan_list"), {"kind": ""})
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert not ScanSession.objects.exists()


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_people_who_do_not_work_on_devices_cannot_scan(role, client_for, handout):
    from hatrack.conftest import make_user

    client = client_for(make_user(role))
    assert client.get(reverse("devices:scan_list")).status_code == 403
    assert submit(client, handout, "123").status_code == 403


def test_a_leader_can_scan(leader, client_for, handout):
    assert (
        client_for(leader).get(reverse("devices:scan_session", args=[handout.pk])).status_code
        == 200
    )


# --- Scanning ----------------------------------------------------------------------------


def test_the_scanner_page_has_the_big_input_the_prompt_and_the_script(tech_client, handout):
    response = tech_client.get(reverse("devices:scan_session", args=[handout.pk]))
    body = response.content.decode()
    assert 'name="value"' in body and "autofocus" in body
    assert "Scan a student&#x27;s badge" in body
    assert "devices-scan.js" in body and "<script>" not in body


def test_a_scan_answers_in_json_for_the_script(tech_client, handout, school):
    make_person(primary_site=school, sis_id="777", given_name="Ana", family_name="Diaz")
    answer = submit(tech_client, handout, "777").json()
    assert answer["ok"] and answer["outcome"] == "ok"
    assert answer["prompt"] == "Scan the device for Ana Diaz"
    assert answer["waiting_for"] == "device"


def test_a_refused_scan_answers_with_its_reason_and_the_counts(tech_client, handout):
    answer = submit(tech_client, handout, "NOPE").json()
    assert (answer["ok"], answer["failed"]) == (False, 1)
    assert answer["message"] == "Unknown badge or tag: NOPE."


def test_without_script_a_scan_posts_and_the_page_shows_its_result(tech_client, handout, school):
    make_person(primary_site=school, sis_id="778")
    make_device(site=school, asset_tag="T778")
    url = reverse("devices:scan_submit", args=[handout.pk])
    tech_client.post(url, {"value": "778"})
    response = tech_client.post(url, {"value": "T778"}, follow=True)
    body = response.content.decode()
    assert "T778 handed to" in body and "scan-result-ok" in body
    assert Assignment.objects.filter(device__asset_tag="T778", session=handout).exists()


def test_an_empty_scan_is_refused_without_a_log_row(tech_client, handout):
    response = submit(tech_client, handout, "")
    assert response.status_code == 409
    assert not Scan.objects.exists()


def test_a_collection_scan_can_mark_a_missing_charger(tech_client, technician, school):
    kit = make_kit(accessories=["charger", "case"])
    session = start_scan_session(kind="collect", site=school, kit=kit, by=technician)
    device = make_device(site=school, asset_tag="T900")
    out = make_assignment(device=device)
    answer = submit(tech_client, session, "T900", missing=["charger"], condition="poor").json()
    out.refresh_from_db()
    assert answer["ok"] and answer["message"].endswith("Missing: charger.")
    assert (out.accessories_in, out.condition_in) == (["case"], "poor")


def test_the_collection_page_offers_the_kits_accessories_to_mark(tech_client, technician):
    kit = make_kit(accessories=["charger", "case"])
    session = start_scan_session(kind="collect", kit=kit, by=technician)
    body = tech_client.get(reverse("devices:scan_session", args=[session.pk])).content
    assert b'value="charger"' in body and b"Scan a device to collect it" in body


def test_undo_answers_in_json(tech_client, handout, school):
    make_person(primary_site=school, sis_id="779")
    submit(tech_client, handout, "779")
    answer = tech_client.post(reverse("devices:scan_undo", args=[handout.pk]), **JSON).json()
    assert answer["ok"] and answer["prompt"] == "Scan a student's badge"


def test_undo_with_nothing_to_undo_says_so(tech_client, handout):
    response = tech_client.post(reverse("devices:scan_undo", args=[handout.pk]), follow=True)
    assert b"There is no scan to undo." in response.content


def test_finishing_shows_the_summary_and_closes_the_scanner(tech_client, handout):
    url = reverse("devices:scan_finish", args=[handout.pk])
    response = tech_client.post(url, follow=True)
    body = response.content.decode()
    assert "Session finished: 0 handed out, 0 refused." in body
    assert 'name="value"' not in body
    assert submit(tech_client, handout, "1").status_code == 409


def test_the_scanner_page_costs_a_fixed_number_of_queries(
    tech_client, technician, handout, school, django_assert_num_queries
):
    url = reverse("devices:scan_session", args=[handout.pk])
    tech_client.get(url)
    with django_assert_num_queries(5) as first:
        tech_client.get(url)
    for n in range(30):
        make_person(primary_site=school, sis_id=f"8{n}")
        record_scan(session=handout, value=f"8{n}", by=technician)
    with django_assert_num_queries(len(first)):
        tech_client.get(url)


# --- One device: check-out and check-in --------------------------------------------------


def test_the_check_out_page_finds_people_by_name(tech_client, school):
    make_person(given_name="Ana", family_name="Diaz", sis_id="5551")
    device = make_device(site=school)
    url = reverse("devices:device_check_out", args=[device.pk])
    body = tech_client.get(url, {"q": "diaz"}).content.decode()
    assert "Ana Diaz" in body and 'type="radio" name="holder"' in body


def test_checking_out_to_a_picked_person_with_a_kit(tech_client, school):
    ana = make_person(given_name="Ana", family_name="Diaz")
    device = make_device(site=school)
    kit = make_kit(accessories=["charger"])
    response = tech_client.post(
        reverse("devices:device_check_out", args=[device.pk]),
        {"holder": ana.pk, "kit": kit.pk, "accessories": ["case"], "condition": "good"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(device=device)
    assert (assignment.holder, assignment.accessories_out) == (ana, ["charger", "case"])


def test_checking_out_to_a_room(tech_client, school):
    device = make_device(site=school)
    room = make_room(site=school)
    tech_client.post(
        reverse("devices:device_check_out", args=[device.pk]),
        {"room": room.pk, "condition": "good"},
    )
    assert Assignment.objects.get(device=device).room == room


def test_checking_out_to_no_one_is_refused_beside_the_person(tech_client, school):
    device = make_device(site=school)
    response = tech_client.post(
        reverse("devices:device_check_out", args=[device.pk]), {"condition": "good"}
    )
    assert b"Choose one person or one room." in response.content
    assert not Assignment.objects.exists()


def test_checking_out_an_inactive_person_is_refused(tech_client, school):
    gone = make_person(active=False)
    device = make_device(site=school)
    response = tech_client.post(
        reverse("devices:device_check_out", args=[device.pk]),
        {"holder": gone.pk, "condition": "good"},
    )
    assert b"Choose an active person from the search." in response.content


def test_a_device_in_repair_is_refused_with_the_reason(tech_client, school):
    device = make_device(site=school, status=Status.IN_REPAIR, asset_tag="T31")
    response = tech_client.post(
        reverse("devices:device_check_out", args=[device.pk]),
        {"holder": make_person().pk, "condition": "good"},
    )
    assert b"T31 is in repair." in response.content


def test_the_check_out_page_of_a_held_device_points_to_check_in(tech_client, school):
    device = make_device(site=school)
    make_assignment(device=device)
    body = tech_client.get(reverse("devices:device_check_out", args=[device.pk])).content
    assert b"Already checked out" in body


def test_checking_in_records_what_came_back(tech_client, school):
    device = make_device(site=school)
    out = make_assignment(device=device, accessories_out=["charger", "case"])
    tech_client.post(
        reverse("devices:device_check_in", args=[device.pk]),
        {"condition": "poor", "accessories": ["case"], "status": "in_repair"},
    )
    out.refresh_from_db()
    device.refresh_from_db()
    assert (out.accessories_in, out.condition_in, device.status) == (
        ["case"],
        "poor",
        Status.IN_REPAIR,
    )


def test_the_check_in_page_of_a_device_with_no_one_says_so(tech_client, school):
    device = make_device(site=school)
    body = tech_client.get(reverse("devices:device_check_in", args=[device.pk])).content
    assert b"Not checked out" in body


def test_json_scan_answer_carries_the_time_for_the_log(tech_client, handout):
    answer = json.loads(submit(tech_client, handout, "X").content)
    assert len(answer["time"]) == 8
