"""The scanner's service: badge then device to hand out, device alone to collect, undo."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from hatrack.conftest import make_user
from hatrack.core.models import AuditEntry
from hatrack.devices.models import Assignment, Condition, Device, Scan, ScanSession, Status
from hatrack.devices.services import assignments
from hatrack.devices.services.scanning import (
    DEVICE,
    PERSON,
    finish_session,
    pending_person,
    record_scan,
    start_scan_session,
    undo_last_scan,
)
from hatrack.devices.tests.factories import make_assignment, make_device, make_kit
from hatrack.directory.tests.factories import make_person, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech():
    return make_user("technician")


@pytest.fixture
def school():
    return make_site(name="Lincoln Elementary")


@pytest.fixture
def handout(tech, school):
    return start_scan_session(kind=ScanSession.Kind.DISTRIBUTE, site=school, by=tech)


@pytest.fixture
def collection(tech, school):
    return start_scan_session(kind=ScanSession.Kind.COLLECT, site=school, by=tech)


def scan(session, value, tech, **marks):
    return record_scan(session=session, value=value, by=tech, **marks)


def student(school, **overrides):
    return make_person(primary_site=school, grade="05", **overrides)


# --- Distribution ----------------------------------------------------------------------


def test_a_badge_then_a_device_hands_the_device_to_that_student(handout, tech, school):
    ana = student(school, given_name="Ana", family_name="Diaz", sis_id="55501")
    device = make_device(site=school, asset_tag="T0001")
    first = scan(handout, "55501", tech)
    second = scan(handout, "t0001", tech)
    device.refresh_from_db()
    assert (first.ok, first.waiting_for, first.person_label) == (True, DEVICE, "Ana Diaz (grade 5)")
    assert (second.ok, second.waiting_for, second.message) == (
        True,
        PERSON,
        "T0001 handed to Ana Diaz.",
    )
    assert (device.status, device.holder) == (Status.DEPLOYED, ana)
    assert Assignment.objects.get(device=device).session == handout


def test_a_device_can_be_scanned_by_its_serial_number_with_spaces_and_lower_case(
    handout, tech, school
):
    student(school, sis_id="55502")
    device = make_device(site=school, serial_number="5CD1234XYZ", asset_tag=None)
    scan(handout, "55502", tech)
    assert scan(handout, " 5cd 1234xyz ", tech).ok
    device.refresh_from_db()
    assert device.status == Status.DEPLOYED


def test_a_badge_may_be_the_students_email_typed_in_full(handout, tech, school):
    student(school, sis_id="", email="ana.diaz@students.example.org")
    assert scan(handout, "Ana.Diaz@students.example.org", tech).waiting_for == DEVICE


def test_the_sessions_kit_goes_out_with_every_device(tech, school):
    kit = make_kit(accessories=["charger", "case"])
    session = start_scan_session(kind="distribute", site=school, kit=kit, by=tech)
    student(school, sis_id="55503")
    make_device(site=school, asset_tag="T0003")
    scan(session, "55503", tech)
    scan(session, "T0003", tech)
    assert Assignment.objects.get().accessories_out == ["charger", "case"]


def test_a_device_scanned_before_any_badge_is_refused(handout, tech, school):
    make_device(site=school, asset_tag="T0004")
    result = scan(handout, "T0004", tech)
    assert (result.ok, result.waiting_for) == (False, PERSON)
    assert result.message == "Scan the student's badge first: T0004 is a device."
    assert not Assignment.objects.exists()


def test_an_unknown_badge_is_refused(handout, tech):
    result = scan(handout, "99999", tech)
    assert (result.ok, result.message) == (False, "Unknown badge or tag: 99999.")


def test_an_unknown_tag_is_refused_and_the_student_still_waits(handout, tech, school):
    student(school, sis_id="55505", given_name="Ben", family_name="Ode")
    scan(handout, "55505", tech)
    result = scan(handout, "NOPE-1", tech)
    assert (result.ok, result.waiting_for) == (False, DEVICE)
    assert result.message == "Unknown tag: NOPE-1. Scan Ben Ode's device again."
    assert pending_person(handout).sis_id == "55505"


def test_a_device_already_held_is_refused_with_its_holder_named(handout, tech, school):
    device = make_device(site=school, asset_tag="T0006")
    make_assignment(device=device, holder=student(school, given_name="Cy", family_name="Lee"))
    student(school, sis_id="55506")
    scan(handout, "55506", tech)
    result = scan(handout, "T0006", tech)
    assert not result.ok
    assert result.message == "T0006 is already checked out to Cy Lee."


def test_a_device_of_another_site_is_refused_as_wrong_site(handout, tech, school):
    other = make_site(name="Roosevelt Middle")
    make_device(site=other, asset_tag="T0007")
    student(school, sis_id="55507")
    scan(handout, "55507", tech)
    result = scan(handout, "T0007", tech)
    assert not result.ok
    assert result.message == (
        "Wrong site: T0007 belongs to Roosevelt Middle, not Lincoln Elementary."
    )


@pytest.mark.parametrize(
    ("status", "words"),
    [(Status.IN_REPAIR, "is in repair"), (Status.LOST, "is marked lost")],
)
def test_a_device_out_of_service_is_refused(handout, tech, school, status, words):
    make_device(site=school, asset_tag="T0008", status=status)
    student(school, sis_id="55508")
    scan(handout, "55508", tech)
    result = scan(handout, "T0008", tech)
    assert (result.ok, result.message) == (False, f"T0008 {words}.")


def test_an_inactive_student_is_refused_at_the_badge(handout, tech, school):
    student(school, sis_id="55509", given_name="Di", family_name="Ho", active=False)
    result = scan(handout, "55509", tech)
    assert (result.ok, result.waiting_for) == (False, PERSON)
    assert result.message == "Di Ho is no longer active in the directory."


def test_two_active_people_sharing_an_id_are_refused_rather_than_guessed(handout, tech, school):
    student(school, sis_id="55510")
    student(school, sis_id="55510")
    assert not scan(handout, "55510", tech).ok


def test_an_inactive_person_does_not_shadow_the_active_one_with_the_same_id(handout, tech, school):
    student(school, sis_id="55511", active=False)
    active = student(school, sis_id="55511")
    scan(handout, "55511", tech)
    assert pending_person(handout) == active


def test_a_new_badge_while_a_device_is_awaited_moves_on_to_that_student(handout, tech, school):
    student(school, sis_id="55512", given_name="Ed", family_name="Moe")
    fay = student(school, sis_id="55513")
    scan(handout, "55512", tech)
    result = scan(handout, "55513", tech)
    assert result.ok and "(Ed Moe received nothing.)" in result.message
    assert pending_person(handout) == fay


def test_the_waiting_student_is_read_from_the_log_not_from_memory(handout, tech, school):
    ana = student(school, sis_id="55514")
    make_device(site=school, asset_tag="T0014")
    scan(handout, "55514", tech)
    # Another app server picks up the next scan with a fresh copy of the session.
    fresh = ScanSession.objects.get(pk=handout.pk)
    assert scan(fresh, "T0014", tech).ok
    assert Assignment.objects.get().holder == ana


def test_another_technician_a_moment_faster_wins_and_the_scan_is_refused(
    handout, tech, school, monkeypatch
):
    device = make_device(site=school, asset_tag="T0015")
    student(school, sis_id="55515")
    scan(handout, "55515", tech)
    make_assignment(device=device)
    # Both read "not checked out" before either wrote: the database's constraint decides.
    monkeypatch.setattr(assignments, "_open_bare", lambda device: None)
    result = scan(handout, "T0015", tech)
    assert (result.ok, result.message) == (False, "T0015 is already checked out.")
    assert Assignment.objects.filter(device=device).count() == 1


def test_every_scan_is_logged_and_counted(handout, tech, school):
    student(school, sis_id="55516")
    make_device(site=school, asset_tag="T0016")
    for value in ("55516", "BAD", "T0016", "T0016"):
        scan(handout, value, tech)
    handout.refresh_from_db()
    assert (handout.succeeded, handout.failed) == (1, 2)
    outcomes = list(Scan.objects.order_by("id").values_list("value", "outcome"))
    assert outcomes == [("55516", "ok"), ("BAD", "error"), ("T0016", "ok"), ("T0016", "error")]


def test_a_finished_session_takes_no_more_scans(handout, tech):
    finish_session(session=handout, by=tech)
    with pytest.raises(ValidationError, match="finished"):
        scan(handout, "55501", tech)


def test_an_empty_scan_is_refused_without_a_log_row(handout, tech):
    with pytest.raises(ValidationError):
        scan(handout, "   ", tech)
    assert not Scan.objects.exists()


def test_a_scan_of_a_device_and_a_badge_costs_a_fixed_number_of_queries(
    handout, tech, school, django_assert_max_num_queries
):
    student(school, sis_id="55517")
    make_device(site=school, asset_tag="T0017")
    ContentType.objects.get_for_model(Device)  # cached for the process after its first read
    with django_assert_max_num_queries(7):
        scan(handout, "55517", tech)
    with django_assert_max_num_queries(10):
        scan(handout, "T0017", tech)


# --- Collection ------------------------------------------------------------------------


def test_collecting_checks_the_device_in_with_the_kits_accessories(tech, school):
    kit = make_kit(accessories=["charger", "case"])
    session = start_scan_session(
        kind="collect", site=school, kit=kit, condition=Condition.FAIR, by=tech
    )
    device = make_device(site=school, asset_tag="T0020")
    out = make_assignment(device=device, holder=student(school, given_name="Al", family_name="Po"))
    result = scan(session, "T0020", tech)
    out.refresh_from_db()
    device.refresh_from_db()
    assert (result.ok, result.message) == (True, "T0020 collected from Al Po.")
    assert (device.status, device.holder, device.condition) == (Status.IN_STOCK, None, "fair")
    assert (out.accessories_in, out.return_session) == (["charger", "case"], session)


def test_a_collected_device_can_be_marked_with_its_own_condition_and_missing_charger(tech, school):
    kit = make_kit(accessories=["charger", "case"])
    session = start_scan_session(kind="collect", site=school, kit=kit, by=tech)
    device = make_device(site=school, asset_tag="T0021")
    out = make_assignment(device=device)
    result = scan(session, "T0021", tech, condition=Condition.BROKEN, missing=["charger"])
    out.refresh_from_db()
    assert result.message.endswith("Missing: charger.")
    assert (out.condition_in, out.accessories_in) == ("broken", ["case"])


def test_collecting_an_unknown_tag_is_refused(collection, tech):
    assert scan(collection, "ZZZ", tech).message == "Unknown tag: ZZZ."


def test_collecting_a_device_that_is_not_checked_out_is_refused(collection, tech, school):
    make_device(site=school, asset_tag="T0022")
    result = scan(collection, "T0022", tech)
    assert (result.ok, result.message) == (False, "T0022 is not checked out.")


def test_collecting_a_device_of_another_site_is_refused(collection, tech):
    device = make_device(site=make_site(name="Roosevelt Middle"), asset_tag="T0023")
    make_assignment(device=device)
    result = scan(collection, "T0023", tech)
    assert not result.ok and result.message.startswith("Wrong site")
    assert Assignment.objects.get(device=device).is_open


# --- Undo ------------------------------------------------------------------------------


def test_undoing_a_hand_out_puts_the_device_back_and_the_student_waits_again(handout, tech, school):
    ana = student(school, sis_id="55530")
    device = make_device(site=None, asset_tag="T0030", condition=Condition.NEW)
    scan(handout, "55530", tech)
    scan(handout, "T0030", tech)
    result = undo_last_scan(session=handout, by=tech)
    device.refresh_from_db()
    handout.refresh_from_db()
    assert (result.ok, result.waiting_for, handout.succeeded) == (True, DEVICE, 0)
    assert (device.status, device.holder, device.site, device.holder_since) == (
        Status.IN_STOCK,
        None,
        None,
        None,
    )
    assert not Assignment.objects.exists()
    assert pending_person(handout) == ana
    entry = AuditEntry.objects.filter(object_id=str(device.pk)).order_by("-id").first()
    assert entry.summary == f"Hand-out to {ana.full_name} undone (scanned by mistake)"


def test_undoing_a_badge_scan_means_no_one_waits(handout, tech, school):
    student(school, sis_id="55531")
    scan(handout, "55531", tech)
    assert undo_last_scan(session=handout, by=tech).waiting_for == PERSON
    assert pending_person(handout) is None


def test_undo_skips_refused_scans_and_undoes_the_last_done_one(handout, tech, school):
    student(school, sis_id="55532")
    make_device(site=school, asset_tag="T0032")
    for value in ("55532", "T0032", "NOPE"):
        scan(handout, value, tech)
    undo_last_scan(session=handout, by=tech)
    assert Scan.objects.get(value="T0032").undone
    assert not Assignment.objects.exists()


def test_undo_twice_walks_back_two_scans(handout, tech, school):
    student(school, sis_id="55533")
    make_device(site=school, asset_tag="T0033")
    scan(handout, "55533", tech)
    scan(handout, "T0033", tech)
    undo_last_scan(session=handout, by=tech)
    undo_last_scan(session=handout, by=tech)
    assert list(Scan.objects.values_list("undone", flat=True)) == [True, True]
    with pytest.raises(ValidationError, match="no scan to undo"):
        undo_last_scan(session=handout, by=tech)


def test_undoing_a_collection_reopens_the_same_assignment(collection, tech, school):
    holder = student(school)
    device = make_device(site=school, asset_tag="T0034")
    out = make_assignment(device=device, holder=holder)
    scan(collection, "T0034", tech)
    undo_last_scan(session=collection, by=tech)
    out.refresh_from_db()
    device.refresh_from_db()
    assert out.is_open and out.return_session is None
    assert (device.status, device.holder, device.holder_since) == (
        Status.DEPLOYED,
        holder,
        out.checked_out_at,
    )
    assert Assignment.objects.count() == 1


def test_a_hand_out_checked_in_since_cannot_be_undone(handout, tech, school):
    student(school, sis_id="55535")
    device = make_device(site=school, asset_tag="T0035")
    scan(handout, "55535", tech)
    scan(handout, "T0035", tech)
    assignments.check_in_device(device=device, by=tech)
    with pytest.raises(ValidationError, match="checked in since"):
        undo_last_scan(session=handout, by=tech)
    assert not Scan.objects.get(value="T0035").undone


# --- Sessions --------------------------------------------------------------------------


def test_starting_a_session_is_audited(tech, school):
    session = start_scan_session(kind="distribute", site=school, by=tech)
    assert AuditEntry.objects.filter(object_id=str(session.pk), action="create").exists()


def test_a_session_cannot_start_with_a_retired_kit(tech):
    with pytest.raises(ValidationError, match="no longer in use"):
        start_scan_session(kind="collect", kit=make_kit(active=False), by=tech)


def test_finishing_a_session_twice_keeps_the_first_time(handout, tech):
    first = finish_session(session=handout, by=tech).finished_at
    assert finish_session(session=handout, by=tech).finished_at == first
