"""Background entry points of the devices hat: thin, taking ids, safe to run twice."""

from pathlib import Path
from typing import Any

from django.dispatch import receiver
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks.signals import task_finished

from hatrack.core.models import ImportRun
from hatrack.devices.imports.service import import_devices
from hatrack.devices.imports.uploads import KIND, checked_rows_path, finish_device_import
from hatrack.directory.imports.uploads import fail_interrupted_import


@task()
def run_device_import(run_id: int) -> str:
    """Run the queued device import (or preview) `run_id`; returns its final status.

    Idempotent: a finished run is left alone, and re-running one whose worker died
    mid-way repeats it, which changes nothing already applied.
    """
    run = ImportRun.objects.select_related("created_by").filter(pk=run_id, kind=KIND).first()
    if run is None or run.finished:
        return run.status if run else "missing"
    options = run.options or {}
    dry_run = bool(options.get("dry_run"))
    checked = checked_rows_path(run)
    try:
        import_devices(
            source=Path(run.source_path),
            format=str(options.get("format", "google")),
            mapping=options.get("mapping") or None,
            by=run.created_by,
            run=run,
            dry_run=dry_run,
            create_missing=bool(options.get("create_missing", True)),
            skip_bad_rows=bool(options.get("skip_bad_rows")),
            source_name=run.source_name,
            keep_rows=checked if dry_run else None,
            rows_from=checked if not dry_run and checked.is_file() else None,
        )
    finally:
        finish_device_import(run)
    return run.status


@receiver(task_finished)
def fail_device_import_when_its_task_failed(
    sender: object, task_result: TaskResult[Any], **kwargs: object
) -> None:
    """A task given up by the worker (its workers kept dying) fails its import run too."""
    if task_result.task.module_path != run_device_import.module_path:
        return
    if task_result.status != TaskResultStatus.FAILED or not task_result.args:
        return
    reason = task_result.errors[-1].exception_class_path if task_result.errors else "task failed"
    fail_interrupted_import(run_id=int(task_result.args[0]), reason=reason)
