"""`hatrack import-devices`: progress on stderr, counts and errors on stdout, exit status."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hatrack.cli import COMMANDS
from hatrack.core.models import AuditEntry, ImportRun
from hatrack.devices.models import Device

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_devices", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_google_export_with_a_progress_bar():
    out, err = run("--format", "google", str(DATA / "google_admin.csv"))
    assert out.startswith("Imported: 5 created, 0 updated, 0 unchanged")
    assert "Checking the file" in err
    assert Device.objects.count() == 5
    assert ImportRun.objects.get().status == "done"
    assert AuditEntry.objects.filter(action="import", actor=None).exists()


def test_a_dry_run_shows_the_preview_and_saves_nothing():
    out, _ = run("--format", "intune", "--dry-run", str(DATA / "intune.csv"))
    assert out.startswith("Preview, nothing saved yet: would have 4 created")
    assert "create  5CG3301XYZ  HP ProBook 440 14 inch G10 Notebook PC" in out
    assert not Device.objects.exists()
    assert not ImportRun.objects.exists()


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    run("--format", "google", str(DATA / "google_admin.csv"))
    out, _ = run("--format", "google", str(DATA / "google_admin.csv"))
    assert out.startswith("Imported: 0 created, 0 updated, 5 unchanged")


def test_a_rejected_import_lists_the_bad_rows_and_exits_non_zero():
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_devices", "--format", "google", str(DATA / "google_admin_broken.csv"),
            stdout=out, stderr=io.StringIO(),
        )  # fmt: skip
    assert "line 3 Last Sync: “yesterday afternoon” is not a date and time" in out.getvalue()
    assert not Device.objects.exists()


def test_skipping_bad_rows_imports_the_good_ones():
    out, _ = run("--format", "google", "--skip-bad-rows", str(DATA / "google_admin_broken.csv"))
    assert "Imported: 2 created" in out
    assert "3 bad rows skipped" in out


def test_a_csv_import_takes_its_column_mapping():
    mapping = "serial_number=Serial Number,model=Model"
    run("--format", "csv", "--mapping", mapping, str(DATA / "google_admin.csv"))
    assert Device.objects.count() == 5
    assert Device.objects.filter(console="").count() == 5


def test_a_csv_import_without_a_mapping_is_refused():
    with pytest.raises(CommandError, match="needs --mapping"):
        run("--format", "csv", str(DATA / "google_admin.csv"))


def test_a_mapping_naming_an_unknown_field_is_refused():
    with pytest.raises(CommandError, match="unknown field “colour”"):
        run("--format", "csv", "--mapping", "colour=Color", str(DATA / "google_admin.csv"))


def test_the_hatrack_command_lists_import_devices():
    assert "import-devices" in dict(COMMANDS)
