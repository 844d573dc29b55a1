"""import_oneroster: counts, idempotence, deactivation, rejection, skipping, audit, progress."""

import shutil
from pathlib import Path

import pytest

from hatrack.core.models import AuditEntry, ImportRun
from hatrack.directory.imports.service import import_oneroster
from hatrack.directory.models import Department, District, Person, Site
from hatrack.directory.tests.factories import make_district, make_person, make_site

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "oneroster"


def run_import(source: Path, *, skip_bad_rows: bool = False, **extra):
    return import_oneroster(source=source, skip_bad_rows=skip_bad_rows, by=None, **extra)


def people(result):
    return result.counts["people"].as_dict()


def copy_valid(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(DATA / "valid", folder)
    return folder


def snapshot_of_people():
    return list(Person.objects.order_by("source_id").values())


def test_the_valid_set_creates_its_district_sites_department_and_people():
    result = run_import(DATA / "valid")
    assert result.status == "done"
    assert people(result) == {
        "created": 18, "updated": 0, "deactivated": 0, "unchanged": 0, "skipped": 2, "errors": 0,
    }  # fmt: skip
    assert Person.objects.count() == 18
    assert Site.objects.count() == 3
    assert Department.objects.get().code == "TECH"
    district = District.objects.get()
    assert (district.source_id, district.nces_lea_id) == ("d-1907380", "1907380")


def test_imported_people_have_their_fields_mapped():
    run_import(DATA / "valid")
    zoe = Person.objects.get(source_id="u-1003")
    assert (zoe.given_name, zoe.family_name, zoe.family_key) == ("Zoë", "O'Brien", "o'brien")
    assert (zoe.sis_id, zoe.username, zoe.grade) == ("31003", "zobrien33", "03")
    assert zoe.email == "zobrien33@cfschools.org"
    assert zoe.primary_site.source_id == "s-0101"
    assert zoe.source_modified.isoformat() == "2025-08-15T12:00:00+00:00"
    assert Person.objects.get(source_id="t-2002").primary_site.name == "Roosevelt Middle School"
    staff = Person.objects.get(source_id="st-4001")
    assert (staff.role, staff.department.name, staff.primary_site) == (
        "staff", "Technology Department", None,
    )  # fmt: skip


def test_sites_get_a_code_and_a_kind_from_their_identifier_and_name():
    run_import(DATA / "valid")
    sites = {s.source_id: s for s in Site.objects.all()}
    assert (sites["s-0101"].code, sites["s-0101"].kind) == ("LES", "elementary")
    assert (sites["s-0102"].code, sites["s-0102"].kind) == ("RMS", "middle")
    assert sites["s-0102"].nces_school_id == "190738000512"
    assert (sites["s-0103"].code, sites["s-0103"].kind) == ("CFHS", "high")


def test_guardians_and_parents_are_not_stored_and_are_counted_as_skipped():
    result = run_import(DATA / "valid")
    assert not Person.objects.filter(source_id__startswith="g-").exists()
    assert result.skipped_reasons["guardian rows are not stored (privacy)"] == 1
    assert result.skipped_reasons["parent rows are not stored (privacy)"] == 1


def test_a_reimport_of_the_same_files_changes_nothing():
    run_import(DATA / "valid")
    before = snapshot_of_people()
    result = run_import(DATA / "valid")
    assert result.changed == 0
    assert people(result)["unchanged"] == 18
    assert result.counts["sites"].unchanged == 3
    assert snapshot_of_people() == before


def test_the_zip_imports_the_same_as_the_folder():
    run_import(DATA / "valid")
    result = run_import(DATA / "valid.zip")
    assert result.changed == 0


def test_a_changed_row_updates_only_that_person(tmp_path):
    run_import(DATA / "valid")
    folder = copy_valid(tmp_path)
    users = folder / "users.csv"
    users.write_text(users.read_text().replace("Liam,Nguyen", "Liam,Nguyen-Tran"))
    result = run_import(folder)
    assert (people(result)["updated"], people(result)["unchanged"]) == (1, 17)
    liam = Person.objects.get(source_id="u-1002")
    assert (liam.family_name, liam.family_key) == ("Nguyen-Tran", "nguyen-tran")


def test_a_delta_updates_deactivates_and_creates_without_touching_the_rest():
    run_import(DATA / "valid")
    result = run_import(DATA / "delta")
    assert people(result) == {
        "created": 1, "updated": 1, "deactivated": 1, "unchanged": 0, "skipped": 0, "errors": 0,
    }  # fmt: skip
    assert Person.objects.get(source_id="u-1001").family_name == "Hernandez-Lopez"
    assert Person.objects.get(source_id="u-1002").active is False
    assert Person.objects.filter(active=True).count() == 18


def test_tobedeleted_deactivates_and_never_deletes(tmp_path):
    run_import(DATA / "valid")
    folder = copy_valid(tmp_path)
    users = folder / "users.csv"
    users.write_text(users.read_text().replace("u-1004,active", "u-1004,tobedeleted"))
    result = run_import(folder)
    assert people(result)["deactivated"] == 1
    assert Person.objects.count() == 18
    assert Person.objects.get(source_id="u-1004").active is False
    assert run_import(folder).changed == 0


def test_a_person_missing_from_a_later_bulk_file_is_deactivated(tmp_path):
    run_import(DATA / "valid")
    folder = copy_valid(tmp_path)
    users = folder / "users.csv"
    users.write_text("".join(x for x in users.read_text().splitlines(True) if "u-1005" not in x))
    result = run_import(folder)
    assert people(result)["deactivated"] == 1
    assert Person.objects.get(source_id="u-1005").active is False


def test_a_deactivated_person_who_returns_is_active_again(tmp_path):
    run_import(DATA / "valid")
    folder = copy_valid(tmp_path)
    users = folder / "users.csv"
    original = users.read_text()
    users.write_text("".join(x for x in original.splitlines(True) if "u-1005" not in x))
    run_import(folder)
    users.write_text(original)
    assert people(run_import(folder))["updated"] == 1
    assert Person.objects.get(source_id="u-1005").active is True


def test_people_entered_by_hand_are_not_deactivated_by_a_bulk_file():
    manual = make_person(source_id=None)
    run_import(DATA / "valid")
    manual.refresh_from_db()
    assert manual.active is True


def test_a_set_with_bad_rows_is_rejected_whole_and_nothing_is_written():
    result = run_import(DATA / "broken_rows")
    assert result.status == "rejected"
    assert result.error_count == 8
    assert not Person.objects.exists()
    assert not Site.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_broken_copy_after_a_good_import_changes_nothing():
    run_import(DATA / "valid")
    before = snapshot_of_people()
    result = run_import(DATA / "broken_rows")
    assert result.rejected
    assert snapshot_of_people() == before


def test_skip_bad_rows_imports_the_good_rows_and_lists_the_bad():
    result = run_import(DATA / "broken_rows", skip_bad_rows=True)
    assert result.status == "done"
    assert people(result)["created"] == 2
    assert people(result)["errors"] == 8
    assert set(Person.objects.values_list("source_id", flat=True)) == {"u-1001", "t-2001"}
    assert [(e.line, e.field) for e in result.errors][:2] == [(3, "givenName"), (4, "role")]


def test_people_with_bad_rows_are_not_deactivated_as_missing():
    run_import(DATA / "valid")
    result = run_import(DATA / "broken_rows", skip_bad_rows=True)
    assert Person.objects.get(source_id="u-1002").active is True
    assert people(result)["deactivated"] == 9


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("missing_columns", "users.csv is missing the required columns role, familyName"),
        ("malformed", "users.csv is not valid CSV at line 5"),
        ("latin1", "users.csv line 4 is not valid UTF-8 text"),
        ("traversal.zip", "unsafe file path"),
    ],
)
def test_whole_file_problems_reject_with_one_clear_message(folder, message):
    result = run_import(DATA / folder)
    assert result.rejected
    assert message in result.message
    assert not Person.objects.exists()


def test_an_import_is_audited_as_one_entry_per_model_with_its_counts(leader):
    import_oneroster(source=DATA / "valid", skip_bad_rows=False, by=leader)
    entries = AuditEntry.objects.filter(action="import")
    assert entries.count() == 4
    person_entry = entries.get(content_type__model="person")
    assert person_entry.actor == leader
    assert person_entry.changes["created"] == 18
    assert person_entry.changes["file"] == "users.csv"
    assert not AuditEntry.objects.exclude(action="import").exists()


def test_a_dry_run_reports_the_counts_and_saves_nothing():
    result = run_import(DATA / "valid", dry_run=True)
    assert people(result)["created"] == 18
    assert not Person.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_import_run_records_status_counts_and_errors():
    run = ImportRun.objects.create(kind="oneroster", source_name="broken_rows")
    run_import(DATA / "broken_rows", run=run)
    run.refresh_from_db()
    assert run.status == "rejected"
    assert run.error_count == 8
    assert run.errors[0] == {
        "file": "users.csv", "line": 3, "field": "givenName",
        "reason": "givenName is required but empty",
    }  # fmt: skip
    assert run.counts["models"]["people"]["errors"] == 8
    assert run.finished_at is not None


def test_progress_is_reported_by_phase():
    calls = []
    run_import(DATA / "valid", progress=lambda phase, done, total: calls.append(phase))
    assert calls[0] == "Checking orgs.csv"
    assert "Checking users.csv" in calls
    assert "Writing people" in calls


def test_an_existing_hand_made_site_is_linked_instead_of_duplicated():
    site = make_site(name="Lincoln Elementary School", code="LINC")
    result = run_import(DATA / "valid")
    site.refresh_from_db()
    assert site.source_id == "s-0101"
    assert site.code == "LINC"
    assert result.counts["sites"].updated == 1
    assert Site.objects.count() == 3


def test_the_district_keeps_its_name_and_gets_its_source_id():
    make_district(name="Cedar Falls CSD")
    run_import(DATA / "valid")
    district = District.objects.get()
    assert (district.name, district.source_id) == ("Cedar Falls CSD", "d-1907380")


def test_users_may_refer_to_orgs_already_in_hatrack(tmp_path):
    run_import(DATA / "valid")
    folder = tmp_path / "users-only"
    folder.mkdir()
    shutil.copy(DATA / "valid" / "users.csv", folder / "users.csv")
    assert run_import(folder).changed == 0


def test_an_unexpected_error_marks_the_run_failed_and_propagates(monkeypatch):
    run = ImportRun.objects.create(kind="oneroster", source_name="valid")

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("hatrack.directory.imports.people.PeopleWriter.write", explode)
    with pytest.raises(RuntimeError):
        run_import(DATA / "valid", run=run)
    run.refresh_from_db()
    assert run.status == "failed"
    assert "disk on fire" in run.message


def test_names_with_backslashes_tabs_and_line_breaks_are_stored_exactly(tmp_path):
    folder = copy_valid(tmp_path)
    users = folder / "users.csv"
    text = users.read_text().replace("Liam,Nguyen,,", 'Li\\am,"Ngu\tyen","a\nb",')
    users.write_text(text)
    run_import(folder)
    liam = Person.objects.get(source_id="u-1002")
    assert (liam.given_name, liam.family_name, liam.middle_name) == ("Li\\am", "Ngu\tyen", "a\nb")
    assert run_import(folder).changed == 0


def test_a_school_missing_from_a_later_bulk_orgs_file_is_deactivated(tmp_path):
    run_import(DATA / "valid")
    folder = copy_valid(tmp_path)
    orgs = folder / "orgs.csv"
    orgs.write_text("".join(x for x in orgs.read_text().splitlines(True) if "s-0101" not in x))
    users = folder / "users.csv"
    users.write_text(users.read_text().replace("s-0101", "s-0102"))
    result = run_import(folder)
    assert result.counts["sites"].deactivated == 1
    assert Site.objects.get(source_id="s-0101").active is False
    assert Person.objects.get(source_id="u-1001").primary_site.source_id == "s-0102"
