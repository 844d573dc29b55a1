"""Repair pages: who may read and change them, the list's filters and query counts, and
forms that refuse bad input without changing anything."""

from decimal import Decimal

import pytest
from django.urls import reverse

from hatrack.conftest import make_user
from hatrack.devices.models import Assignment, Repair, RepairPart, Status
from hatrack.devices.services.assignments import check_out_device
from hatrack.devices.services.repairs import open_repair
from hatrack.devices.tests.factories import make_device, make_repair, make_vendor
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db
REPAIRS = reverse("devices:repair_list")


@pytest.fixture
def repairer():
    return make_user("technician", username="repairer")


@pytest.fixture
def held_device(repairer):
    device = make_device(asset_tag="CB1001")
    student = make_person(given_name="Ana", family_name="Diaz", primary_site=make_site())
    check_out_device(device=device, holder=student, by=repairer)
    return device


@pytest.fixture
def repair(repairer, held_device):
    return open_repair(
        device=held_device, problem="Cracked screen", damage_type="screen", by=repairer
    )


# --- Permissions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("leader", 200), ("technician", 200), ("viewer", 200), ("staff", 403), ("outsider", 302)],
    indirect=["persona"],
)
def test_who_may_read_a_repair(persona, status, repair):
    _, client = persona
    assert client.get(reverse("devices:repair_detail", args=[repair.pk])).status_code == status
    assert client.get(REPAIRS).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("leader", 200), ("technician", 200), ("viewer", 403), ("staff", 403)],
    indirect=["persona"],
)
def test_only_leaders_and_technicians_may_open_repairs(persona, status):
    _, client = persona
    device = make_device()
    assert client.get(reverse("devices:repair_create", args=[device.pk])).status_code == status


def test_a_viewer_cannot_add_a_part(viewer_client, repair):
    url = reverse("devices:repair_part_add", args=[repair.pk])
    response = viewer_client.post(url, {"description": "Screen", "quantity": 1, "unit_cost": "5"})
    assert response.status_code == 403
    assert not RepairPart.objects.exists()


def test_a_viewer_sees_no_forms_on_the_repair_page(viewer_client, repair):
    response = viewer_client.get(reverse("devices:repair_detail", args=[repair.pk]))
    assert b"Add the part" not in response.content
    assert b"Close the repair" not in response.content
    assert response.context["fees"] is None


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_open_repairs_by_default(viewer_client):
    open_one = make_repair(problem="Keyboard")
    make_repair(problem="Old", status=Repair.Status.REPAIRED)
    rows = viewer_client.get(REPAIRS).context["rows"]
    assert [r["reference"] for r in rows] == [f"R-{open_one.pk}"]


def test_the_list_filters_by_status_site_damage_and_vendor(viewer_client):
    school = make_site()
    vendor = make_vendor()
    at_school = make_repair(device=make_device(site=school, status=Status.IN_REPAIR))
    by_vendor = make_repair(vendor=vendor, damage_type="liquid")
    closed = make_repair(status=Repair.Status.CANCELLED)

    def refs(**params):
        return [r["reference"] for r in viewer_client.get(REPAIRS, params).context["rows"]]

    assert refs(site=school.pk) == [f"R-{at_school.pk}"]
    assert refs(vendor=vendor.pk) == [f"R-{by_vendor.pk}"]
    assert refs(damage="liquid") == [f"R-{by_vendor.pk}"]
    assert refs(status="closed") == [f"R-{closed.pk}"]
    assert len(refs(status="all")) == 3


def test_the_list_pages_with_keyset_cursors(viewer_client):
    for _ in range(51):
        make_repair()
    first = viewer_client.get(REPAIRS).context
    assert len(first["rows"]) == 50 and first["page"].next_cursor
    second = viewer_client.get(REPAIRS, {"after": first["page"].next_cursor}).context
    assert len(second["rows"]) == 1


def _list_queries(client, django_assert_num_queries):
    client.get(REPAIRS)
    # session, user, sites, vendors, page, bounded count
    with django_assert_num_queries(6):
        client.get(REPAIRS)


def test_the_list_costs_the_same_queries_for_one_row_and_fifty(
    viewer_client, django_assert_num_queries
):
    make_repair(holder=make_person(), vendor=make_vendor())
    _list_queries(viewer_client, django_assert_num_queries)
    for _ in range(49):
        make_repair(holder=make_person(), vendor=make_vendor())
    assert len(viewer_client.get(REPAIRS).context["rows"]) == 50
    _list_queries(viewer_client, django_assert_num_queries)


# --- Opening and changing a repair --------------------------------------------------------


def test_a_technician_opens_a_repair_and_lands_on_it(technician_client, held_device):
    url = reverse("devices:repair_create", args=[held_device.pk])
    response = technician_client.post(url, {"problem": "Screen cracked", "damage_type": "screen"})
    repair = Repair.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("devices:repair_detail", args=[repair.pk])
    assert repair.holder.full_name == "Ana Diaz"


def test_a_ticket_reference_the_user_cannot_see_is_refused_and_nothing_changes(
    technician_client, held_device
):
    from hatrack.servicedesk.tests.factories import make_ticket

    ticket = make_ticket()  # in a queue the technician's teams do not work
    url = reverse("devices:repair_create", args=[held_device.pk])
    response = technician_client.post(
        url, {"problem": "Screen", "damage_type": "screen", "ticket": ticket.reference}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ticket"] == [
        f"There is no ticket {ticket.reference} you can see."
    ]
    assert not Repair.objects.exists()
    held_device.refresh_from_db()
    assert held_device.status == Status.DEPLOYED


def test_a_leader_links_a_ticket_by_its_reference(leader_client, held_device):
    from hatrack.servicedesk.tests.factories import make_ticket

    ticket = make_ticket()
    url = reverse("devices:repair_create", args=[held_device.pk])
    leader_client.post(
        url, {"problem": "Screen", "damage_type": "screen", "ticket": f"ht-{ticket.pk}"}
    )
    assert Repair.objects.get().ticket == ticket


def test_opening_a_second_repair_shows_the_reason_and_changes_nothing(technician_client, repair):
    url = reverse("devices:repair_create", args=[repair.device.pk])
    response = technician_client.post(url, {"problem": "Again", "damage_type": "screen"})
    assert f"already has an open repair, {repair}" in str(response.context["form"].errors)
    assert Repair.objects.count() == 1


def test_updating_the_progress_and_labour(technician_client, repair):
    url = reverse("devices:repair_edit", args=[repair.pk])
    response = technician_client.post(
        url,
        {"status": "waiting_parts", "problem": "Cracked screen", "damage_type": "screen",
         "labor_cost": "30.00"},
    )  # fmt: skip
    assert response.status_code == 302
    repair.refresh_from_db()
    assert (repair.status, repair.labor_cost) == ("waiting_parts", Decimal("30.00"))


def test_a_claim_number_without_a_claim_is_shown_beside_the_field(technician_client, repair):
    url = reverse("devices:repair_edit", args=[repair.pk])
    response = technician_client.post(
        url,
        {"status": "open", "problem": "Cracked screen", "damage_type": "screen",
         "labor_cost": "0", "claim_number": "X1"},
    )  # fmt: skip
    assert "claim_number" in response.context["form"].errors
    repair.refresh_from_db()
    assert repair.claim_number == ""


def test_adding_a_part_updates_the_totals(technician_client, repair):
    url = reverse("devices:repair_part_add", args=[repair.pk])
    technician_client.post(url, {"description": "Screen", "quantity": 2, "unit_cost": "10.50"})
    repair.refresh_from_db()
    assert repair.parts_cost == Decimal("21.00")
    page = technician_client.get(reverse("devices:repair_detail", args=[repair.pk]))
    assert page.context["total_cost"] == "$21.00"


def test_a_part_without_a_cost_is_refused_beside_the_field(technician_client, repair):
    url = reverse("devices:repair_part_add", args=[repair.pk])
    response = technician_client.post(
        url, {"description": "Screen", "quantity": 1, "unit_cost": ""}
    )
    assert response.status_code == 400
    assert "unit_cost" in response.context["part_form"].errors
    assert not RepairPart.objects.exists()


def test_removing_a_part(technician_client, repair):
    part = RepairPart.objects.create(repair=repair, description="Hinge", unit_cost=Decimal(4))
    url = reverse("devices:repair_part_remove", args=[repair.pk])
    technician_client.post(url, {"part": part.pk})
    assert not RepairPart.objects.exists()


def test_a_loaner_typed_by_its_tag_goes_to_the_student(technician_client, repair):
    loaner = make_device(asset_tag="LN0001")
    url = reverse("devices:repair_loaner", args=[repair.pk])
    response = technician_client.post(url, {"loaner": " ln0001 "})
    assert response.status_code == 302
    loaner.refresh_from_db()
    assert (loaner.status, loaner.holder) == (Status.LOANER, repair.holder)


def test_an_unknown_loaner_tag_is_refused_beside_the_field(technician_client, repair):
    url = reverse("devices:repair_loaner", args=[repair.pk])
    response = technician_client.post(url, {"loaner": "NOPE99"})
    assert response.context["form"].errors["loaner"] == [
        "No device has the tag or serial number NOPE99."
    ]
    assert not Assignment.objects.filter(kind="loaner").exists()


def test_a_loaner_not_in_stock_is_refused_beside_the_field(technician_client, repair):
    busy = make_device(asset_tag="LN0002", status=Status.IN_REPAIR)
    url = reverse("devices:repair_loaner", args=[repair.pk])
    response = technician_client.post(url, {"loaner": "LN0002"})
    assert "is not in stock" in response.context["form"].errors["loaner"][0]
    busy.refresh_from_db()
    assert busy.holder is None


def test_closing_and_returning_to_the_student_collects_the_loaner(technician_client, repair):
    loaner = make_device(asset_tag="LN0003")
    technician_client.post(reverse("devices:repair_loaner", args=[repair.pk]), {"loaner": "LN0003"})
    response = technician_client.post(
        reverse("devices:repair_close", args=[repair.pk]),
        {"outcome": "repaired", "resolution": "New screen", "return_to_holder": "on"},
    )
    assert response.status_code == 302
    repair.refresh_from_db()
    repair.device.refresh_from_db()
    loaner.refresh_from_db()
    assert repair.status == "repaired"
    assert repair.device.holder == repair.holder and loaner.status == Status.IN_STOCK


def test_closing_without_an_outcome_changes_nothing(technician_client, repair):
    response = technician_client.post(reverse("devices:repair_close", args=[repair.pk]), {})
    assert "outcome" in response.context["form"].errors
    repair.refresh_from_db()
    assert repair.is_open


def test_the_repair_page_shows_the_timeline_of_the_repair_and_its_device(viewer_client, repair):
    response = viewer_client.get(reverse("devices:repair_detail", args=[repair.pk]))
    summaries = [entry["summary"] for entry in response.context["timeline"]]
    assert f"{repair} opened" in summaries
    assert "Checked in from Ana Diaz" in summaries


def test_a_closed_repairs_timeline_shows_the_device_going_back_to_the_student(
    technician_client, repair
):
    technician_client.post(
        reverse("devices:repair_close", args=[repair.pk]),
        {"outcome": "repaired", "resolution": "New screen", "return_to_holder": "on"},
    )
    response = technician_client.get(reverse("devices:repair_detail", args=[repair.pk]))
    summaries = [entry["summary"] for entry in response.context["timeline"]]
    assert summaries[-3:] == [f"Back from {repair}", "Checked out to Ana Diaz", "Closed: repaired"]


def test_the_list_marks_a_loaner_out_until_it_is_collected(technician_client, repair):
    make_device(asset_tag="LN0009")
    technician_client.post(reverse("devices:repair_loaner", args=[repair.pk]), {"loaner": "LN0009"})
    assert technician_client.get(REPAIRS).context["rows"][0]["loaner"] is True
    technician_client.post(
        reverse("devices:repair_close", args=[repair.pk]),
        {"outcome": "repaired", "resolution": "Fixed", "return_to_holder": "on"},
    )
    rows = technician_client.get(REPAIRS, {"status": "all"}).context["rows"]
    assert rows[0]["loaner"] is False


def test_the_lists_box_finds_a_scanned_device_and_opens_its_repair_form(technician_client):
    device = make_device(asset_tag="CB2002")
    response = technician_client.get(reverse("devices:repair_start"), {"tag": " cb2002 "})
    assert response["Location"] == reverse("devices:repair_create", args=[device.pk])


def test_the_lists_box_names_an_unknown_tag(technician_client):
    response = technician_client.get(reverse("devices:repair_start"), {"tag": "NOPE1"}, follow=True)
    assert "No device has the tag or serial number NOPE1." in response.content.decode()


def test_a_viewer_has_no_box_to_open_a_repair(viewer_client):
    assert b"repair-start" not in viewer_client.get(REPAIRS).content
    assert viewer_client.get(reverse("devices:repair_start")).status_code == 403
