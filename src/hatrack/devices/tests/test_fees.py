"""Damage fees: charging a family, payments and their status, waivers."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.devices.models import Fee, FeePayment
from hatrack.devices.repair_history import fees_for_person
from hatrack.devices.services.fees import charge_fee, record_payment, waive_fee
from hatrack.devices.tests.factories import make_device, make_repair
from hatrack.directory.tests.factories import make_person

pytestmark = pytest.mark.django_db


def entries_of(record):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    )


@pytest.fixture
def tech():
    return make_user("technician")


@pytest.fixture
def fee(tech):
    return charge_fee(
        device=make_device(), person=make_person(), damage_type="screen", amount="45.00", by=tech
    )


def pay(fee, tech, amount, **extra):
    values = {"method": "cash", "paid_on": timezone.localdate(), "by": tech} | extra
    return record_payment(fee=fee, amount=amount, **values)


def test_charging_a_fee_starts_it_unpaid_and_audits_it(tech, fee):
    assert (fee.status, fee.amount, fee.balance) == ("unpaid", Decimal("45.00"), Decimal("45.00"))
    assert fee.charged_by == tech
    assert entries_of(fee).filter(action="create").exists()


@pytest.mark.parametrize("amount", ["0", "-3", "abc", "1.234"])
def test_a_fee_must_be_an_amount_above_zero(tech, amount):
    with pytest.raises(ValidationError) as error:
        charge_fee(
            device=make_device(), person=make_person(), damage_type="screen", amount=amount, by=tech
        )
    assert "amount" in error.value.message_dict
    assert not Fee.objects.exists()


def test_a_fee_for_another_devices_repair_is_refused(tech):
    with pytest.raises(ValidationError) as error:
        charge_fee(
            device=make_device(), person=make_person(), damage_type="screen", amount="5",
            by=tech, repair=make_repair(),
        )  # fmt: skip
    assert "repair" in error.value.message_dict


def test_a_viewer_cannot_charge_a_fee():
    with pytest.raises(ValidationError, match="Only technicians"):
        charge_fee(
            device=make_device(), person=make_person(), damage_type="screen", amount="5",
            by=make_user("viewer"),
        )  # fmt: skip


def test_a_part_payment_leaves_the_fee_partly_paid(tech, fee):
    pay(fee, tech, "20")
    fee.refresh_from_db()
    assert (fee.status, fee.amount_paid, fee.balance) == ("partial", Decimal("20.00"), Decimal(25))


def test_paying_the_balance_makes_the_fee_paid(tech, fee):
    pay(fee, tech, "20")
    pay(fee, tech, "25.00", method="check", reference="1042")
    fee.refresh_from_db()
    assert (fee.status, fee.balance) == ("paid", Decimal(0))
    assert FeePayment.objects.filter(fee=fee).count() == 2


def test_a_payment_above_the_balance_is_refused_and_nothing_changes(tech, fee):
    pay(fee, tech, "40")
    with pytest.raises(ValidationError) as error:
        pay(fee, tech, "10")
    assert error.value.message_dict == {"amount": ["The payment is more than the 5.00 still owed."]}
    fee.refresh_from_db()
    assert fee.amount_paid == Decimal("40.00")


def test_a_payment_dated_ahead_is_refused(tech, fee):
    with pytest.raises(ValidationError) as error:
        pay(fee, tech, "5", paid_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "paid_on" in error.value.message_dict


def test_a_payment_is_audited_on_the_fee(tech, fee):
    pay(fee, tech, "5")
    entry = entries_of(fee).get(action="update")
    assert entry.changes["amount_paid"] == ["0.00", "5.00"]


def test_a_leader_waives_what_is_still_owed(tech, fee):
    pay(fee, tech, "5")
    leader = make_user("leader")
    waive_fee(fee=fee, reason="Family hardship", by=leader)
    fee.refresh_from_db()
    assert (fee.status, fee.waived_by, fee.balance) == ("waived", leader, Decimal(0))
    assert fee.amount_paid == Decimal("5.00")


def test_a_technician_cannot_waive_a_fee(tech, fee):
    with pytest.raises(ValidationError, match="Only technology leaders can waive"):
        waive_fee(fee=fee, reason="Kind", by=tech)
    fee.refresh_from_db()
    assert fee.status == "unpaid"


def test_a_waiver_needs_a_reason(fee):
    with pytest.raises(ValidationError) as error:
        waive_fee(fee=fee, reason=" ", by=make_user("leader"))
    assert "reason" in error.value.message_dict


def test_a_waived_fee_takes_no_payment(tech, fee):
    waive_fee(fee=fee, reason="Hardship", by=make_user("leader"))
    with pytest.raises(ValidationError, match="was waived"):
        pay(fee, tech, "5")


def test_fees_for_a_person_lists_their_fees_newest_first(tech):
    person = make_person()
    first = charge_fee(device=make_device(), person=person, damage_type="screen", amount=5, by=tech)
    second = charge_fee(device=make_device(), person=person, damage_type="other", amount=9, by=tech)
    assert list(fees_for_person(person)) == [second, first]
