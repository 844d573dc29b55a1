"""`hatrack import_oneroster`: progress on stderr, counts and errors on stdout, exit status."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hatrack.core.models import ImportRun
from hatrack.directory.models import Person

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "oneroster"


def run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_oneroster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_zip_and_prints_the_counts():
    out, _ = run_command(str(DATA / "valid.zip"))
    assert "people: 18 created, 0 updated, 0 deactivated, 0 unchanged, 2 skipped" in out
    assert "skipped 1 × guardian rows are not stored (privacy)" in out
    assert Person.objects.count() == 18


def test_the_command_shows_a_progress_bar_on_stderr():
    _, err = run_command(str(DATA / "valid"))
    assert "Checking users.csv" in err
    assert "Writing people" in err


def test_the_command_records_the_run_like_an_upload():
    run_command(str(DATA / "valid"))
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.source_name, run.created_by) == (
        "oneroster", "done", "valid", None,
    )  # fmt: skip


def test_a_reimport_from_the_command_line_reports_no_changes():
    run_command(str(DATA / "valid"))
    out, _ = run_command(str(DATA / "valid"))
    assert "people: 0 created, 0 updated, 0 deactivated, 18 unchanged" in out


def test_a_rejected_import_lists_the_bad_rows_and_exits_non_zero():
    out = io.StringIO()
    with pytest.raises(CommandError, match="Import rejected"):
        call_command("import_oneroster", str(DATA / "broken_rows"), stdout=out, stderr=out)
    assert "users.csv:3 givenName: givenName is required but empty" in out.getvalue()
    assert "8 problem(s)" in out.getvalue()
    assert not Person.objects.exists()


def test_a_whole_file_problem_is_one_clear_line():
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_oneroster", str(DATA / "latin1"), stdout=out, stderr=io.StringIO())
    assert "users.csv line 4 is not valid UTF-8 text" in out.getvalue()


def test_skip_bad_rows_imports_the_good_rows():
    out, _ = run_command(str(DATA / "broken_rows"), "--skip-bad-rows")
    assert "8 bad rows were skipped" in out
    assert Person.objects.count() == 2


def test_a_dry_run_saves_nothing_not_even_the_run():
    out, _ = run_command(str(DATA / "valid"), "--dry-run")
    assert out.startswith("Dry run, nothing saved — would import")
    assert not Person.objects.exists()
    assert not ImportRun.objects.exists()


def test_a_path_that_does_not_exist_is_rejected_in_words(tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_oneroster", str(tmp_path / "nope.zip"), stdout=out, stderr=out)
    assert "nope.zip does not exist." in out.getvalue()
