"""The background task: runs a queued preview or import, and is safe to run twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hatrack.core.models import ImportRun
from hatrack.devices.imports.uploads import KIND
from hatrack.devices.models import Device
from hatrack.devices.tasks import run_device_import
from hatrack.directory.imports.uploads import upload_folder

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture
def stored(tmp_path, settings) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    upload_folder().mkdir(parents=True)
    target = upload_folder() / "devices-3f9c0e.csv"
    shutil.copy(DATA / "google_admin.csv", target)
    return target


def queued(path: Path, leader=None, **options) -> ImportRun:
    options = {"format": "google", "create_missing": True, "dry_run": False, **options}
    return ImportRun.objects.create(
        kind=KIND, source_name="google_admin.csv", source_path=str(path), options=options,
        created_by=leader,
    )  # fmt: skip


def test_a_queued_preview_runs_and_keeps_its_file_for_the_confirmation(stored):
    run = queued(stored, dry_run=True)
    assert run_device_import.call(run.pk) == "done"
    run.refresh_from_db()
    assert run.counts["created"] == 5
    assert stored.exists()
    assert not Device.objects.exists()


def test_a_queued_import_runs_and_removes_its_file(stored, leader):
    run = queued(stored, leader)
    assert run_device_import.call(run.pk) == "done"
    assert Device.objects.count() == 5
    assert not stored.exists()


def test_a_finished_run_is_left_alone_when_the_task_runs_again(stored):
    run = queued(stored, dry_run=True)
    run_device_import.call(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(counts={"created": 99})
    assert run_device_import.call(run.pk) == "done"
    run.refresh_from_db()
    assert run.counts == {"created": 99}


def test_a_run_left_running_by_a_dead_worker_is_imported_when_retried(stored):
    run = queued(stored)
    ImportRun.objects.filter(pk=run.pk).update(status="running", phase="Writing devices")
    assert run_device_import.call(run.pk) == "done"
    assert Device.objects.count() == 5


def test_a_missing_run_is_reported_as_missing():
    assert run_device_import.call(987654) == "missing"
