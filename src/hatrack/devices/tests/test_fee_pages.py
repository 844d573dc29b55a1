"""Fee pages: who may see and change fees, the list (owed first, totals, query counts),
charging, payments and waivers, and bad input that changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hatrack.devices.models import Fee, FeePayment
from hatrack.devices.services.assignments import check_out_device
from hatrack.devices.tests.factories import make_device, make_fee, make_repair
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db
FEES = reverse("devices:fee_list")


@pytest.fixture
def fee():
    return make_fee(amount=Decimal("45.00"))


# --- Permissions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("leader", 200), ("technician", 200), ("viewer", 403), ("staff", 403), ("outsider", 302)],
    indirect=["persona"],
)
def test_who_may_see_fees(persona, status, fee):
    _, client = persona
    assert client.get(FEES).status_code == status
    assert client.get(reverse("devices:fee_detail", args=[fee.pk])).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("leader", 200), ("technician", 403), ("viewer", 403), ("staff", 403)],
    indirect=["persona"],
)
def test_only_leaders_may_open_the_waiver(persona, status, fee):
    _, client = persona
    assert client.get(reverse("devices:fee_waive", args=[fee.pk])).status_code == status


def test_a_technician_cannot_waive_a_fee_by_posting(technician_client, fee):
    url = reverse("devices:fee_waive", args=[fee.pk])
    assert technician_client.post(url, {"reason": "Kind"}).status_code == 403
    fee.refresh_from_db()
    assert fee.status == "unpaid"


def test_a_technician_sees_no_waive_button(technician_client, fee):
    response = technician_client.get(reverse("devices:fee_detail", args=[fee.pk]))
    assert response.context["can_waive"] is False


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_what_is_owed_with_the_outstanding_total(technician_client):
    make_fee(amount=Decimal("45.00"))
    make_fee(amount=Decimal("20.00"), amount_paid=Decimal("5.00"), status="partial")
    make_fee(amount=Decimal("10.00"), status="waived")
    context = technician_client.get(FEES).context
    assert len(context["rows"]) == 2
    assert context["totals"] == {"count": "2", "outstanding": "$60.00"}


def test_all_fees_list_the_owed_ones_first(technician_client):
    paid = make_fee(amount=Decimal("5"), amount_paid=Decimal("5"), status="paid")
    owed = make_fee()
    make_fee(status="waived")
    Fee.objects.filter(pk=owed.pk).update(charged_at=paid.charged_at - datetime.timedelta(days=9))
    rows = technician_client.get(FEES, {"status": "all"}).context["rows"]
    assert rows[0]["reference"] == f"F-{owed.pk}"
    assert {r["status"] for r in rows[1:]} == {"Paid", "Waived"}


def test_the_list_filters_by_school(technician_client):
    school = make_site()
    here = make_fee(person=make_person(primary_site=school))
    make_fee()
    rows = technician_client.get(FEES, {"site": school.pk}).context["rows"]
    assert [r["reference"] for r in rows] == [f"F-{here.pk}"]


def _list_queries(client, django_assert_num_queries):
    client.get(FEES)
    # session, user, sites, totals, page, bounded count
    with django_assert_num_queries(6):
        client.get(FEES)


def test_the_list_costs_the_same_queries_for_one_row_and_fifty(
    technician_client, django_assert_num_queries
):
    make_fee()
    _list_queries(technician_client, django_assert_num_queries)
    for _ in range(49):
        make_fee()
    assert len(technician_client.get(FEES).context["rows"]) == 50
    _list_queries(technician_client, django_assert_num_queries)


def test_the_list_pages_through_all_fees_in_order(technician_client):
    made = [make_fee(status="paid" if i % 2 else "unpaid") for i in range(60)]
    seen = []
    params = {"status": "all"}
    while True:
        context = technician_client.get(FEES, params).context
        seen += [r["reference"] for r in context["rows"]]
        if not context["page"].next_cursor:
            break
        params = {"status": "all", "after": context["page"].next_cursor}
    assert sorted(seen) == sorted(f"F-{f.pk}" for f in made)
    assert len(seen) == 60


# --- Charging, paying, waiving ------------------------------------------------------------


def test_the_fee_form_charges_the_current_holder_by_default(technician_client, technician):
    student = make_person(sis_id="S-2041", primary_site=make_site())
    device = make_device()
    check_out_device(device=device, holder=student, by=technician)
    response = technician_client.get(reverse("devices:fee_create", args=[device.pk]))
    assert response.context["form"].initial["person"] == "S-2041"


def test_charging_a_fee_for_a_repair(technician_client):
    student = make_person(sis_id="S-77")
    repair = make_repair(holder=student)
    response = technician_client.post(
        reverse("devices:fee_create", args=[repair.device.pk]),
        {"person": "S-77", "damage_type": "screen", "amount": "45.00", "repair": repair.pk},
    )
    fee = Fee.objects.get()
    assert response["Location"] == reverse("devices:fee_detail", args=[fee.pk])
    assert (fee.person, fee.repair, fee.amount) == (student, repair, Decimal("45.00"))


def test_an_unknown_person_is_refused_and_no_fee_is_charged(technician_client):
    device = make_device()
    response = technician_client.post(
        reverse("devices:fee_create", args=[device.pk]),
        {"person": "nobody", "damage_type": "screen", "amount": "45.00"},
    )
    assert "person" in response.context["form"].errors
    assert not Fee.objects.exists()


def test_a_zero_fee_is_refused_beside_the_amount(technician_client):
    make_person(sis_id="S-1")
    device = make_device()
    response = technician_client.post(
        reverse("devices:fee_create", args=[device.pk]),
        {"person": "S-1", "damage_type": "screen", "amount": "0"},
    )
    assert response.context["form"].errors["amount"] == ["The amount must be more than zero."]
    assert not Fee.objects.exists()


def test_recording_a_payment_makes_the_fee_partly_paid(technician_client, fee):
    response = technician_client.post(
        reverse("devices:fee_payment", args=[fee.pk]),
        {"amount": "20", "method": "cash", "paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    fee.refresh_from_db()
    assert (fee.status, fee.amount_paid) == ("partial", Decimal("20.00"))


def test_a_payment_above_the_balance_is_refused_beside_the_amount(technician_client, fee):
    response = technician_client.post(
        reverse("devices:fee_payment", args=[fee.pk]),
        {"amount": "50", "method": "cash", "paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert response.context["payment_form"].errors["amount"] == [
        "The payment is more than the 45.00 still owed."
    ]
    assert not FeePayment.objects.exists()


def test_a_leader_waives_a_fee_with_a_reason(leader_client, fee):
    response = leader_client.post(
        reverse("devices:fee_waive", args=[fee.pk]), {"reason": "Hardship"}
    )
    assert response.status_code == 302
    fee.refresh_from_db()
    assert (fee.status, fee.waived_reason) == ("waived", "Hardship")


def test_a_waiver_without_a_reason_changes_nothing(leader_client, fee):
    response = leader_client.post(reverse("devices:fee_waive", args=[fee.pk]), {"reason": ""})
    assert "reason" in response.context["form"].errors
    fee.refresh_from_db()
    assert fee.status == "unpaid"
