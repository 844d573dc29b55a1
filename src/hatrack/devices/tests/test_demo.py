"""The demo district's fleet: a 1:1 Chromebook program that holds together (every device
out is held by the person its check-out names), with staff laptops, classroom displays,
network gear, six years of purchases, repairs and fees; the same every time, loaded
in seconds."""

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Count, F, Q, Sum

from hatrack.devices.models import (
    Assignment,
    Category,
    Device,
    DeviceModel,
    Fee,
    Kit,
    Repair,
    ScanSession,
    Status,
)
from hatrack.directory.models import FundingSource, Person, Room

GRADES_WITH_DEVICES = ["03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
OUT = [Status.DEPLOYED, Status.LOANER]


class Lines(list):
    def write(self, text: str) -> None:
        self.append(text)


@pytest.fixture
def demo(demo_district):
    """The demo district, loaded once for the whole run (see hatrack/conftest.py)."""
    return demo_district


def fingerprint() -> str:
    rows = Device.objects.order_by("id").values_list(
        "id", "serial_number", "asset_tag", "status", "holder__email", "room__name", "purchased_on"
    )
    repairs = Repair.objects.order_by("id").values_list("id", "device_id", "damage_type", "status")
    return hashlib.sha256(repr((list(rows), list(repairs))).encode()).hexdigest()


def test_every_device_out_has_exactly_one_open_check_out_naming_its_holder(demo, db):
    out = Device.objects.filter(status__in=OUT).annotate(
        open=Count("assignments", filter=Q(assignments__checked_in_at__isnull=True))
    )

    assert out.count() > 8000
    assert not out.exclude(open=1).exists()
    mismatched = Assignment.objects.filter(checked_in_at__isnull=True).exclude(
        Q(holder=F("device__holder"), device__room__isnull=True) | Q(room=F("device__room"))
    )
    assert not mismatched.exists()


def test_no_device_in_stock_repair_or_gone_has_an_open_check_out(demo, db):
    assert (
        not Assignment.objects.filter(checked_in_at__isnull=True)
        .exclude(device__status__in=OUT)
        .exists()
    )
    assert not Device.objects.exclude(status__in=OUT).filter(holder__isnull=False).exists()


def test_every_student_in_grades_3_to_12_holds_one_device(demo, db):
    students = Person.objects.filter(role="student", active=True, grade__in=GRADES_WITH_DEVICES)
    held = Counter(
        Device.objects.filter(holder__role="student").values_list("holder_id", flat=True)
    )

    assert max(held.values()) == 1
    # A handful wait for a loaner while theirs is repaired (the cart was empty).
    assert len(held) >= students.count() * 0.99


def test_no_student_below_grade_3_holds_or_ever_held_a_chromebook(demo, db):
    young = ["PK", "TK", "KG", "01", "02"]

    assert not Device.objects.filter(holder__grade__in=young).exists()
    assert not Assignment.objects.filter(holder__grade__in=young).exists()


def test_students_keep_their_chromebook_at_the_site_they_attend(demo, db):
    elsewhere = Device.objects.filter(holder__role="student").exclude(
        site=F("holder__primary_site")
    )

    assert not elsewhere.exists()
    categories = set(
        Device.objects.filter(holder__role="student").values_list("model__category", flat=True)
    )
    assert categories == {Category.CHROMEBOOK}


def test_this_years_chromebooks_went_out_at_the_start_of_the_school_year(demo, db):
    session = ScanSession.objects.filter(kind="distribute").order_by("started_at").first()
    handed = Assignment.objects.filter(session__kind="distribute", checked_in_at__isnull=True)

    assert handed.count() > 5000
    assert session.started_at.month in (8, 9)
    assert (
        ScanSession.objects.filter(kind="distribute").aggregate(n=Sum("succeeded"))["n"]
        == Assignment.objects.filter(session__kind="distribute").count()
    )


def test_previous_years_were_collected_in_june_and_handed_out_again(demo, db):
    returned = Assignment.objects.filter(return_session__isnull=False)
    months = Counter(returned.values_list("checked_in_at__month", flat=True))

    assert returned.count() > 2000
    assert set(months) <= {5, 6}
    assert Assignment.objects.filter(checked_in_at__isnull=False).count() > 8000


def test_staff_have_windows_laptops_and_macs_and_rooms_have_displays_and_network_gear(demo, db):
    counts = Counter(Device.objects.values_list("model__category", flat=True))
    teachers = Person.objects.filter(role="teacher", active=True).count()

    assert counts[Category.WINDOWS] + counts[Category.MAC] >= teachers
    assert 0.05 < counts[Category.MAC] / counts[Category.WINDOWS] < 0.35
    assert counts[Category.DISPLAY] >= Room.objects.filter(kind="classroom").count()
    assert counts[Category.ACCESS_POINT] > 100
    closets = Device.objects.filter(model__category=Category.SWITCH)
    assert set(closets.values_list("room__kind", flat=True)) == {"network"}
    assert counts[Category.PRINTER] >= 30


def test_every_school_has_classrooms_a_library_labs_storage_and_network_closets(demo, db):
    kinds = Counter(Room.objects.filter(site__code="CHS").values_list("kind", flat=True))

    assert kinds["classroom"] > 30
    assert kinds["library"] == 1 and kinds["lab"] == 2 and kinds["network"] == 3
    assert kinds["storage"] == 1


def test_chromebook_models_reach_auto_update_expiration_in_every_stage(demo, db):
    today = dt.datetime.now(dt.UTC).date()
    dates = DeviceModel.objects.filter(category=Category.CHROMEBOOK).values_list(
        "auto_update_expiration", flat=True
    )

    assert any(d < today for d in dates)
    assert any(today <= d < today + dt.timedelta(days=365) for d in dates)
    assert any(d > today + dt.timedelta(days=3 * 365) for d in dates)
    assert Device.objects.filter(auto_update_expiration__isnull=False).exists()


def test_deployed_chromebooks_include_some_past_their_auto_update_expiration(demo, db):
    past = Device.objects.filter(
        status=Status.DEPLOYED, model__auto_update_expiration__lt=dt.datetime.now(dt.UTC).date()
    )

    assert 50 < past.count() < 2000


def test_purchases_span_six_years_with_three_year_warranties(demo, db):
    years = set(Device.objects.values_list("purchased_on__year", flat=True))
    device = Device.objects.exclude(purchased_on=None).first()

    assert len(years) >= 6
    assert device.warranty_ends_on == device.purchased_on.replace(year=device.purchased_on.year + 3)
    assert not Device.objects.filter(Q(cost=None) | Q(vendor=None) | Q(funding_source=None))


def test_esser_iii_paid_only_for_what_was_bought_before_it_ended(demo, db):
    esser = FundingSource.objects.get(name="ESSER III")

    assert esser.ends_on == dt.date(2024, 9, 30) and not esser.recurring
    assert esser.devices.exists()
    assert not esser.devices.filter(purchased_on__gt=esser.ends_on).exists()
    assert FundingSource.objects.filter(kind__in=["erate", "bond", "grant", "general"]).count() == 4


def test_a_share_of_the_fleet_is_lost_stolen_retired_or_recycled(demo, db):
    statuses = Counter(Device.objects.values_list("status", flat=True))
    total = sum(statuses.values())

    assert 0.005 < statuses[Status.LOST] / total < 0.04
    assert 0 < statuses[Status.STOLEN] < statuses[Status.LOST]
    assert statuses[Status.RETIRED] > 0 and statuses[Status.DISPOSED] > 0
    assert statuses[Status.IN_STOCK] > 300


def test_cracked_screens_are_the_most_common_repair(demo, db):
    damage = Counter(Repair.objects.values_list("damage_type", flat=True))

    assert damage.most_common(1)[0][0] == "screen"
    assert 1000 < sum(damage.values()) < 5000


def test_devices_in_repair_have_an_open_repair_and_most_students_a_loaner(demo, db):
    in_repair = Device.objects.filter(status=Status.IN_REPAIR)
    open_repairs = Repair.objects.filter(status__in=Repair.OPEN_STATUSES)

    assert in_repair.exists()
    assert set(open_repairs.values_list("device_id", flat=True)) == set(
        in_repair.values_list("id", flat=True)
    )
    with_loaner = open_repairs.filter(loaner__checked_in_at__isnull=True)
    assert with_loaner.count() >= open_repairs.count() * 0.6
    loaner = with_loaner.first().loaner
    assert loaner.holder_id == with_loaner.first().holder_id
    assert loaner.device.status == Status.LOANER


def test_repairs_record_parts_and_labour_and_warranty_claims_cost_nothing(demo, db):
    screens = Repair.objects.filter(damage_type="screen", status="repaired")
    claims = Repair.objects.filter(warranty_claim=True)

    assert not screens.filter(parts_cost=0).exists()
    assert screens.first().parts.count() == 1
    assert claims.exists()
    assert not claims.exclude(parts_cost=0, labor_cost=0).exists()
    assert not claims.filter(claim_number="").exists()


def test_fees_are_paid_in_part_or_full_or_waived_with_a_reason(demo, db):
    fees = Fee.objects.annotate(paid=Sum("payments__amount"))
    statuses = Counter(fees.values_list("status", flat=True))

    assert {"paid", "partial", "unpaid", "waived"} <= set(statuses)
    for fee in fees.filter(status__in=["paid", "partial"])[:200]:
        assert fee.paid == fee.amount_paid > 0
    assert not Fee.objects.filter(status="paid").exclude(amount_paid=F("amount")).exists()
    assert not Fee.objects.filter(status="waived", waived_reason="").exists()
    assert Fee.objects.filter(amount=Decimal("200.00"), repair__isnull=True).exists()


def test_chromebooks_carry_what_google_admin_reports(demo, db):
    deployed = Device.objects.filter(status=Status.DEPLOYED, model__category="chromebook")
    student = deployed.filter(holder__role="student").select_related("holder").first()

    assert not deployed.filter(Q(console="") | Q(os_version="") | Q(last_checkin_at=None))
    assert student.console_user == student.holder.email
    assert student.org_unit.startswith("/Students/")


def test_the_chromebook_kit_is_a_charger_and_a_case(demo, db):
    kit = Kit.objects.get(name="Chromebook kit")

    assert kit.accessories == ["charger", "case"]
    assert Assignment.objects.filter(kit=kit).count() > 5000


def test_the_devices_part_of_the_demo_loads_in_seconds(demo):
    # About 5 s on an idle 2-core machine; the bound leaves room for a busy CI runner.
    assert demo.loaded
    assert demo.step_seconds["hatrack.devices.demo"] < 30
