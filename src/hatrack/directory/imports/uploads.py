"""Queuing an uploaded OneRoster export, and the ImportRun around its task.

An upload is stored under MEDIA_ROOT/imports/ with a random name, queued as an ImportRun
and a task, and removed once the import has finished (it may hold student data).
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from hatrack.core.models import ImportRun

if TYPE_CHECKING:
    from hatrack.accounts.models import User

KIND = "oneroster"


def upload_folder() -> Path:
    """Where uploaded exports wait for their import (under MEDIA_ROOT)."""
    return Path(settings.MEDIA_ROOT) / "imports"


def queue_oneroster_import(
    *, uploads: Sequence[UploadedFile[Any]], skip_bad_rows: bool, by: User
) -> ImportRun:
    """Store an uploaded export under MEDIA_ROOT/imports/ (a random name), create its
    ImportRun (queued) and enqueue the import task once the transaction commits.

    `uploads` is one .zip or several OneRoster CSV files, already checked by the form.
    Files are copied in chunks, never read into memory whole.
    """
    target = _store_uploads(uploads)
    try:
        with transaction.atomic():
            run = new_import_run(
                source_name=", ".join(Path(u.name or "").name for u in uploads),
                source_path=target,
                skip_bad_rows=skip_bad_rows,
                by=by,
            )
            from hatrack.directory.tasks import run_oneroster_import

            transaction.on_commit(partial(run_oneroster_import.enqueue, run.pk))
    except BaseException:
        discard_upload(str(target))
        raise
    return run


def new_import_run(
    *, source_name: str, source_path: Path, skip_bad_rows: bool, by: User | None
) -> ImportRun:
    """The queued ImportRun of a OneRoster import (from an upload or the command line)."""
    return ImportRun.objects.create(
        kind=KIND,
        status=ImportRun.Status.QUEUED,
        source_name=source_name[:255],
        source_path=str(source_path)[:500],
        options={"skip_bad_rows": skip_bad_rows},
        created_by=by,
        phase="Waiting for a worker",
    )


def _store_uploads(uploads: Sequence[UploadedFile[Any]]) -> Path:
    """A .zip is stored as one random-named file; CSV files in one random-named folder."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    if len(uploads) == 1 and (uploads[0].name or "").lower().endswith(".zip"):
        target = folder / f"{token}.zip"
        _save_upload(uploads[0], target)
    else:
        target = folder / token
        target.mkdir()
        for upload in uploads:
            _save_upload(upload, target / Path(upload.name or "").name.lower())
    return target


def _save_upload(upload: UploadedFile[Any], target: Path) -> None:
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def discard_upload(source_path: str) -> None:
    """Remove a stored upload once its import has finished (it may hold student data)."""
    path = Path(source_path)
    folder = upload_folder().resolve()
    if not source_path or folder not in path.resolve().parents:
        return
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def fail_interrupted_import(*, run_id: int, reason: str) -> None:
    """Mark a run failed when its task ended without the import finishing it.

    That happens when the worker running it died too often and the task was given up:
    the run would otherwise show "running" for ever. A finished run is left alone.
    """
    ImportRun.objects.filter(pk=run_id, finished_at__isnull=True).update(
        status=ImportRun.Status.FAILED,
        phase="Failed",
        message=f"The import stopped before it finished and nothing was saved ({reason}).",
        finished_at=timezone.now(),
    )
