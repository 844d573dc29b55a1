"""OneRoster import pages: the list of runs, the upload form, a run and its progress partial.

The upload is stored and queued by `imports.uploads.queue_oneroster_import`; a worker
runs it, and the run's page polls its progress partial every second until it finishes.
"""

from __future__ import annotations

import zipfile
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict

from hatrack.accounts.models import User
from hatrack.core.lists import keyset_page
from hatrack.core.models import ImportRun
from hatrack.core.permissions import requires
from hatrack.directory.importers.oneroster.files import KNOWN_FILE_NAMES
from hatrack.directory.imports.uploads import KIND, queue_oneroster_import

# The multipart envelope around the files: a little more than the files themselves.
UPLOAD_OVERHEAD = 64 * 1024
MODEL_LABELS = {
    "district": "District",
    "sites": "Sites",
    "departments": "Departments",
    "people": "People",
}
STATUS_BADGES: dict[str, str] = {
    ImportRun.Status.QUEUED: "badge-muted",
    ImportRun.Status.RUNNING: "",
    ImportRun.Status.DONE: "badge-success",
    ImportRun.Status.REJECTED: "badge-danger",
    ImportRun.Status.FAILED: "badge-danger",
}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files and cleans to a list of them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".zip,.csv"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] or [single(None, initial)]
        return [single(data, initial)]


def _limit_label() -> str:
    return str(filesizeformat(settings.HATRACK_MAX_IMPORT_UPLOAD))


class OneRosterUploadForm(forms.Form):
    export = MultipleFileField(
        label="OneRoster export",
        help_text="The .zip your student information system exports, or its CSV files "
        "(orgs.csv, users.csv and, if you have it, manifest.csv). Select several CSV "
        "files at once with Ctrl or ⌘.",
    )
    skip_bad_rows = forms.BooleanField(
        label="Skip bad rows",
        required=False,
        help_text="Import the good rows and list the bad ones. Without this, a file with any "
        "bad row is rejected whole and nothing changes.",
    )

    def clean_export(self) -> list[UploadedFile[Any]]:
        files: list[UploadedFile[Any]] = self.cleaned_data["export"]
        total = sum(f.size or 0 for f in files)
        if total > settings.HATRACK_MAX_IMPORT_UPLOAD:
            raise ValidationError(
                f"The upload is {filesizeformat(total)}; the limit is {_limit_label()}."
            )
        names = [(f.name or "").rsplit("/", 1)[-1] for f in files]
        zips = [f for f, n in zip(files, names, strict=True) if n.lower().endswith(".zip")]
        if zips and len(files) > 1:
            raise ValidationError("Upload one .zip file, or the CSV files, not both.")
        if zips:
            if not zipfile.is_zipfile(zips[0]):
                raise ValidationError(f"{names[0]} is not a valid zip file.")
            zips[0].seek(0)
            return files
        for name in names:
            if not name.lower().endswith(".csv"):
                raise ValidationError(f"{name} is not a .zip or .csv file.")
            if name.lower() not in KNOWN_FILE_NAMES:
                raise ValidationError(
                    f"{name} is not a OneRoster file name: expected orgs.csv, users.csv, "
                    "manifest.csv and the like."
                )
        lowered = [n.lower() for n in names]
        if len(set(lowered)) != len(lowered):
            raise ValidationError("The same file was selected twice.")
        if not {"orgs.csv", "users.csv"} & set(lowered):
            raise ValidationError("Include orgs.csv or users.csv (or the whole export as .zip).")
        return files


def _too_large_form() -> OneRosterUploadForm:
    """A form showing the size error, built without reading the oversized upload."""
    form = OneRosterUploadForm(data={}, files=MultiValueDict())
    form.full_clean()
    form.errors["export"] = form.error_class(
        [f"The upload is larger than the limit of {_limit_label()}."]
    )
    return form


@requires("directory.import")
def import_list(request: HttpRequest) -> HttpResponse:
    runs = (
        ImportRun.objects.filter(kind=KIND)
        .select_related("created_by")
        .only(
            "id", "created_at", "status", "source_name", "counts", "error_count",
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
            "badge": STATUS_BADGES.get(run.status, ""),
            "by": run.created_by.get_full_name() if run.created_by else "Command line",
            "people": _people_summary(run),
        }
        for run in page.rows
    ]
    return render(request, "directory/import_list.html", {"page": page, "rows": rows})


def _people_summary(run: ImportRun) -> str:
    people = (run.counts or {}).get("models", {}).get("people")
    if not people:
        return ""
    return (
        f"{people.get('created', 0):,} created, {people.get('updated', 0):,} updated, "
        f"{people.get('deactivated', 0):,} deactivated"
    )


@requires("directory.import")
def import_create(request: HttpRequest) -> HttpResponse:
    form = OneRosterUploadForm()
    if request.method == "POST":
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.HATRACK_MAX_IMPORT_UPLOAD + UPLOAD_OVERHEAD:
            form = _too_large_form()
        else:
            form = OneRosterUploadForm(request.POST, request.FILES)
            if form.is_valid():
                user = request.user
                assert isinstance(user, User)  # noqa: S101 (requires() signed them in)
                run = queue_oneroster_import(
                    uploads=form.cleaned_data["export"],
                    skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                    by=user,
                )
                return redirect("directory:import_detail", pk=run.pk)
    context = {"form": form, "limit": _limit_label()}
    return render(request, "directory/import_create.html", context)


def _run_context(pk: int) -> dict[str, Any]:
    run = get_object_or_404(ImportRun.objects.filter(kind=KIND).select_related("created_by"), pk=pk)
    stored = run.counts or {}
    models = stored.get("models", {})
    return {
        "run": run,
        "badge": STATUS_BADGES.get(run.status, ""),
        "by": run.created_by.get_full_name() if run.created_by else "Command line",
        "count_rows": [
            {"label": label, **models[key]} for key, label in MODEL_LABELS.items() if key in models
        ],
        "skipped_reasons": sorted(stored.get("skipped_reasons", {}).items()),
        "modes": sorted(stored.get("modes", {}).items()),
        "errors": run.errors or [],
        "more_errors": max(0, run.error_count - len(run.errors or [])),
    }


@requires("directory.import")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "directory/import_detail.html", _run_context(pk))


@requires("directory.import")
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "directory/import_detail.html#progress", _run_context(pk))
