"""import_devices: the preview, the import, idempotence, bad rows, discrepancies."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from hatrack.core.models import AuditEntry, ImportRun
from hatrack.devices.imports.service import import_devices
from hatrack.devices.models import Category, Device, DeviceModel, Status
from hatrack.devices.tests.factories import make_device, make_device_model
from hatrack.directory.tests.factories import make_site

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def run_import(name: str, format: str = "google", **options):
    options.setdefault("dry_run", False)
    options.setdefault("create_missing", True)
    return import_devices(source=DATA / name, format=format, by=None, **options)


def test_the_preview_counts_and_samples_what_would_be_created_and_writes_nothing():
    result = run_import("google_admin.csv", dry_run=True)
    assert (result.status, result.created, result.updated, result.unchanged) == ("done", 5, 0, 0)
    assert [s["serial"] for s in result.samples["create"]][:2] == ["5CD1234ABC", "5CD1234ABD"]
    assert sorted(result.new_models) == [
        "Acer Chromebook Spin 512", "HP Chromebook 11 G9 EE", "Lenovo 300e Chromebook Gen 3",
    ]  # fmt: skip
    assert Device.objects.count() == 0
    assert DeviceModel.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_the_import_creates_the_devices_with_their_console_fields():
    result = run_import("google_admin.csv")
    assert (result.status, result.created) == ("done", 5)
    device = Device.objects.select_related("model").get(serial_number="5CD1234ABC")
    assert device.asset_tag == "LHS-00412"
    assert (device.model.manufacturer, device.model.category) == ("HP", Category.CHROMEBOOK)
    assert device.console == "google"
    assert device.console_id == "2f4e5a1c-8d9b-4c1e-9a6f-0b1c2d3e4f50"
    assert device.org_unit == "/Students/LHS/Grade 9"
    assert device.os_version == "130.0.6723.118"
    assert device.console_user == "ava.lopez@students.example.org"
    assert device.wifi_mac == "a0:b1:c2:d3:e4:f5"
    assert device.auto_update_expiration == datetime.date(2029, 6, 1)
    synced = datetime.datetime(2024, 11, 18, 14, 22, 10, 123000, tzinfo=datetime.UTC)
    assert device.last_checkin_at == synced
    assert device.console_seen_at is not None
    assert device.status == Status.IN_STOCK


def test_re_importing_the_same_file_changes_nothing():
    run_import("google_admin.csv")
    again = run_import("google_admin.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert DeviceModel.objects.count() == 3


def test_re_importing_an_intune_export_changes_nothing():
    first = run_import("intune.csv", "intune")
    again = run_import("intune.csv", "intune")
    assert (first.created, again.created, again.updated, again.unchanged) == (4, 0, 0, 4)


def test_an_existing_device_is_matched_by_its_normalized_serial_and_its_changes_listed():
    model = make_device_model(manufacturer="HP", name="Chromebook 11 G9 EE")
    make_device(serial_number="5CD1234ABC", asset_tag=None, model=model, os_version="120.0")
    result = run_import("google_admin.csv", dry_run=True)
    assert (result.created, result.updated) == (4, 1)
    changes = result.samples["update"][0]["changes"]
    assert changes["OS version"] == ["120.0", "130.0.6723.118"]
    assert changes["Asset tag"] == ["", "LHS-00412"]
    assert "HP Chromebook 11 G9 EE" not in result.new_models


def test_an_import_never_changes_a_devices_model_status_or_asset_tag():
    model = make_device_model(manufacturer="Dell", name="3100 Chromebook")
    make_device(serial_number="5CD1234ABC", asset_tag="OURTAG", model=model, status=Status.DEPLOYED)
    run_import("google_admin.csv")
    device = Device.objects.get(serial_number="5CD1234ABC")
    assert (device.model_id, device.status, device.asset_tag) == (model.pk, "deployed", "OURTAG")


def test_updated_devices_get_an_audit_entry_each_and_the_import_one_batch_entry():
    make_device(serial_number="5CD1234ABC", os_version="120.0")
    run_import("google_admin.csv")
    assert AuditEntry.objects.filter(action="update", object_id__isnull=False).count() == 1
    assert AuditEntry.objects.filter(action="import").count() == 2  # devices and models


def test_an_org_unit_naming_a_site_code_places_new_devices_at_that_site():
    site = make_site(code="LHS")
    run_import("google_admin.csv")
    assert Device.objects.get(serial_number="5CD1234ABC").site_id == site.pk
    assert Device.objects.get(serial_number="NXHQEAA0011").site_id is None


def test_an_existing_devices_site_is_left_alone():
    make_site(code="LHS")
    other = make_site(code="WMS")
    make_device(serial_number="5CD1234ABC", site=other)
    run_import("google_admin.csv")
    assert Device.objects.get(serial_number="5CD1234ABC").site_id == other.pk


def test_a_file_with_bad_rows_is_rejected_whole_and_nothing_is_written():
    result = run_import("google_admin_broken.csv")
    assert result.status == ImportRun.Status.REJECTED
    assert result.error_count == 3
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "Serial Number"), (3, "Last Sync"), (5, "Serial Number"),
    ]  # fmt: skip
    assert Device.objects.count() == 0
    assert DeviceModel.objects.count() == 0


def test_skipping_bad_rows_imports_the_good_ones_and_lists_the_bad():
    result = run_import("google_admin_broken.csv", skip_bad_rows=True)
    assert (result.status, result.created, result.skipped) == ("done", 2, 3)
    assert set(Device.objects.values_list("serial_number", flat=True)) == {
        "PF2XK9QZ", "NXHQEAA0011",
    }  # fmt: skip


def test_the_broken_intune_export_is_rejected_with_its_row_errors():
    result = run_import("intune_broken.csv", "intune")
    assert result.rejected
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "Last check-in"), (4, "Wi-Fi MAC"), (5, "Serial number"),
    ]  # fmt: skip
    assert Device.objects.count() == 0


def test_a_wrong_format_is_rejected_with_one_message():
    result = run_import("intune.csv", "google")
    assert result.rejected and result.file_error
    assert "looks like a Microsoft Intune devices export" in result.message
    assert Device.objects.count() == 0


def test_an_asset_tag_of_another_device_is_a_row_error():
    make_device(serial_number="OTHER0001", asset_tag="LHS-00412")
    result = run_import("google_admin.csv")
    assert result.rejected
    assert result.errors[0].reason == "Asset tag LHS-00412 already belongs to device OTHER0001."


def test_a_failure_while_writing_leaves_nothing_behind(monkeypatch):
    from hatrack.devices.imports import service

    def explode(self, writer, model_ids, now):
        model_id = next(iter(model_ids.values()))
        Device.objects.create(serial_number="HALF0001", model_id=model_id)
        raise RuntimeError("disk full")

    monkeypatch.setattr(service._Import, "_insert", explode)
    with pytest.raises(RuntimeError):
        run_import("google_admin.csv")
    assert Device.objects.count() == 0
    assert DeviceModel.objects.count() == 0


def test_without_creating_devices_the_unknown_ones_are_listed_as_discrepancies():
    make_device(serial_number="5CD1234ABC")
    result = run_import("google_admin.csv", create_missing=False)
    assert (result.created, result.not_in_hatrack) == (0, 4)
    assert result.samples["not_in_hatrack"][0]["serial"] == "5CD1234ABD"
    assert Device.objects.count() == 1


def test_chromebooks_in_the_fleet_missing_from_the_export_are_listed():
    chromebook = make_device_model(category=Category.CHROMEBOOK)
    laptop = make_device_model(category=Category.WINDOWS)
    make_device(serial_number="GONE0001", model=chromebook)
    make_device(serial_number="LOST0001", model=chromebook, status=Status.LOST)
    make_device(serial_number="WIN00001", model=laptop)
    result = run_import("google_admin.csv", dry_run=True)
    assert result.not_in_console == 1
    assert result.samples["not_in_console"][0]["serial"] == "GONE0001"


def test_windows_and_mac_devices_missing_from_an_intune_export_are_listed():
    make_device(serial_number="WIN00001", model=make_device_model(category=Category.WINDOWS))
    make_device(serial_number="CB000001", model=make_device_model(category=Category.CHROMEBOOK))
    result = run_import("intune.csv", "intune", dry_run=True)
    assert [s["serial"] for s in result.samples["not_in_console"]] == ["WIN00001"]


def test_a_mapped_spreadsheet_leaves_unmapped_and_empty_fields_alone(tmp_path):
    make_device(serial_number="ABC123", os_version="15.0", console_user="kept@example.org")
    path = tmp_path / "inventory.csv"
    path.write_text("Serial,OS,User\r\nabc 123,16.1,\r\n")
    mapping = {"serial_number": "Serial", "os_version": "OS", "console_user": "User"}
    result = import_devices(
        source=path, format="csv", mapping=mapping, by=None, dry_run=False, create_missing=False
    )
    assert result.updated == 1
    device = Device.objects.get(serial_number="ABC123")
    assert (device.os_version, device.console_user) == ("16.1", "kept@example.org")
    assert device.console == ""


def test_the_run_holds_the_counts_samples_and_message(leader):
    run = ImportRun.objects.create(kind="devices", source_name="google_admin.csv")
    import_devices(
        source=DATA / "google_admin.csv",
        format="google",
        by=leader,
        run=run,
        dry_run=True,
        create_missing=True,
    )
    run.refresh_from_db()
    assert run.status == "done"
    assert run.counts["created"] == 5
    assert len(run.counts["samples"]["create"]) == 5
    assert run.message.startswith("Preview, nothing saved yet: would have 5 created")


def test_a_confirmed_import_replays_the_previews_checked_rows(tmp_path):
    export = tmp_path / "export.csv"
    export.write_bytes((DATA / "google_admin_broken.csv").read_bytes())
    checked = tmp_path / "export.csv.checked"
    preview = import_devices(
        source=export, format="google", by=None, dry_run=True, create_missing=True,
        keep_rows=checked,
    )  # fmt: skip
    export.unlink()  # the import must not need the file again
    result = import_devices(
        source=export, format="google", by=None, dry_run=False, create_missing=True,
        skip_bad_rows=True, rows_from=checked,
    )  # fmt: skip
    assert (preview.created, preview.error_count) == (2, 3)
    assert (result.created, result.skipped, result.error_count) == (2, 3, 3)
    assert [e.line for e in result.errors] == [2, 3, 5]
    assert Device.objects.count() == 2


def test_replayed_rows_are_compared_with_the_fleet_as_it_is_now(tmp_path):
    checked = tmp_path / "google.checked"
    run_import("google_admin.csv", dry_run=True, keep_rows=checked)
    make_device(serial_number="5CD1234ABC")
    result = run_import("google_admin.csv", rows_from=checked)
    assert (result.created, result.updated) == (4, 1)


def test_a_device_listed_again_is_marked_seen_by_the_console(time_machine):
    time_machine.move_to("2026-11-02 08:00Z")
    make_device(serial_number="5CD1234ABC", console="google")
    run_import("google_admin.csv")
    first = Device.objects.get(serial_number="5CD1234ABC").console_seen_at
    time_machine.move_to("2026-11-09 08:00Z")
    run_import("google_admin.csv")
    assert Device.objects.get(serial_number="5CD1234ABC").console_seen_at > first
