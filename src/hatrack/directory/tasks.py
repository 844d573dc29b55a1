"""Background entry points of the directory: thin, taking ids, safe to run twice."""

from pathlib import Path

from django_tasks import task

from hatrack.core.models import ImportRun
from hatrack.directory.import_services import discard_upload, import_oneroster


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
