"""Device import pages: the runs, the upload (and a spreadsheet's column mapping), a run
with its progress and preview, and confirming a preview.

An upload is stored and its preview queued by `imports.uploads`; a worker runs it and
the run's page polls its progress partial every second. A finished preview shows what
would be created, updated and left alone, the bad rows and the discrepancies, and a
Confirm button that queues the real import as a new run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hatrack.core.lists import keyset_page
from hatrack.core.models import ImportRun
from hatrack.core.permissions import requires
from hatrack.devices.forms.imports import DeviceUploadForm, MappingForm, limit_label
from hatrack.devices.importers.formats import FORMATS
from hatrack.devices.importers.rows import DeviceFileError
from hatrack.devices.importers.spreadsheet import guess_mapping, headers_of
from hatrack.devices.imports.uploads import (
    KIND,
    confirm_device_import,
    queue_device_preview,
    store_upload,
    stored_upload,
)
from hatrack.directory.imports.uploads import discard_upload
from hatrack.directory.views.pages import acting_user

SESSION_KEY = "device_import_upload"
# The multipart envelope around the file: a little more than the file itself.
UPLOAD_OVERHEAD = 64 * 1024
BADGES: dict[str, str] = {
    ImportRun.Status.QUEUED: "badge-muted",
    ImportRun.Status.RUNNING: "",
    ImportRun.Status.DONE: "badge-success",
    ImportRun.Status.REJECTED: "badge-danger",
    ImportRun.Status.FAILED: "badge-danger",
}


def status_label(run: ImportRun) -> str:
    """A preview's words differ from an import's: "Preview ready", "Would be refused"."""
    if run.options.get("dry_run") and run.status == ImportRun.Status.DONE:
        return "Preview ready"
    if run.options.get("dry_run") and run.status == ImportRun.Status.REJECTED:
        return "Preview: bad rows"
    return run.get_status_display()


@requires("devices.import")
def import_list(request: HttpRequest) -> HttpResponse:
    runs = (
        ImportRun.objects.filter(kind=KIND)
        .select_related("created_by")
        .only(
            "id", "created_at", "status", "source_name", "options", "counts", "error_count",
            "created_by__username", "created_by__first_name", "created_by__last_name",
        )
    )  # fmt: skip
    page = keyset_page(
        runs,
        order=("-created_at", "-id"),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    rows = [
        {
            "run": run,
            "kind": "Preview" if run.options.get("dry_run") else "Import",
            "format": FORMATS.get(str(run.options.get("format")), ""),
            "status": status_label(run),
            "badge": BADGES.get(run.status, ""),
            "by": run.created_by.get_full_name() if run.created_by else "Command line",
            "summary": _summary(run),
        }
        for run in page.rows
    ]
    return render(request, "devices/import_list.html", {"page": page, "rows": rows})


def _summary(run: ImportRun) -> str:
    counts = run.counts or {}
    if "created" not in counts or counts.get("file_error"):
        return ""
    return (
        f"{counts['created']:,} created, {counts['updated']:,} updated, "
        f"{counts['unchanged']:,} unchanged"
    )


@requires("devices.import")
def import_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("step") == "mapping":
        return _mapping_step(request)
    form = DeviceUploadForm()
    if request.method == "POST":
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.HATRACK_MAX_IMPORT_UPLOAD + UPLOAD_OVERHEAD:
            form = DeviceUploadForm(request.POST)
            form.is_valid()
            form.add_error(None, f"The upload is larger than the limit of {limit_label()}.")
        else:
            form = DeviceUploadForm(request.POST, request.FILES)
            if form.is_valid():
                return _uploaded(request, form)
    context = {"form": form, "limit": limit_label()}
    return render(request, "devices/import_create.html", context)


def _uploaded(request: HttpRequest, form: DeviceUploadForm) -> HttpResponse:
    data = form.cleaned_data
    upload = data["export"]
    path = store_upload(upload)
    name = Path(upload.name or "export").name
    if data["format"] != "csv":
        run = queue_device_preview(
            path=path, source_name=name, format=data["format"], mapping=None,
            create_missing=data["create_missing"], skip_bad_rows=data["skip_bad_rows"],
            by=acting_user(request),
        )  # fmt: skip
        return redirect("devices:import_detail", pk=run.pk)
    try:
        headers = headers_of(path, name=name)
    except DeviceFileError as exc:
        discard_upload(str(path))
        form.add_error("export", exc.message)
        return render(request, "devices/import_create.html", {"form": form, "limit": limit_label()})
    request.session[SESSION_KEY] = {
        "token": path.name,
        "name": name,
        "create_missing": data["create_missing"],
        "skip_bad_rows": data["skip_bad_rows"],
    }
    mapping = MappingForm(headers, initial=guess_mapping(headers))
    return _render_mapping(request, mapping, name)


def _render_mapping(request: HttpRequest, form: MappingForm, name: str) -> HttpResponse:
    return render(request, "devices/import_mapping.html", {"form": form, "name": name})


def _mapping_step(request: HttpRequest) -> HttpResponse:
    pending: dict[str, Any] = request.session.get(SESSION_KEY) or {}
    path = stored_upload(str(pending.get("token", "")))
    if path is None:
        messages.error(request, "The uploaded file is gone; upload it again.")
        return redirect("devices:import_create")
    try:
        headers = headers_of(path, name=pending["name"])
    except DeviceFileError as exc:
        messages.error(request, exc.message)
        return redirect("devices:import_create")
    form = MappingForm(headers, request.POST)
    if not form.is_valid():
        return _render_mapping(request, form, pending["name"])
    request.session.pop(SESSION_KEY, None)
    run = queue_device_preview(
        path=path, source_name=pending["name"], format="csv", mapping=form.mapping(),
        create_missing=bool(pending.get("create_missing")),
        skip_bad_rows=bool(pending.get("skip_bad_rows")), by=acting_user(request),
    )  # fmt: skip
    return redirect("devices:import_detail", pk=run.pk)


def _run_context(pk: int) -> dict[str, Any]:
    run = get_object_or_404(ImportRun.objects.filter(kind=KIND).select_related("created_by"), pk=pk)
    counts = run.counts or {}
    options = run.options or {}
    samples = counts.get("samples", {})
    dry_run = bool(options.get("dry_run"))
    return {
        "run": run,
        "dry_run": dry_run,
        "status": status_label(run),
        "badge": BADGES.get(run.status, ""),
        "by": run.created_by.get_full_name() if run.created_by else "Command line",
        "format": FORMATS.get(str(options.get("format")), ""),
        "mapping": sorted(options.get("mapping", {}).items()),
        "counts": counts if "created" in counts and not counts.get("file_error") else None,
        "creates": samples.get("create", []),
        "updates": [
            {**item, "changes": sorted(item["changes"].items())}
            for item in samples.get("update", [])
        ],
        "unchanged": samples.get("unchanged", []),
        "not_in_hatrack": samples.get("not_in_hatrack", []),
        "not_in_console": samples.get("not_in_console", []),
        "errors": run.errors or [],
        "more_errors": max(0, run.error_count - len(run.errors or [])),
        "confirmable": dry_run
        and run.finished
        and run.status != ImportRun.Status.FAILED
        and not counts.get("file_error")
        and not options.get("confirmed_run"),
        "needs_skip": bool(run.error_count) and not options.get("skip_bad_rows"),
        "confirmed_run": options.get("confirmed_run"),
        "preview_of": options.get("preview_of"),
    }


@requires("devices.import")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "devices/import_detail.html", _run_context(pk))


@requires("devices.import")
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "devices/import_detail.html#progress", _run_context(pk))


@requires("devices.import")
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    preview = get_object_or_404(ImportRun, pk=pk, kind=KIND)
    try:
        run = confirm_device_import(
            preview=preview,
            skip_bad_rows=request.POST.get("skip_bad_rows") == "on",
            by=acting_user(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("devices:import_detail", pk=preview.pk)
    return redirect("devices:import_detail", pk=run.pk)
