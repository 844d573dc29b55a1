"""The import pages: who may use them, the upload form, a run's page and its progress."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from hatrack.core.models import ImportRun
from hatrack.directory.models import Person

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "oneroster"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (DATA / name).read_bytes())


def valid_csvs() -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(name, (DATA / "valid" / name).read_bytes())
        for name in ("manifest.csv", "orgs.csv", "users.csv")
    ]


def make_run(**overrides) -> ImportRun:
    values = {"kind": "oneroster", "source_name": "export.zip", "status": "queued"}
    values.update(overrides)
    return ImportRun.objects.create(**values)


@pytest.mark.parametrize("persona", ["outsider", "staff", "viewer", "technician"], indirect=True)
@pytest.mark.parametrize("url_name", ["import_list", "import_create"])
def test_only_leaders_may_open_the_import_pages(persona, url_name):
    name, client = persona
    response = client.get(reverse(f"directory:{url_name}"))
    assert response.status_code == (302 if name == "outsider" else 403)


@pytest.mark.parametrize("persona", ["staff", "viewer", "technician"], indirect=True)
def test_only_leaders_may_upload(persona):
    _, client = persona
    response = client.post(reverse("directory:import_create"), {"export": upload("valid.zip")})
    assert response.status_code == 403
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "staff", "viewer", "technician"], indirect=True)
def test_only_leaders_may_see_a_run_and_its_progress(persona):
    name, client = persona
    run = make_run()
    for url_name in ("import_detail", "import_progress"):
        response = client.get(reverse(f"directory:{url_name}", args=[run.pk]))
        assert response.status_code == (302 if name == "outsider" else 403)


def test_the_list_has_a_real_empty_state(leader_client):
    response = leader_client.get(reverse("directory:import_list"))
    assert response.status_code == 200
    assert "No imports yet" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_costs_the_same_queries_at_1_and_50_runs(
    rows, leader, leader_client, django_assert_num_queries
):
    for _ in range(rows):
        make_run(created_by=leader, status="done", counts={"models": {"people": {"created": 3}}})
    leader_client.get(reverse("directory:import_list"))  # warm the session and caches
    # session, user, the page of runs
    with django_assert_num_queries(3):
        response = leader_client.get(reverse("directory:import_list"))
    assert response.content.decode().count("3 created") == rows


def test_the_upload_form_explains_itself(leader_client):
    body = leader_client.get(reverse("directory:import_create")).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert '<label for="id_export">OneRoster export' in body
    assert '<label for="id_skip_bad_rows">Skip bad rows' in body


@override_settings(TASKS=DUMMY)
def test_uploading_a_zip_stores_it_queues_a_run_and_shows_it(
    leader, leader_client, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = leader_client.post(
            reverse("directory:import_create"),
            {"export": upload("valid.zip"), "skip_bad_rows": "on"},
        )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("directory:import_detail", args=[run.pk])
    assert (run.status, run.created_by, run.options) == ("queued", leader, {"skip_bad_rows": True})
    stored = Path(run.source_path)
    assert stored.parent == media_root / "imports"
    assert stored.suffix == ".zip"
    assert stored.name != "valid.zip"
    assert stored.read_bytes() == (DATA / "valid.zip").read_bytes()
    assert len(callbacks) == 1


@override_settings(TASKS=IMMEDIATE)
def test_an_uploaded_set_of_csv_files_is_imported_by_the_task(
    leader_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(reverse("directory:import_create"), {"export": valid_csvs()})
    run = ImportRun.objects.get()
    assert run.status == "done"
    assert Person.objects.count() == 18
    assert not Path(run.source_path).exists()
    body = leader_client.get(reverse("directory:import_detail", args=[run.pk])).content.decode()
    assert "Imported" in body
    assert "hx-trigger" not in body


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (lambda: [upload("notes.txt", b"hello")], "notes.txt is not a .zip or .csv file."),
        (lambda: [upload("export.zip", b"not a zip")], "export.zip is not a valid zip file."),
        (lambda: [upload("people.csv", b"a,b\n")], "people.csv is not a OneRoster file name"),
        (lambda: [upload("valid.zip"), *valid_csvs()], "one .zip file, or the CSV files"),
        (lambda: [upload("classes.csv", b"sourcedId\n")], "Include orgs.csv or users.csv"),
    ],
)
def test_the_upload_form_refuses_wrong_files_in_words(leader_client, files, message):
    response = leader_client.post(reverse("directory:import_create"), {"export": files()})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(leader_client, settings):
    settings.HATRACK_MAX_IMPORT_UPLOAD = 1000
    users = upload("users.csv", b"sourcedId\n" + b"x\n" * 100_000)
    response = leader_client.post(reverse("directory:import_create"), {"export": [users]})
    assert "The upload is larger than the limit of 1000" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_size_limit_is_checked_on_the_files_too(leader_client, settings):
    settings.HATRACK_MAX_IMPORT_UPLOAD = 70 * 1024
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("users.csv", b"x" * (70 * 1024 + 1))
    response = leader_client.post(
        reverse("directory:import_create"), {"export": upload("big.zip", big.getvalue())}
    )
    assert "the limit is 70.0" in response.content.decode()


def test_a_running_import_polls_its_progress_every_second(leader_client):
    run = make_run(
        status="running", phase="Checking users.csv", progress_done=25, progress_total=100
    )
    body = leader_client.get(reverse("directory:import_detail", args=[run.pk])).content.decode()
    progress_url = reverse("directory:import_progress", args=[run.pk])
    assert f'hx-get="{progress_url}" hx-trigger="every 1s"' in body
    assert '<progress class="progress" max="100" value="25"' in body
    assert "Checking users.csv" in body
    assert f'href="{reverse("directory:import_detail", args=[run.pk])}">Refresh' in body


def test_the_progress_partial_stops_polling_when_the_run_is_finished(leader_client):
    run = make_run(status="done", message="Imported people: 3 created.")
    response = leader_client.get(reverse("directory:import_progress", args=[run.pk]))
    body = response.content.decode()
    assert "<html" not in body
    assert "hx-trigger" not in body
    assert "Imported people: 3 created." in body


def test_a_rejected_run_lists_its_bad_rows_by_file_line_and_field(leader_client):
    run = make_run(
        status="rejected",
        error_count=1,
        errors=[{"file": "users.csv", "line": 7, "field": "email", "reason": "not an email"}],
    )
    body = leader_client.get(reverse("directory:import_detail", args=[run.pk])).content.decode()
    assert '<td>users.csv</td><td class="num">7</td><td>email</td><td>not an email</td>' in body


def test_an_unknown_run_is_not_found(leader_client):
    assert leader_client.get(reverse("directory:import_detail", args=[999])).status_code == 404
