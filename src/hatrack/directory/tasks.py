"""Background entry points of the directory: thin, taking ids, safe to run twice."""

from pathlib import Path
from typing import Any

from django.dispatch import receiver
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks.signals import task_finished

from hatrack.core.models import ImportRun
from hatrack.directory.imports.service import import_oneroster
from hatrack.directory.imports.uploads import discard_upload, fail_interrupted_import


@task()
def run_oneroster_import(run_id: int) -> str:
    """Run the queued OneRoster import `run_id`; returns its final status.

    Idempotent: a finished run is left alone, and re-running one whose worker died
    mid-way repeats the import, which changes nothing that is already applied.
    """
    run = ImportRun.objects.select_related("created_by").filter(pk=run_id).first()
    if run is None or run.finished:
        return run.status if run else "missing"
    try:
        import_oneroster(
            source=Path(run.source_path),
            skip_bad_rows=bool(run.options.get("skip_bad_rows")),
            by=run.created_by,
            run=run,
        )
    finally:
        discard_upload(run.source_path)
    return run.status


@receiver(task_finished)
def fail_import_when_its_task_failed(
    sender: object, task_result: TaskResult[Any], **kwargs: object
) -> None:
    """A task given up by the worker (its workers kept dying) fails its import run too."""
    if task_result.task.module_path != run_oneroster_import.module_path:
        return
    if task_result.status != TaskResultStatus.FAILED or not task_result.args:
        return
    reason = task_result.errors[-1].exception_class_path if task_result.errors else "task failed"
    fail_interrupted_import(run_id=int(task_result.args[0]), reason=reason)
