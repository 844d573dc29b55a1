"""The device import pages: who may use them, upload and mapping, preview, confirm."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hatrack.core.models import ImportRun
from hatrack.devices.models import Device

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class CommittingClient:
    """A client whose requests run their on-commit callbacks (the queued tasks) at once,
    as they would outside the test's transaction."""

    def __init__(self, client, capture):
        self.client, self.capture = client, capture

    def get(self, *args, **kwargs):
        return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        with self.capture(execute=True):
            return self.client.post(*args, **kwargs)


@pytest.fixture
def leader_client(leader, client_for, django_capture_on_commit_callbacks):
    return CommittingClient(client_for(leader), django_capture_on_commit_callbacks)


def upload(name: str, as_name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(as_name or name, (DATA / name).read_bytes())


def post_upload(client, name: str, format: str = "google", **extra):
    data = {"format": format, "export": upload(name), "create_missing": "on", **extra}
    return client.post(reverse("devices:import_create"), data)


def make_run(**overrides) -> ImportRun:
    values = {"kind": "devices", "source_name": "chromeos.csv", "status": "queued"}
    values.update(overrides)
    return ImportRun.objects.create(**values)


@pytest.mark.parametrize("persona", ["outsider", "staff", "viewer", "technician"], indirect=True)
@pytest.mark.parametrize("url_name", ["import_list", "import_create"])
def test_only_leaders_may_open_the_device_import_pages(persona, url_name):
    name, client = persona
    response = client.get(reverse(f"devices:{url_name}"))
    assert response.status_code == (302 if name == "outsider" else 403)


@pytest.mark.parametrize("persona", ["staff", "viewer", "technician"], indirect=True)
def test_only_leaders_may_upload_or_confirm(persona):
    _, client = persona
    assert post_upload(client, "google_admin.csv").status_code == 403
    preview = make_run(status="done", options={"dry_run": True})
    response = client.post(reverse("devices:import_confirm", args=[preview.pk]))
    assert response.status_code == 403
    assert ImportRun.objects.count() == 1


def list_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("devices:import_list"))
    return len(queries), response.text


def test_the_list_shows_runs_with_the_same_queries_at_one_and_many(leader_client):
    counts = {"created": 5, "updated": 0, "unchanged": 0}
    make_run(status="done", options={"dry_run": True, "format": "google"}, counts=counts)
    list_queries(leader_client)  # warm the layout's caches
    one, page = list_queries(leader_client)
    assert "Preview ready" in page
    assert "5 created, 0 updated, 0 unchanged" in page
    for _ in range(60):
        make_run()
    many, _ = list_queries(leader_client)
    assert many == one


def test_the_empty_list_explains_where_exports_come_from(leader_client):
    response = leader_client.get(reverse("devices:import_list"))
    assert "No device imports yet" in response.text


@override_settings(TASKS=IMMEDIATE)
def test_uploading_a_google_export_shows_its_preview_and_saves_nothing(leader_client):
    response = post_upload(leader_client, "google_admin.csv")
    run = ImportRun.objects.get()
    assert response.url == reverse("devices:import_detail", args=[run.pk])
    page = leader_client.get(response.url).text
    assert "Preview ready" in page
    assert "5CD1234ABC" in page
    assert "Confirm and import" in page
    assert Device.objects.count() == 0


@override_settings(TASKS=IMMEDIATE)
def test_confirming_a_preview_imports_the_file_as_a_new_run(leader_client, media_root):
    post_upload(leader_client, "google_admin.csv")
    preview = ImportRun.objects.get()
    response = leader_client.post(reverse("devices:import_confirm", args=[preview.pk]))
    run = ImportRun.objects.exclude(pk=preview.pk).get()
    assert response.url == reverse("devices:import_detail", args=[run.pk])
    assert (run.status, run.options["dry_run"], run.options["preview_of"]) == (
        "done", False, preview.pk,
    )  # fmt: skip
    assert Device.objects.count() == 5
    assert list((media_root / "imports").iterdir()) == []  # the upload is removed


@override_settings(TASKS=IMMEDIATE)
def test_confirming_twice_imports_once(leader_client):
    post_upload(leader_client, "google_admin.csv")
    preview = ImportRun.objects.get()
    leader_client.post(reverse("devices:import_confirm", args=[preview.pk]))
    leader_client.post(reverse("devices:import_confirm", args=[preview.pk]))
    assert ImportRun.objects.count() == 2


@override_settings(TASKS=IMMEDIATE)
def test_a_preview_with_bad_rows_lists_them_and_asks_to_skip_them(leader_client):
    post_upload(leader_client, "google_admin_broken.csv")
    preview = ImportRun.objects.get()
    page = leader_client.get(reverse("devices:import_detail", args=[preview.pk])).text
    assert "Preview: bad rows" in page
    assert "Serial number PF2XK9QZ is also on line 4." in page
    assert 'name="skip_bad_rows"' in page
    response = leader_client.post(reverse("devices:import_confirm", args=[preview.pk]))
    assert response.url == reverse("devices:import_detail", args=[preview.pk])
    assert ImportRun.objects.count() == 1
    leader_client.post(
        reverse("devices:import_confirm", args=[preview.pk]), {"skip_bad_rows": "on"}
    )
    assert Device.objects.count() == 2


@override_settings(TASKS=IMMEDIATE)
def test_a_file_of_the_wrong_format_is_refused_with_no_confirm_button(leader_client):
    post_upload(leader_client, "intune.csv", format="google")
    page = leader_client.get(reverse("devices:import_detail", args=[ImportRun.objects.get().pk]))
    assert "looks like a Microsoft Intune devices export" in page.text
    assert "Confirm and import" not in page.text


def test_the_confirm_url_takes_posts_only(leader_client):
    preview = make_run(status="done", options={"dry_run": True})
    assert (
        leader_client.get(reverse("devices:import_confirm", args=[preview.pk])).status_code == 405
    )


def test_a_file_with_the_wrong_suffix_is_refused_beside_the_field(leader_client):
    data = {"format": "google", "export": SimpleUploadedFile("devices.exe", b"MZ")}
    response = leader_client.post(reverse("devices:import_create"), data)
    assert "For this format, upload a .csv file." in response.text
    assert not ImportRun.objects.exists()


@override_settings(HATRACK_MAX_IMPORT_UPLOAD=100)
def test_an_upload_over_the_size_limit_is_refused(leader_client):
    response = post_upload(leader_client, "google_admin.csv")
    assert "the limit is 100" in response.text
    assert not ImportRun.objects.exists()


@override_settings(TASKS=IMMEDIATE)
def test_a_spreadsheet_asks_for_its_column_mapping_before_the_preview(leader_client):
    response = post_upload(leader_client, "google_admin.csv", format="csv")
    assert "Map the columns" in response.text
    assert '<option value="Serial Number" selected>' in response.text
    assert not ImportRun.objects.exists()
    mapping = {"step": "mapping", "serial_number": "Serial Number", "model": "Model"}
    response = leader_client.post(reverse("devices:import_create"), mapping)
    run = ImportRun.objects.get()
    assert response.url == reverse("devices:import_detail", args=[run.pk])
    assert run.options["mapping"] == {"serial_number": "Serial Number", "model": "Model"}
    assert run.counts["created"] == 5


def test_a_mapping_without_the_serial_number_is_refused_beside_the_field(leader_client):
    post_upload(leader_client, "google_admin.csv", format="csv")
    response = leader_client.post(reverse("devices:import_create"), {"step": "mapping"})
    assert "Choose the column that holds the serial number." in response.text


@override_settings(TASKS=DUMMY)
def test_a_running_import_polls_its_progress(leader_client):
    run = make_run(status="running", phase="Checking the file", progress_total=10, progress_done=5)
    page = leader_client.get(reverse("devices:import_detail", args=[run.pk])).text
    assert reverse("devices:import_progress", args=[run.pk]) in page
    partial = leader_client.get(reverse("devices:import_progress", args=[run.pk])).text
    assert "Checking the file" in partial
    assert "50% of this step" in partial


def test_an_import_of_another_kind_is_not_shown(leader_client):
    other = make_run(kind="oneroster")
    assert leader_client.get(reverse("devices:import_detail", args=[other.pk])).status_code == 404
