"""The device export parsers: real Google Admin and Intune layouts, mapped spreadsheets,
and every kind of broken file giving a row error or one clear file error."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from hatrack.devices.importers import fields
from hatrack.devices.importers.formats import open_export
from hatrack.devices.importers.rows import DeviceFileError, DeviceRow, RowError
from hatrack.devices.importers.spreadsheet import guess_mapping, headers_of

DATA = Path(__file__).parent / "data"


def read(path: Path, format: str, mapping: dict[str, str] | None = None) -> list:
    with open_export(path, format=format, mapping=mapping) as parser:
        return list(parser)


def errors_of(results: list) -> list[RowError]:
    return [e for r in results if isinstance(r, list) for e in r]


def test_a_google_admin_export_gives_one_normalized_row_per_device():
    rows = read(DATA / "google_admin.csv", "google")
    assert [r.serial_number for r in rows] == [
        "5CD1234ABC", "5CD1234ABD", "PF2XK9QZ", "PF2XK9RA", "NXHQEAA0011",
    ]  # fmt: skip
    first = rows[0]
    assert first.line == 2
    assert first.asset_tag == "LHS-00412"
    assert (first.manufacturer, first.model, first.category) == (
        "HP", "HP Chromebook 11 G9 EE", "chromebook",
    )  # fmt: skip
    assert first.org_unit == "/Students/LHS/Grade 9"
    assert first.last_checkin_at == "2024-11-18T14:22:10.123000+00:00"
    assert first.auto_update_expiration == "2029-06-01"
    assert first.wifi_mac == "a0:b1:c2:d3:e4:f5"
    assert first.console_user == "ava.lopez@students.example.org"


def test_blank_lines_do_not_shift_line_numbers():
    rows = read(DATA / "google_admin.csv", "google")
    assert [r.line for r in rows] == [2, 3, 4, 6, 7]


def test_an_intune_export_gives_rows_with_the_kind_of_device_from_its_os():
    rows = read(DATA / "intune.csv", "intune")
    assert [(r.serial_number, r.category) for r in rows] == [
        ("5CG3301XYZ", "windows"),
        ("JH7K2L3", "windows"),
        ("C02FK1ABQ6L4", "mac"),
        ("DMPXK3ABCD12", "tablet"),
    ]
    dell = rows[1]
    assert dell.manufacturer == "Dell"
    assert dell.ethernet_mac == "f0:d1:e2:c3:b4:a5"
    assert dell.last_checkin_at == "2024-11-17T22:10:03+00:00"


def test_an_intune_export_inside_its_zip_is_read(tmp_path):
    archive = tmp_path / "DevicesWithInventory.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(DATA / "intune.csv", "DevicesWithInventory_0b1c.csv")
    assert len(read(archive, "intune")) == 4


def test_the_broken_google_export_names_each_bad_row_its_column_and_reason():
    errors = errors_of(read(DATA / "google_admin_broken.csv", "google"))
    assert [(e.line, e.column) for e in errors] == [
        (2, "Serial Number"), (3, "Last Sync"), (5, "Serial Number"),
    ]  # fmt: skip
    assert "not a serial number" in errors[0].reason
    assert "not a date and time" in errors[1].reason
    assert errors[2].reason == "Serial number PF2XK9QZ is also on line 4."


def test_the_broken_intune_export_names_a_bad_date_a_bad_mac_and_an_empty_serial():
    errors = errors_of(read(DATA / "intune_broken.csv", "intune"))
    assert [(e.line, e.column) for e in errors] == [
        (3, "Last check-in"), (4, "Wi-Fi MAC"), (5, "Serial number"),
    ]  # fmt: skip


def test_a_file_of_the_other_console_is_refused_with_the_format_it_looks_like():
    with pytest.raises(DeviceFileError, match="looks like a Microsoft Intune devices export"):
        read(DATA / "intune.csv", "google")
    with pytest.raises(DeviceFileError, match="looks like a Google Admin"):
        read(DATA / "google_admin.csv", "intune")


def test_an_export_missing_its_serial_number_column_is_refused():
    with pytest.raises(DeviceFileError, match="lacks “Serial Number”"):
        read(DATA / "google_admin_missing_column.csv", "google")


def test_a_file_that_is_no_device_export_is_refused():
    with pytest.raises(DeviceFileError, match="is not a Microsoft Intune devices export"):
        read(DATA / "not_a_device_export.csv", "intune")


def test_an_empty_file_is_refused(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DeviceFileError, match="no header row"):
        read(empty, "google")


def test_a_windows_1252_csv_is_decoded(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_bytes("Serial,Model,Notes\r\nABC123,Café Chromebook,x\r\n".encode("cp1252"))
    rows = read(path, "csv", {"serial_number": "Serial", "model": "Model"})
    assert rows[0].model == "Café Chromebook"


def test_a_utf16_csv_with_its_byte_order_mark_is_decoded(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_bytes("Serial,Model\r\nABC123,Chromebook\r\n".encode("utf-16"))
    assert read(path, "csv", {"serial_number": "Serial"})[0].serial_number == "ABC123"


def test_quoted_commas_and_line_breaks_stay_inside_their_value(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_text('Serial,Model\r\nABC123,"Lenovo, 300e\r\nGen 3"\r\nDEF456,X\r\n')
    rows = read(path, "csv", {"serial_number": "Serial", "model": "Model"})
    assert rows[0].model == "Lenovo, 300e Gen 3"
    assert rows[1].line == 4


def test_an_unclosed_quote_is_a_file_error_with_its_line(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_text('Serial,Model\r\nABC123,"Lenovo\r\n')
    with pytest.raises(DeviceFileError, match="not valid CSV at line 2"):
        read(path, "csv", {"serial_number": "Serial"})


def test_nul_bytes_are_a_file_error(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_bytes(b"Serial,Model\r\nABC\x00123,X\r\n")
    with pytest.raises(DeviceFileError, match="NUL bytes"):
        read(path, "csv", {"serial_number": "Serial"})


def test_an_xlsx_sheet_is_read_with_its_mapping(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Tag #", "Serial", "Purchased", "AUE"])
    sheet.append(["T-1", "abc 123", None, "2029-06"])
    sheet.append([None, None, None, None])
    sheet.append(["T-2", "DEF456", None, "Jun 2030"])
    path = tmp_path / "devices.xlsx"
    book.save(path)
    mapping = {"serial_number": "Serial", "asset_tag": "Tag #", "auto_update_expiration": "AUE"}
    rows = read(path, "csv", mapping)
    assert [(r.line, r.serial_number, r.asset_tag, r.auto_update_expiration) for r in rows] == [
        (2, "ABC123", "T-1", "2029-06-01"),
        (4, "DEF456", "T-2", "2030-06-01"),
    ]


def test_a_mapping_naming_a_column_the_file_lacks_is_refused():
    with pytest.raises(DeviceFileError, match="has no column “Tag”"):
        mapping = {"serial_number": "Serial Number", "asset_tag": "Tag"}
        read(DATA / "google_admin.csv", "csv", mapping)


def test_a_mapping_without_the_serial_number_is_refused():
    with pytest.raises(DeviceFileError, match="serial number"):
        read(DATA / "google_admin.csv", "csv", {"model": "Model"})


def test_unmapped_fields_are_not_among_the_fields_a_mapped_file_carries():
    with open_export(
        DATA / "google_admin.csv", format="csv", mapping={"serial_number": "Serial Number"}
    ) as parser:
        assert parser.fields == {"serial_number"}
        assert isinstance(next(iter(parser)), DeviceRow)


def test_the_mapping_form_offers_the_headers_and_a_first_guess():
    header = headers_of(DATA / "google_admin.csv")
    assert header[:3] == ["Serial Number", "Status", "Last Sync"]
    guess = guess_mapping(header)
    assert guess["serial_number"] == "Serial Number"
    assert guess["model"] == "Model"
    assert guess["org_unit"] == "Org Unit Path"
    assert guess["last_checkin_at"] == "Last Sync"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-15 14:22:10.0000000", "2024-03-15T14:22:10+00:00"),
        ("2024-03-15T14:22:10.123Z", "2024-03-15T14:22:10.123000+00:00"),
        ("3/15/2024 2:22:10 PM", "2024-03-15T14:22:10+00:00"),
        ("1710512530000", "2024-03-15T14:22:10+00:00"),
        ("0001-01-01 00:00:00.0000000", ""),
        ("Never", ""),
    ],
)
def test_console_dates_and_times_are_read_as_utc(text, expected):
    assert fields.date_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Jun 2029", "2029-06-01"), ("2029-06", "2029-06-01"), ("6/30/2029", "2029-06-30")],
)
def test_auto_update_expiration_dates_and_months_are_read(text, expected):
    assert fields.date(text) == expected


def test_a_date_that_is_no_date_is_refused_in_words():
    with pytest.raises(ValueError, match="is not a date"):
        fields.date("13/45/2029")


def _many_rows(path: Path, source: Path, copies: int, spoil: dict[int, tuple[int, str]]) -> None:
    """`copies` copies of the data rows of `source`, with unique serials and asset tags;
    `spoil` replaces cells: line -> (column, value)."""
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    header, body = lines[0], [line.split(",") for line in lines[1:] if '"' not in line]
    serial = header.split(",").index(next(h for h in header.split(",") if "erial" in h))
    out = [header]
    for n in range(copies):
        cells = list(body[n % len(body)])
        cells[serial] = f"SN{n:07d}"
        line = len(out) + 1
        if line in spoil:
            column, value = spoil[line]
            cells[column] = value
        out.append(",".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


@pytest.mark.parametrize("format", ["google", "intune"])
def test_reading_a_big_file_by_columns_gives_what_reading_row_by_row_gives(tmp_path, format):
    source = DATA / ("google_admin.csv" if format == "google" else "intune.csv")
    header = source.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    mac = next(i for i, h in enumerate(header) if "MAC" in h)
    serial = next(i for i, h in enumerate(header) if "erial" in h)
    path = tmp_path / "big.csv"
    # A bad MAC in the second batch, a serial repeated in the third, a short row in the last.
    _many_rows(path, source, 3500, {1500: (mac, "zz"), 2600: (serial, "SN0000007")})
    path.write_text(path.read_text() + "SHORT\n")
    fast = read(path, format)
    with open_export(path, format=format) as parser:
        slow = [parser.parse(line, cells) for line, cells in parser.table]
    assert fast == slow
    # (the short row has an Intune export's serial number column empty)
    assert [e.line for e in errors_of(fast)][:2] == [1500, 2600]
    assert len(fast) == 3501
