"""Reading one CSV file of a set: its header, then its records, streamed.

Malformed CSV, undecodable bytes, NUL bytes, runaway lines, a damaged zip member and
missing required columns each become one `OneRosterFileError` naming the file and line.
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from hatrack.directory.importers.oneroster.rows import OneRosterFileError

if TYPE_CHECKING:
    from hatrack.directory.importers.oneroster.files import CountingReader, OneRosterSet

# A physical line longer than this is not a roster row: stop before it fills memory.
MAX_LINE_CHARS = 1_000_000
# What reading a damaged zip member raises.
# What reading a damaged zip member raises, at any point of the file.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError)
_CSV_REASONS = {
    "unexpected end of data": "a quoted value is never closed (the file ends inside quotes)",
    "field larger than field limit": (
        "a value is longer than 131,072 characters (an unclosed quote can cause this)"
    ),
    "expected after": (
        'a quote inside a value is not doubled ("") or text follows a closing quote'
    ),
}


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    for key, reason in _CSV_REASONS.items():
        if key in text:
            return reason
    return text


class CsvReader:
    """One CSV file of a set: checks its header, then yields (line, values) per record.

    Blank lines are skipped. `done` and `total` are in bytes, for progress bars.
    """

    def __init__(self, files: OneRosterSet, name: str, *, required: tuple[str, ...]) -> None:
        self.files = files
        self.name = name
        self.required = required
        self.total = files.size(name)
        self.columns: dict[str, int] = {}
        self.width = 0
        self._counter: CountingReader | None = None
        self._check_header()

    @property
    def done(self) -> int:
        return self._counter.count if self._counter else 0

    def column(self, name: str) -> int | None:
        return self.columns.get(name.lower())

    def columns_for(self, *names: str) -> tuple[int, ...]:
        return tuple(self.columns[name.lower()] for name in names)

    def _check_header(self) -> None:
        for _ in self._records(header_only=True):
            pass

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._records(header_only=False)

    def _records(self, *, header_only: bool) -> Iterator[tuple[int, list[str]]]:
        last = 0
        with self.files.open_text(self.name) as (text, counter):
            self._counter = counter
            reader = csv.reader(self._lines(text), strict=True)
            try:
                self._read_header(next(reader, None))
                if header_only:
                    return
                last = reader.line_num
                for row in reader:
                    line, last = last + 1, reader.line_num
                    if row and (len(row) > 1 or row[0].strip()):
                        yield line, row
            except (csv.Error, UnicodeDecodeError, *DAMAGED) as exc:
                raise self._file_error(exc, line=last + 1) from exc

    def _file_error(self, exc: Exception, *, line: int) -> OneRosterFileError:
        """The uploader's message for malformed CSV (at `line`), text that does not decode,
        or a damaged zip member."""
        if isinstance(exc, csv.Error):
            return OneRosterFileError(
                f"{self.name} is not valid CSV at line {line}: {_csv_reason(exc)}.",
                file=self.name,
                line=line,
            )
        if isinstance(exc, UnicodeDecodeError):
            bad = self.files.decode_error_line(self.name)
            return OneRosterFileError(
                f"{self.name} line {bad} is not valid {_encoding_label(exc)} text. "
                "Save the file as CSV UTF-8 and import it again.",
                file=self.name,
                line=bad,
            )
        return OneRosterFileError(
            f"{self.name} in {self.files.label} is damaged ({exc}).", file=self.name
        )

    def _lines(self, text: IO[str]) -> Iterator[str]:
        number = 0
        readline = text.readline
        while line := readline(MAX_LINE_CHARS):
            number += 1
            if "\x00" in line:
                raise OneRosterFileError(
                    f"{self.name} line {number} contains NUL bytes, so it is not a plain-text "
                    "CSV (a spreadsheet, or UTF-16 without a byte order mark?). "
                    "Export it as CSV UTF-8.",
                    file=self.name,
                    line=number,
                )
            if len(line) >= MAX_LINE_CHARS and line[-1] not in "\r\n":
                raise OneRosterFileError(
                    f"{self.name} line {number} is longer than {MAX_LINE_CHARS:,} characters; "
                    "it is not a roster row.",
                    file=self.name,
                    line=number,
                )
            yield line

    def _read_header(self, header: list[str] | None) -> None:
        if header is None:
            raise OneRosterFileError(
                f"{self.name} is empty: it has no header row.", file=self.name, line=1
            )
        names = [cell.strip().lstrip("\ufeff").strip() for cell in header]
        self.width = len(names)
        self.columns = {}
        for index, cell in enumerate(names):
            self.columns.setdefault(cell.lower(), index)
        missing = [name for name in self.required if name.lower() not in self.columns]
        if missing:
            raise OneRosterFileError(
                f"{self.name} is missing the required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (line 1 is the header row).",
                file=self.name,
                line=1,
            )


def _encoding_label(exc: UnicodeDecodeError) -> str:
    return "UTF-16" if "16" in exc.encoding else "UTF-32" if "32" in exc.encoding else "UTF-8"
