"""The background task: runs a queued import end to end, and is safe to run twice."""

import shutil
from pathlib import Path

import pytest

from hatrack.core.models import AuditEntry, ImportRun
from hatrack.directory.imports.uploads import upload_folder
from hatrack.directory.models import Person
from hatrack.directory.tasks import run_oneroster_import

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "oneroster"


@pytest.fixture
def stored_upload(tmp_path, settings) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    upload_folder().mkdir(parents=True)
    target = upload_folder() / "3f9c0e.zip"
    shutil.copy(DATA / "valid.zip", target)
    return target


def queued_run(path: Path, leader=None, **options) -> ImportRun:
    return ImportRun.objects.create(
        kind="oneroster",
        source_name="valid.zip",
        source_path=str(path),
        options=options,
        created_by=leader,
    )


def test_the_task_imports_a_queued_upload_and_removes_the_stored_file(stored_upload, leader):
    run = queued_run(stored_upload, leader)
    assert run_oneroster_import.call(run.pk) == "done"
    run.refresh_from_db()
    assert (run.status, run.phase) == ("done", "Finished")
    assert run.counts["models"]["people"]["created"] == 18
    assert Person.objects.count() == 18
    assert AuditEntry.objects.filter(action="import", actor=leader).count() == 4
    assert not stored_upload.exists()


def test_a_finished_run_is_left_alone_when_the_task_runs_again(stored_upload):
    run = queued_run(stored_upload)
    run_oneroster_import.call(run.pk)
    assert run_oneroster_import.call(run.pk) == "done"
    assert AuditEntry.objects.filter(action="import").count() == 4


def test_a_run_left_running_by_a_dead_worker_is_imported_when_retried(stored_upload):
    run = queued_run(stored_upload)
    ImportRun.objects.filter(pk=run.pk).update(status="running", phase="Writing people")
    assert run_oneroster_import.call(run.pk) == "done"
    assert Person.objects.count() == 18


def test_the_task_honours_skip_bad_rows(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    target = upload_folder() / "a1b2"
    shutil.copytree(DATA / "broken_rows", target)
    run = queued_run(target, skip_bad_rows=True)
    assert run_oneroster_import.call(run.pk) == "done"
    assert Person.objects.count() == 2
    assert not target.exists()


def test_a_rejected_upload_is_recorded_and_changes_nothing(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    target = upload_folder() / "c3d4"
    shutil.copytree(DATA / "broken_rows", target)
    run = queued_run(target)
    assert run_oneroster_import.call(run.pk) == "rejected"
    run.refresh_from_db()
    assert run.error_count == 8
    assert not Person.objects.exists()


def test_the_task_never_removes_files_outside_the_upload_folder(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "district-share" / "export"
    shutil.copytree(DATA / "valid", folder)
    run_oneroster_import.call(queued_run(folder).pk)
    assert (folder / "users.csv").exists()


def test_a_missing_run_is_reported_not_raised():
    assert run_oneroster_import.call(424242) == "missing"


def _given_up(task_result_of_run: ImportRun):
    """The task result a worker reports after giving up on the run's task."""
    from django_tasks_db.models import DBTaskResult

    from hatrack.core.worker import WorkerLost

    result = run_oneroster_import.enqueue(task_result_of_run.pk)
    db_result = DBTaskResult.objects.get(pk=result.id)
    db_result.set_failed(WorkerLost("the worker died three times"))
    return db_result.task_result


def test_an_import_whose_task_was_given_up_is_marked_failed_not_left_running(stored_upload):
    from django_tasks.signals import task_finished

    run = queued_run(stored_upload)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    task_finished.send(sender=object, task_result=_given_up(run))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "WorkerLost" in run.message
    assert run.finished_at is not None


def test_a_finished_import_keeps_its_outcome_when_a_stale_task_fails_later(stored_upload):
    from django_tasks.signals import task_finished

    run = queued_run(stored_upload)
    run_oneroster_import.call(run.pk)
    task_finished.send(sender=object, task_result=_given_up(run))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
