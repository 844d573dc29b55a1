"""Reading an uploaded export as a table: its header, then (line, cells) per record.

CSV is decoded from UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252
(what Excel writes as "CSV" on Windows); a .zip holding one CSV file (Intune's export
arrives so) is read from inside; XLSX is streamed with openpyxl's read-only mode, first
sheet. Blank lines are skipped. Malformed CSV, NUL bytes, runaway lines and undecodable
text each become one `DeviceFileError` naming the line. `done` and `total` measure
progress (bytes for CSV, rows for XLSX).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from hatrack.devices.importers.rows import DeviceFileError

MAX_LINE_CHARS = 100_000
_ZIP_MAGIC = b"PK\x03\x04"


class Table:
    """One export file as header + records; open with `open_table(path)`, then iterate."""

    name: str
    header: list[str]
    total: int

    @property
    def done(self) -> int:
        raise NotImplementedError

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_table(path: Path, *, name: str = "") -> Table:
    """The table of the file at `path` (CSV, XLSX, or a zip holding one CSV)."""
    label = name or path.name
    try:
        with path.open("rb") as probe:
            head = probe.read(4)
    except OSError as exc:
        raise DeviceFileError(f"{label} cannot be read ({exc.strerror}).") from exc
    if head == _ZIP_MAGIC:
        return _open_zip(path, label)
    stream = path.open("rb")
    try:
        return CsvTable(stream, label, path.stat().st_size)
    except BaseException:
        stream.close()
        raise


def _open_zip(path: Path, label: str) -> Table:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DeviceFileError(f"{label} is a damaged zip or XLSX file ({exc}).") from exc
    names = archive.namelist()
    if "[Content_Types].xml" in names:
        archive.close()
        return XlsxTable(path, label)
    csvs = [info for info in archive.infolist() if info.filename.lower().endswith(".csv")]
    if len(csvs) != 1:
        archive.close()
        raise DeviceFileError(
            f"{label} is a zip file with {len(csvs)} CSV files; it should hold exactly one "
            "(the export)."
        )
    try:
        member = archive.open(csvs[0])
        return CsvTable(member, f"{label} ({csvs[0].filename})", csvs[0].file_size, archive)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
        archive.close()
        raise DeviceFileError(f"{label} cannot be opened ({exc}).") from exc
    except BaseException:
        archive.close()
        raise


class _Counting(io.RawIOBase):
    """Counts the bytes read from a binary stream, for a progress bar in bytes."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def _sniff_encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut multi-byte character at the end of the sample is still UTF-8.
        if exc.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


class CsvTable(Table):
    def __init__(
        self, stream: IO[bytes], name: str, total: int, archive: zipfile.ZipFile | None = None
    ) -> None:
        self.name, self.total = name, total
        self._stream, self._archive = stream, archive
        self._counter = _Counting(stream)
        buffered = io.BufferedReader(self._counter, buffer_size=1 << 16)
        self.encoding = _sniff_encoding(buffered.peek(1 << 14)[: 1 << 14])
        self._text = io.TextIOWrapper(buffered, encoding=self.encoding, newline="")
        self._reader = csv.reader(self._lines(), strict=True)
        self._last = 0
        first = self._next_record()
        if first is None:
            raise DeviceFileError(f"{name} is empty: it has no header row.", line=1)
        self.header = [cell.strip().lstrip("\ufeff").strip() for cell in first[1]]

    @property
    def done(self) -> int:
        return self._counter.count

    def _lines(self) -> Iterator[str]:
        number = 0
        readline = self._text.readline
        while line := readline(MAX_LINE_CHARS):
            number += 1
            if "\x00" in line:
                raise DeviceFileError(
                    f"{self.name} line {number} contains NUL bytes: it is not a plain-text "
                    "CSV file. Export it as CSV (UTF-8), or upload the .xlsx file.",
                    line=number,
                )
            if len(line) >= MAX_LINE_CHARS and line[-1] not in "\r\n":
                raise DeviceFileError(
                    f"{self.name} line {number} is longer than {MAX_LINE_CHARS:,} characters; "
                    "it is not a device row.",
                    line=number,
                )
            yield line

    def _next_record(self) -> tuple[int, list[str]] | None:
        try:
            while True:
                row = next(self._reader, None)
                if row is None:
                    return None
                line, self._last = self._last + 1, self._reader.line_num
                if row and (len(row) > 1 or row[0].strip()):
                    return line, row
        except csv.Error as exc:
            raise DeviceFileError(
                f"{self.name} is not valid CSV at line {self._last + 1}: {exc}.",
                line=self._last + 1,
            ) from exc
        except UnicodeDecodeError as exc:
            raise DeviceFileError(
                f"{self.name} near line {self._last + 1} is not valid {self.encoding} text. "
                "Save the file as CSV UTF-8 and upload it again.",
                line=self._last + 1,
            ) from exc

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        while (record := self._next_record()) is not None:
            yield record

    def close(self) -> None:
        self._text.close()
        self._stream.close()
        if self._archive is not None:
            self._archive.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class XlsxTable(Table):
    def __init__(self, path: Path, name: str) -> None:
        from openpyxl import load_workbook

        self.name = name
        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise DeviceFileError(f"{name} is not a readable XLSX workbook ({exc}).") from exc
        sheet = self._book.worksheets[0] if self._book.worksheets else None
        if sheet is None:
            raise DeviceFileError(f"{name} has no worksheet.")
        self.total = max(int(sheet.max_row or 0) - 1, 0)
        self._rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        self._done = 0
        first = self._next_record()
        if first is None:
            raise DeviceFileError(f"{name} is empty: its first sheet has no header row.", line=1)
        self.header = [cell.strip() for cell in first[1]]
        while self.header and not self.header[-1]:
            self.header.pop()

    @property
    def done(self) -> int:
        return self._done

    def _next_record(self) -> tuple[int, list[str]] | None:
        for line, values in self._rows:
            self._done = line - 1
            cells = [_cell(value) for value in values]
            if any(cell.strip() for cell in cells):
                return line, cells
        return None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        while (record := self._next_record()) is not None:
            yield record

    def close(self) -> None:
        self._book.close()
