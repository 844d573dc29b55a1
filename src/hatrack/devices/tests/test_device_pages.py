"""The device pages: the list, its CSV and selection, a device, adding, editing, status."""

import pytest
from django.urls import reverse

from hatrack.core.models import AuditEntry
from hatrack.devices.models import Device, Status
from hatrack.devices.services.assignments import check_out_device
from hatrack.devices.tests.factories import (
    make_device,
    make_device_model,
    make_repair,
)
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db
LIST = "/devices/"


def test_the_list_shows_devices_with_holder_and_model(technician_client):
    holder = make_person(given_name="Ana", family_name="Diaz")
    model = make_device_model(manufacturer="Lenovo", name="300e Chromebook Gen 3")
    make_device(serial_number="PF1", asset_tag="MV1", holder=holder, model=model)
    page = technician_client.get(LIST).content.decode()
    assert "MV1" in page and "Ana Diaz" in page and "Lenovo 300e Chromebook Gen 3" in page


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_costs_the_same_queries_at_one_and_fifty_rows(
    technician_client, django_assert_num_queries, rows
):
    model, site = make_device_model(), make_site()
    for _ in range(rows):
        make_device(model=model, site=site, holder=make_person())
    technician_client.get(LIST)  # warm caches (district name) so counts compare like with like
    # session, user, the page (filter choices are cached; a page that holds the whole
    # list is its own count)
    with django_assert_num_queries(3):
        response = technician_client.get(LIST)
    assert response.content.decode().count('name="device"') == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_a_search_with_a_filter_costs_a_fixed_number_of_queries(
    technician_client, django_assert_num_queries, rows
):
    site = make_site()
    model = make_device_model()
    for n in range(rows):
        make_device(serial_number=f"5CD{n:04d}", model=model, site=site)
    technician_client.get(LIST)
    # as above, plus one probe of the serial number index
    with django_assert_num_queries(4):
        response = technician_client.get(LIST, {"q": "5cd", "site": site.pk})
    assert response.content.decode().count('name="device"') == rows


def test_a_list_longer_than_a_page_is_counted_in_one_more_query(
    technician_client, django_assert_num_queries
):
    model = make_device_model()
    for n in range(60):
        make_device(serial_number=f"PF{n:04d}", model=model)
    technician_client.get(LIST)
    with django_assert_num_queries(4):
        response = technician_client.get(LIST)
    assert "60 devices" in response.content.decode()


def test_a_new_model_is_offered_in_the_filter_at_once(technician_client):
    technician_client.get(LIST)
    make_device_model(manufacturer="Acme", name="Slate 9")
    assert "Acme Slate 9" in technician_client.get(LIST).content.decode()


def test_htmx_gets_only_the_results(technician_client):
    make_device(serial_number="PF1")
    response = technician_client.get(LIST, {"q": "pf"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"') and "<html" not in body


def test_an_empty_fleet_invites_adding_a_device(technician_client):
    page = technician_client.get(LIST).content.decode()
    assert "No devices yet" in page and reverse("devices:device_create") in page


def test_a_search_that_matches_nothing_says_so(technician_client):
    make_device(serial_number="PF1")
    assert "No devices match" in technician_client.get(LIST, {"q": "zz9"}).content.decode()


def test_the_list_pages_by_keyset(technician_client):
    model = make_device_model()
    for n in range(55):
        make_device(serial_number=f"SN{n:03d}", model=model)
    first = technician_client.get(LIST).content.decode()
    assert "SN049" in first and "SN050" not in first
    assert 'rel="next"' in first


def test_the_selection_submits_to_the_label_sheet(technician_client):
    make_device(serial_number="PF1")
    page = technician_client.get(LIST).content.decode()
    assert f'action="{reverse("devices:label_sheet")}"' in page and "Print labels" in page


def test_the_csv_export_holds_the_filtered_devices(viewer_client):
    site = make_site(name="Lincoln")
    make_device(serial_number="PF1", site=site)
    make_device(serial_number="PF2")
    response = viewer_client.get("/devices/export/", {"site": site.pk})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "PF1" in body and "PF2" not in body and "Lincoln" in body


def test_viewers_see_no_add_button_and_staff_cannot_open_the_list(viewer_client, staff_client):
    assert reverse("devices:device_create") not in viewer_client.get(LIST).content.decode()
    assert staff_client.get(LIST).status_code == 403


def test_the_device_page_shows_facts_holder_and_history(technician_client, technician):
    device = make_device(serial_number="PF1", asset_tag="MV1", custom={"Cart": "3B"})
    student = make_person(given_name="Ana", family_name="Diaz")
    check_out_device(device=device, holder=student, by=technician, accessories=["charger"])
    make_repair(device=device, problem="Cracked screen")
    page = technician_client.get(f"/devices/{device.pk}/").content.decode()
    assert "Checked out to Ana Diaz" in page and "charger" in page
    assert "Cracked screen" in page and "Cart" in page and "3B" in page
    assert reverse("devices:device_check_in", args=[device.pk]) in page


def test_the_device_page_costs_a_fixed_number_of_queries(
    technician_client, technician, django_assert_num_queries
):
    device = make_device()
    for _ in range(3):
        check_out_device(device=device, holder=make_person(), by=technician)
        from hatrack.devices.services.assignments import check_in_device

        check_in_device(device=device, by=technician)
    technician_client.get(f"/devices/{device.pk}/")
    # session, user, device, open assignment, audit, assignments, repairs, ticket links
    with django_assert_num_queries(8):
        technician_client.get(f"/devices/{device.pk}/")


def test_the_device_page_lists_linked_service_desk_tickets(technician_client):
    from django.contrib.contenttypes.models import ContentType

    from hatrack.servicedesk.models import TicketLink
    from hatrack.servicedesk.tests.factories import make_ticket

    device = make_device()
    ticket = make_ticket(subject="Chromebook will not charge")
    TicketLink.objects.create(
        ticket=ticket, content_type=ContentType.objects.get_for_model(Device), object_id=device.pk
    )
    page = technician_client.get(f"/devices/{device.pk}/").content.decode()
    assert "Chromebook will not charge" in page


def test_a_viewer_sees_the_device_without_action_buttons(viewer_client):
    device = make_device()
    page = viewer_client.get(f"/devices/{device.pk}/").content.decode()
    assert reverse("devices:device_edit", args=[device.pk]) not in page


def test_a_missing_device_is_not_found(technician_client):
    assert technician_client.get("/devices/424242/").status_code == 404


def test_a_technician_adds_a_device(technician_client):
    model = make_device_model()
    response = technician_client.post(
        "/devices/new/",
        {"serial_number": "pf 1234", "asset_tag": "mv9", "model": model.pk, "condition": "new",
         "custom": "Cart: 3B"},
    )  # fmt: skip
    device = Device.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/devices/{device.pk}/"
    assert (device.serial_number, device.asset_tag, device.custom) == (
        "PF1234",
        "MV9",
        {"Cart": "3B"},
    )


def test_a_duplicate_serial_number_is_shown_beside_the_field(technician_client):
    existing = make_device(serial_number="PF1234", asset_tag="MV1")
    response = technician_client.post(
        "/devices/new/",
        {"serial_number": "pf1234", "model": existing.model_id, "condition": "good"},
    )
    assert response.status_code == 200
    assert "Another device (MV1) already has the serial number PF1234." in response.content.decode()
    assert Device.objects.count() == 1


def test_a_badly_written_custom_attribute_is_refused(technician_client):
    model = make_device_model()
    response = technician_client.post(
        "/devices/new/",
        {"serial_number": "PF1", "model": model.pk, "condition": "good", "custom": "no colon"},
    )
    assert "Line 1: write a name, a colon" in response.content.decode()


def test_a_technician_edits_a_device_and_the_change_is_audited(technician_client):
    device = make_device(serial_number="PF1")
    response = technician_client.post(
        f"/devices/{device.pk}/edit/",
        {"serial_number": "PF1", "model": device.model_id, "condition": "fair", "notes": "Dent"},
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert (device.condition, device.notes) == ("fair", "Dent")
    assert AuditEntry.objects.get(object_id=str(device.pk)).changes["condition"] == [
        "good",
        "fair",
    ]


def test_viewers_cannot_add_or_edit_devices(viewer_client):
    device = make_device()
    assert viewer_client.get("/devices/new/").status_code == 403
    assert viewer_client.get(f"/devices/{device.pk}/edit/").status_code == 403


def test_marking_a_checked_out_device_lost_checks_it_in(technician_client, technician):
    device = make_device()
    check_out_device(device=device, holder=make_person(), by=technician)
    response = technician_client.post(
        f"/devices/{device.pk}/status/", {"status": "lost", "notes": "Left on the bus"}
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.status == Status.LOST and device.holder is None


def test_retiring_a_checked_out_device_is_refused_in_words(technician_client, technician):
    device = make_device()
    check_out_device(
        device=device, holder=make_person(given_name="Ana", family_name="Diaz"), by=technician
    )
    response = technician_client.post(f"/devices/{device.pk}/status/", {"status": "retired"})
    assert "checked out to Ana Diaz; check it in first" in response.content.decode()
    device.refresh_from_db()
    assert device.status == Status.DEPLOYED
