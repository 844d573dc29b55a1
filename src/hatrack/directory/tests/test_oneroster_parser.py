"""The OneRoster reader on its own: files, encodings, CSV damage and row validation."""

import codecs
import shutil
import zipfile
from pathlib import Path

import pytest

from hatrack.directory.importers.oneroster.files import OneRosterSet
from hatrack.directory.importers.oneroster.orgs import ORG_REQUIRED, OrgParser
from hatrack.directory.importers.oneroster.reader import CsvReader
from hatrack.directory.importers.oneroster.rows import (
    OneRosterFileError,
    RowError,
    Skipped,
    UserRow,
)
from hatrack.directory.importers.oneroster.users import USER_REQUIRED, UserParser, grade_code

DATA = Path(__file__).parent / "data" / "oneroster"
KNOWN_ORGS = {"d-1907380", "s-0101", "s-0102", "s-0103", "dep-tech"}


def users_of(folder: Path) -> list[UserRow | Skipped | list[RowError]]:
    with OneRosterSet.open(folder) as files:
        reader = CsvReader(files, "users.csv", required=USER_REQUIRED)
        parser = UserParser(reader, KNOWN_ORGS.__contains__, {})
        return [parser.parse(line, row) for line, row in reader]


def copy_valid(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(DATA / "valid", folder)
    return folder


def rewrite_users(folder: Path, data: bytes) -> None:
    (folder / "users.csv").write_bytes(data)


def file_error(folder: Path) -> OneRosterFileError:
    with pytest.raises(OneRosterFileError) as caught:
        users_of(folder)
    return caught.value


def test_the_valid_set_reads_every_user_as_a_typed_row_or_a_skipped_guardian():
    rows = users_of(DATA / "valid")
    people = [r for r in rows if isinstance(r, UserRow)]
    skipped = [r for r in rows if isinstance(r, Skipped)]
    assert len(people) == 18
    assert [s.source_id for s in skipped] == ["g-5001", "g-5002"]


def test_a_user_row_carries_its_line_names_lowercased_email_and_first_grade():
    rows = {r.source_id: r for r in users_of(DATA / "valid") if isinstance(r, UserRow)}
    zoe = rows["u-1003"]
    assert (zoe.line, zoe.given_name, zoe.family_name) == (4, "Zoë", "O'Brien")
    assert zoe.email == "zobrien33@cfschools.org"
    assert rows["u-1011"].grade == "12"
    assert rows["u-1010"].family_name == "Davis, Jr."
    assert rows["t-2002"].org_ids == ("s-0102", "s-0103")


def test_every_bad_row_is_reported_with_its_line_field_and_reason():
    errors = [e for r in users_of(DATA / "broken_rows") if isinstance(r, list) for e in r]
    found = {(e.line, e.field) for e in errors}
    assert found == {
        (3, "givenName"),
        (4, "role"),
        (5, "grades"),
        (6, "orgSourcedIds"),
        (7, "sourcedId"),
        (8, "email"),
        (9, "status"),
        (10, "dateLastModified"),
    }
    assert all(e.file == "users.csv" for e in errors)
    duplicate = next(e for e in errors if e.field == "sourcedId")
    assert "duplicate of line 2" in duplicate.reason


def test_a_row_with_the_wrong_number_of_values_is_a_row_error(tmp_path):
    folder = copy_valid(tmp_path)
    text = (folder / "users.csv").read_text().splitlines()
    text[2] = text[2] + ",surplus"
    rewrite_users(folder, "\n".join(text).encode())
    errors = [r for r in users_of(folder) if isinstance(r, list)]
    assert errors[0][0].line == 3
    assert "19 values but the header has 18 columns" in errors[0][0].reason


def test_a_tobedeleted_row_needs_only_its_sourced_id():
    rows = {r.source_id: r for r in users_of(DATA / "delta") if isinstance(r, UserRow)}
    assert rows["u-1002"].deleted is True


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    folder = copy_valid(tmp_path)
    rewrite_users(folder, codecs.BOM_UTF8 + (folder / "users.csv").read_bytes())
    assert len([r for r in users_of(folder) if isinstance(r, UserRow)]) == 18


def test_utf16_with_a_byte_order_mark_decodes(tmp_path):
    folder = copy_valid(tmp_path)
    rewrite_users(folder, (folder / "users.csv").read_text().encode("utf-16"))
    rows = [r for r in users_of(folder) if isinstance(r, UserRow)]
    assert rows[2].given_name == "Zoë"


def test_a_file_that_is_not_utf8_names_the_file_and_the_line():
    error = file_error(DATA / "latin1")
    assert error.message.startswith("users.csv line 4 is not valid UTF-8 text")
    assert error.line == 4


def test_an_undecodable_byte_far_into_a_file_reports_its_exact_line(tmp_path):
    folder = copy_valid(tmp_path)
    lines = (folder / "users.csv").read_bytes().splitlines(keepends=True)
    body = lines[:2] + lines[1:2] * 5000 + [b"u-x,active,,true,s-0101,student,a,,Jos\xe9,B\n"]
    rewrite_users(folder, b"".join(body))
    assert file_error(folder).line == 5003


def test_missing_required_columns_are_named():
    error = file_error(DATA / "missing_columns")
    assert "missing the required columns role, familyName" in error.message


def test_extra_columns_are_ignored(tmp_path):
    folder = copy_valid(tmp_path)
    lines = (folder / "users.csv").read_text().splitlines()
    widened = [lines[0] + ",favoriteColor"] + [line + ",blue" for line in lines[1:]]
    rewrite_users(folder, "\n".join(widened).encode())
    assert len([r for r in users_of(folder) if isinstance(r, UserRow)]) == 18


def test_an_unterminated_quote_is_a_clear_csv_error_at_the_record_where_it_starts():
    error = file_error(DATA / "malformed")
    assert error.message == (
        "users.csv is not valid CSV at line 5: a quoted value is never closed "
        "(the file ends inside quotes)."
    )


def test_nul_bytes_are_refused_as_not_plain_text(tmp_path):
    folder = copy_valid(tmp_path)
    rewrite_users(folder, (folder / "users.csv").read_bytes().replace(b"Liam", b"Li\x00am"))
    error = file_error(folder)
    assert "line 3 contains NUL bytes" in error.message


def test_an_empty_file_says_it_has_no_header(tmp_path):
    folder = copy_valid(tmp_path)
    rewrite_users(folder, b"")
    assert file_error(folder).message == "users.csv is empty: it has no header row."


def test_a_header_only_file_has_no_rows(tmp_path):
    folder = copy_valid(tmp_path)
    rewrite_users(folder, (folder / "users.csv").read_bytes().splitlines()[0] + b"\r\n")
    assert users_of(folder) == []


def test_a_huge_field_is_refused_without_reading_the_rest(tmp_path):
    folder = copy_valid(tmp_path)
    header = b"sourcedId,role,givenName,familyName,orgSourcedIds\n"
    rewrite_users(folder, header + b'u,"' + b"x" * 300_000)
    assert "longer than 131,072 characters" in file_error(folder).message


def test_a_runaway_line_is_refused(tmp_path):
    folder = copy_valid(tmp_path)
    rewrite_users(folder, b"sourcedId,role,givenName,familyName,orgSourcedIds\n" + b"x," * 600_000)
    assert "longer than 1,000,000 characters" in file_error(folder).message


def test_a_spreadsheet_saved_as_csv_is_recognised(tmp_path):
    folder = copy_valid(tmp_path)
    rewrite_users(folder, b"PK\x03\x04" + b"\x00" * 100)
    assert "spreadsheet or an archive, not a CSV file" in file_error(folder).message


def test_a_zip_is_read_even_with_its_files_in_a_subfolder():
    rows = users_of(DATA / "valid.zip")
    assert len([r for r in rows if isinstance(r, UserRow)]) == 18


def test_a_zip_with_a_path_traversal_member_is_rejected():
    with pytest.raises(OneRosterFileError, match=r"unsafe file path \('\.\./\.\./users\.csv'\)"):
        OneRosterSet.open(DATA / "traversal.zip")


def test_a_zip_bomb_is_rejected_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("users.csv", b"0" * (60 * 1024 * 1024))
    with pytest.raises(OneRosterFileError, match="zip bomb"):
        OneRosterSet.open(bomb)


def test_a_zip_damaged_at_the_start_of_a_file_is_rejected_in_words(tmp_path):
    damaged = tmp_path / "damaged.zip"
    shutil.copy(DATA / "valid.zip", damaged)
    with zipfile.ZipFile(damaged) as archive:
        member = next(i for i in archive.infolist() if i.filename.endswith("users.csv"))
    assert member.compress_type == zipfile.ZIP_DEFLATED
    # The compressed data starts after the 30-byte local header, its name and extra field.
    with damaged.open("r+b") as raw:
        raw.seek(member.header_offset + 26)
        name_length, extra_length = (int.from_bytes(raw.read(2), "little") for _ in range(2))
        raw.seek(member.header_offset + 30 + name_length + extra_length)
        raw.write(b"\xff" * 16)  # a deflate block of the reserved type: invalid at once
    with pytest.raises(OneRosterFileError, match=r"users\.csv in .* is damaged"):
        users_of(damaged)


def test_a_file_that_is_neither_zip_nor_csv_is_refused(tmp_path):
    upload = tmp_path / "roster.pdf"
    upload.write_bytes(b"%PDF-1.7")
    with pytest.raises(OneRosterFileError, match="neither a zip file nor a CSV file"):
        OneRosterSet.open(upload)


def test_a_folder_without_orgs_or_users_is_not_a_oneroster_export(tmp_path):
    (tmp_path / "classes.csv").write_text("sourcedId\n")
    with pytest.raises(OneRosterFileError, match=r"has no orgs\.csv or users\.csv"):
        OneRosterSet.open(tmp_path)


def test_the_manifest_says_which_files_are_delta():
    with OneRosterSet.open(DATA / "delta") as files:
        assert (files.mode("users.csv"), files.mode("orgs.csv")) == ("delta", "absent")


def test_without_a_manifest_present_files_are_bulk(tmp_path):
    folder = copy_valid(tmp_path)
    (folder / "manifest.csv").unlink()
    with OneRosterSet.open(folder) as files:
        assert files.mode("users.csv") == "bulk"


def test_a_manifest_promising_a_missing_file_is_refused(tmp_path):
    folder = copy_valid(tmp_path)
    (folder / "users.csv").unlink()
    with OneRosterSet.open(folder) as files, pytest.raises(OneRosterFileError, match="no users"):
        files.mode("users.csv")


def test_state_orgs_are_skipped_and_bad_org_types_are_errors(tmp_path):
    folder = copy_valid(tmp_path)
    with (folder / "orgs.csv").open("a") as orgs:
        orgs.write("x-1,active,,Bus Barn,garage,,\n")
    with OneRosterSet.open(folder) as files:
        reader = CsvReader(files, "orgs.csv", required=ORG_REQUIRED)
        parser = OrgParser(reader)
        parsed = [parser.parse(line, row) for line, row in reader]
    assert isinstance(parsed[5], Skipped)
    assert parsed[6][0].field == "type"


@pytest.mark.parametrize(
    ("value", "code"),
    [("KG", "KG"), ("kg", "KG"), ("3", "03"), ("09", "09"), ("other", "Other"), ("14", None)],
)
def test_grade_codes_are_read_in_their_ceds_spelling(value, code):
    assert grade_code(value) == code


def test_the_quick_path_and_the_checked_path_read_a_valid_row_the_same_way():
    with OneRosterSet.open(DATA / "valid") as files:
        reader = CsvReader(files, "users.csv", required=USER_REQUIRED)
        quick = UserParser(reader, KNOWN_ORGS.__contains__, {})
        checked = UserParser(reader, KNOWN_ORGS.__contains__, {})
        pairs = [(quick._fast(line, row), checked._checked(line, row)) for line, row in reader]
    compared = [(fast, slow) for fast, slow in pairs if fast is not None]
    assert len(compared) >= 15
    assert all(fast == slow for fast, slow in compared)


def test_windows_line_endings_spaces_and_capitals_are_read_like_the_plain_file(tmp_path):
    folder = copy_valid(tmp_path)
    text = (folder / "users.csv").read_text()
    messy = (
        text.replace("\n", "\r\n")
        .replace(",student,", ",Student,")
        .replace("s-0102,s-0103", "s-0102, s-0103")
    )
    rewrite_users(folder, messy.encode())
    plain = [r for r in users_of(DATA / "valid") if isinstance(r, UserRow)]
    assert [r for r in users_of(folder) if isinstance(r, UserRow)] == plain
