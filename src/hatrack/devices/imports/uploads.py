"""Uploaded device exports: storing them, queuing their preview, confirming the import.

An upload is stored under MEDIA_ROOT/imports/ (outside the static files, never served,
never executed) with a random name and only the suffix .csv, .xlsx or .zip. Its preview
runs first as a dry ImportRun; confirming it queues the real import as a new ImportRun
on the same file, which is removed once that import has finished.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from hatrack.core.models import ImportRun
from hatrack.directory.imports.uploads import discard_upload, upload_folder

if TYPE_CHECKING:
    from hatrack.accounts.models import User

KIND = "devices"
SUFFIXES = (".csv", ".xlsx", ".zip")


def store_upload(upload: UploadedFile[Any]) -> Path:
    """Copy an upload in chunks to a random name under MEDIA_ROOT/imports/."""
    name = (upload.name or "").lower()
    suffix = next((s for s in SUFFIXES if name.endswith(s)), ".csv")
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"devices-{secrets.token_hex(16)}{suffix}"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


def stored_upload(token: str) -> Path | None:
    """The stored upload named `token` (as store_upload named it), if it still exists."""
    path = upload_folder() / Path(token).name
    if not path.name.startswith("devices-") or not path.is_file():
        return None
    return path


def queue_device_preview(
    *,
    path: Path,
    source_name: str,
    format: str,
    mapping: Mapping[str, str] | None,
    create_missing: bool,
    skip_bad_rows: bool,
    by: User | None,
) -> ImportRun:
    """Create the preview run (a dry run) of a stored upload and enqueue it on commit."""
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=KIND,
            source_name=source_name[:255],
            source_path=str(path)[:500],
            options={
                "format": format,
                "mapping": dict(mapping or {}),
                "create_missing": create_missing,
                "skip_bad_rows": skip_bad_rows,
                "dry_run": True,
            },
            created_by=by,
            phase="Waiting for a worker",
        )
        _enqueue(run)
    return run


def confirm_device_import(*, preview: ImportRun, skip_bad_rows: bool, by: User) -> ImportRun:
    """Queue the real import of a finished preview; confirming twice gives the same run.

    Refused (ValidationError) when the preview is not finished, refused the whole file,
    or found bad rows and `skip_bad_rows` is not chosen.
    """
    with transaction.atomic():
        preview = ImportRun.objects.select_for_update().get(pk=preview.pk, kind=KIND)
        confirmed = preview.options.get("confirmed_run")
        if confirmed and ImportRun.objects.filter(pk=confirmed).exists():
            return ImportRun.objects.get(pk=confirmed)
        _check_confirmable(preview, skip_bad_rows)
        run = ImportRun.objects.create(
            kind=KIND,
            source_name=preview.source_name,
            source_path=preview.source_path,
            options={
                **preview.options,
                "dry_run": False,
                "skip_bad_rows": skip_bad_rows or bool(preview.options.get("skip_bad_rows")),
                "preview_of": preview.pk,
            },
            created_by=by,
            phase="Waiting for a worker",
        )
        preview.options = {**preview.options, "confirmed_run": run.pk}
        preview.save(update_fields=["options"])
        _enqueue(run)
    return run


def _check_confirmable(preview: ImportRun, skip_bad_rows: bool) -> None:
    if not preview.options.get("dry_run") or not preview.finished:
        raise ValidationError("Only a finished preview can be confirmed.")
    if preview.status == ImportRun.Status.FAILED or (preview.counts or {}).get("file_error"):
        raise ValidationError("This file cannot be imported; upload a corrected export.")
    skipping = skip_bad_rows or bool(preview.options.get("skip_bad_rows"))
    if preview.error_count and not skipping:
        raise ValidationError(
            "The file has bad rows: choose “skip bad rows” to import the others, or upload a "
            "corrected export."
        )
    if not Path(preview.source_path).is_file():
        raise ValidationError("The uploaded file is gone; upload the export again.")


def _enqueue(run: ImportRun) -> None:
    from hatrack.devices.tasks import run_device_import

    transaction.on_commit(partial(run_device_import.enqueue, run.pk))


def checked_rows_path(run: ImportRun) -> Path:
    """Where a preview keeps its checked rows for the confirmed import (beside the upload)."""
    return Path(f"{run.source_path}.checked")


def finish_device_import(run: ImportRun) -> None:
    """After a run: the real import's upload and checked rows are removed (they name
    people's devices); a preview keeps them until confirmed."""
    if not run.options.get("dry_run"):
        discard_upload(run.source_path)
        discard_upload(str(checked_rows_path(run)))
