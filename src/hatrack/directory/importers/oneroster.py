"""OneRoster 1.1 CSV: open a folder or a zip, stream its files, validate rows into typed rows.

What this module promises:
- Files are streamed: a 100 MB users.csv is read a line at a time through the standard
  library `csv` module over a decoded text stream, never loaded whole.
- Encodings: UTF-8 with or without a byte order mark, UTF-16/32 with one. Anything that
  does not decode is a `OneRosterFileError` naming the file and the line.
- Whole-file problems (not a zip or CSV, unsafe zip member names, zip bombs, malformed CSV,
  NUL bytes, missing columns, empty files, runaway lines) raise `OneRosterFileError` with
  one message written for the person who uploaded the file.
- Row problems become `RowError(file, line, field, reason)`; the line is the physical
  line where the record starts (the header is line 1). Extra columns are ignored.
- Rows the product deliberately does not keep (guardians, parents: privacy) are `Skipped`.

Nothing here touches the database: the service in `directory.import_services` looks up
what exists and applies the rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal, NamedTuple

from hatrack.directory.models import Grade, Person

# A physical line longer than this is not a roster row: stop before it fills memory.
MAX_LINE_CHARS = 1_000_000
# Zip members: a roster export has a dozen files; a huge count or ratio is an attack.
MAX_ZIP_MEMBERS = 500
MAX_MEMBER_BYTES = 8 * 1024**3
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM_BYTES = 20 * 1024 * 1024

Mode = Literal["bulk", "delta", "absent"]
ONEROSTER_FILES = (
    "manifest.csv",
    "orgs.csv",
    "users.csv",
    "academicSessions.csv",
    "classes.csv",
    "courses.csv",
    "enrollments.csv",
    "demographics.csv",
    "lineItems.csv",
    "results.csv",
    "categories.csv",
    "resources.csv",
    "classResources.csv",
    "courseResources.csv",
    "userResources.csv",
)
KNOWN_FILE_NAMES = frozenset(name.lower() for name in ONEROSTER_FILES)


class OneRosterFileError(Exception):
    """A problem with a whole file or archive; the message is meant for the uploader."""

    def __init__(self, message: str, *, file: str = "", line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad row (or one field of it): where it is and what is wrong, in words."""

    file: str
    line: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Skipped:
    """A valid row that Hatrack deliberately does not store (a guardian, a state org)."""

    line: int
    source_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class OrgRow:
    line: int
    source_id: str
    deleted: bool
    modified: datetime.datetime | None
    type: str
    name: str
    identifier: str
    parent_id: str


class UserRow(NamedTuple):
    """A valid person row. A plain tuple of built-in values, so a batch of them can be
    spooled to disk with `marshal` between the checking and the writing pass.
    `modified` is dateLastModified in ISO form ("" when absent)."""

    line: int
    source_id: str
    deleted: bool
    modified: str
    role: str
    username: str
    given_name: str
    middle_name: str
    family_name: str
    identifier: str
    email: str
    grade: str
    org_ids: tuple[str, ...]
    fingerprint: str


# --- Opening a folder or a zip ---------------------------------------------------


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from a binary stream, for a progress bar in bytes."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size

    def close(self) -> None:
        self._stream.close()
        super().close()


def _unsafe_member_name(name: str) -> bool:
    """Absolute paths, drive letters, backslashes and `..` could escape an extraction folder."""
    if "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in PurePosixPath(name).parts


def _sniff_encoding(head: bytes, name: str) -> str:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise OneRosterFileError(
            f"{name} is a spreadsheet or an archive, not a CSV file. "
            "Export it from the SIS (or save it from the spreadsheet) as CSV, UTF-8.",
            file=name,
        )
    return "utf-8-sig"  # also reads plain UTF-8: the BOM is optional


class OneRosterSet:
    """The CSV files of one OneRoster export, from a folder, a zip, or a single CSV file.

    Files are found by name, case-insensitively (`Users.csv` is `users.csv`); in a zip they
    may sit in one sub-folder. Use as a context manager so a zip is closed.
    """

    def __init__(
        self, label: str, members: dict[str, Path | zipfile.ZipInfo], archive: Any = None
    ) -> None:
        self.label = label
        self._members = members
        self._zip: zipfile.ZipFile | None = archive
        self._manifest: dict[str, str] | None = None

    @classmethod
    def open(cls, path: Path) -> OneRosterSet:
        """Open `path`; raises OneRosterFileError when it is not a usable OneRoster set."""
        path = Path(path)
        if path.is_dir():
            return cls._open_folder(path)
        if not path.is_file():
            raise OneRosterFileError(f"{path} does not exist.")
        if zipfile.is_zipfile(path):
            return cls._open_zip(path)
        if path.suffix.lower() == ".csv":
            return cls._open_csv(path)
        raise OneRosterFileError(
            f"{path.name} is neither a zip file nor a CSV file. "
            "Upload the OneRoster export as a .zip, or its CSV files."
        )

    @classmethod
    def _open_folder(cls, path: Path) -> OneRosterSet:
        members: dict[str, Path | zipfile.ZipInfo] = {
            child.name.lower(): child
            for child in sorted(path.iterdir())
            if child.is_file() and child.name.lower() in KNOWN_FILE_NAMES
        }
        return cls._checked(cls(path.name, members))

    @classmethod
    def _open_csv(cls, path: Path) -> OneRosterSet:
        if path.name.lower() not in KNOWN_FILE_NAMES:
            raise OneRosterFileError(
                f"{path.name} is not a OneRoster file name. Name it orgs.csv or users.csv, "
                "or import the whole export folder or zip."
            )
        return cls._checked(cls(path.name, {path.name.lower(): path}))

    @classmethod
    def _open_zip(cls, path: Path) -> OneRosterSet:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise OneRosterFileError(f"{path.name} is not a readable zip file ({exc}).") from exc
        try:
            members = cls._zip_members(archive, path.name)
        except OneRosterFileError:
            archive.close()
            raise
        return cls._checked(cls(path.name, members, archive))

    @staticmethod
    def _zip_members(archive: zipfile.ZipFile, label: str) -> dict[str, Path | zipfile.ZipInfo]:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise OneRosterFileError(
                f"{label} holds {len(infos):,} files; a OneRoster export has a few dozen at most."
            )
        members: dict[str, Path | zipfile.ZipInfo] = {}
        for info in infos:
            if _unsafe_member_name(info.filename):
                raise OneRosterFileError(
                    f"{label} was rejected: it contains an unsafe file path "
                    f"({info.filename!r}) that points outside the archive."
                )
            base = PurePosixPath(info.filename).name
            if info.is_dir() or info.filename.startswith("__MACOSX/") or base.startswith("."):
                continue
            if base.lower() not in KNOWN_FILE_NAMES:
                continue
            _check_zip_member(info, label)
            if base.lower() in members:
                raise OneRosterFileError(f"{label} contains {base} twice; keep only one.")
            members[base.lower()] = info
        return members

    @staticmethod
    def _checked(found: OneRosterSet) -> OneRosterSet:
        if not (found.has("orgs.csv") or found.has("users.csv")):
            found.close()
            raise OneRosterFileError(
                f"{found.label} has no orgs.csv or users.csv: "
                "it does not look like a OneRoster 1.1 CSV export."
            )
        return found

    def __enter__(self) -> OneRosterSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def has(self, name: str) -> bool:
        return name.lower() in self._members

    def size(self, name: str) -> int:
        member = self._members[name.lower()]
        if isinstance(member, zipfile.ZipInfo):
            return member.file_size
        return member.stat().st_size

    def _open_binary(self, name: str) -> IO[bytes]:
        member = self._members[name.lower()]
        if isinstance(member, zipfile.ZipInfo):
            if self._zip is None:
                raise OneRosterFileError(f"{self.label} is closed.", file=name)
            try:
                return self._zip.open(member)
            except (RuntimeError, NotImplementedError, zipfile.BadZipFile) as exc:
                raise OneRosterFileError(
                    f"{name} in {self.label} cannot be read ({exc}). "
                    "Create the zip again without a password.",
                    file=name,
                ) from exc
        return member.open("rb")

    @contextmanager
    def open_text(self, name: str) -> Iterator[tuple[IO[str], _CountingReader]]:
        """The decoded text of a file, and the counter of bytes read so far."""
        counter = _CountingReader(self._open_binary(name))
        buffered = io.BufferedReader(counter, buffer_size=1 << 16)
        try:
            encoding = _sniff_encoding(buffered.peek(4)[:4], name)
            text = io.TextIOWrapper(buffered, encoding=encoding, errors="strict", newline="")
            yield text, counter
        finally:
            buffered.close()

    def decode_error_line(self, name: str) -> int:
        """The line holding the first byte that does not decode (for the error message)."""
        line = 1
        with self._open_binary(name) as raw:
            head = raw.read(4)
            encoding = _sniff_encoding(head, name)
            decoder = codecs.getincrementaldecoder(encoding)()
            chunk = head
            while chunk:
                try:
                    line += decoder.decode(chunk).count("\n")
                except UnicodeDecodeError as exc:
                    good = exc.object[: exc.start]
                    return line + bytes(good).count(b"\n")
                chunk = raw.read(1 << 20)
        return line

    def manifest(self) -> dict[str, str]:
        """manifest.csv as propertyName -> value (empty when there is no manifest)."""
        if self._manifest is None:
            self._manifest = {}
            if self.has("manifest.csv"):
                reader = CsvReader(self, "manifest.csv", required=("propertyName", "value"))
                name_at, value_at = reader.columns_for("propertyName", "value")
                for _line, row in reader:
                    if len(row) > max(name_at, value_at):
                        self._manifest[row[name_at].strip().lower()] = row[value_at].strip()
        return self._manifest

    def mode(self, name: str) -> Mode:
        """bulk, delta or absent, from the manifest; a file without a manifest entry is bulk.

        OneRoster 1.1 makes the manifest mandatory; exports without one are full
        (bulk) exports in practice, so that is what a missing entry means here.
        """
        stem = name.lower().removesuffix(".csv")
        declared = self.manifest().get(f"file.{stem}", "").lower()
        if declared not in ("", "bulk", "delta", "absent"):
            raise OneRosterFileError(
                f"manifest.csv gives file.{stem} the value {declared!r}; "
                "it must be bulk, delta or absent.",
                file="manifest.csv",
            )
        if declared == "absent":
            return "absent"
        if not self.has(name):
            if declared in ("bulk", "delta"):
                raise OneRosterFileError(
                    f"manifest.csv lists {name} as {declared}, but {self.label} has no {name}.",
                    file="manifest.csv",
                )
            return "absent"
        return "delta" if declared == "delta" else "bulk"


def _check_zip_member(info: zipfile.ZipInfo, label: str) -> None:
    if info.flag_bits & 0x1:
        raise OneRosterFileError(
            f"{info.filename} in {label} is password protected. "
            "Create the zip again without a password."
        )
    if info.file_size > MAX_MEMBER_BYTES:
        raise OneRosterFileError(
            f"{info.filename} in {label} would unpack to {info.file_size:,} bytes; "
            "that is far larger than any roster and was rejected."
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
        raise OneRosterFileError(
            f"{info.filename} in {label} unpacks {ratio:,.0f} times larger than it is "
            "compressed (a zip bomb?) and was rejected."
        )


# --- Reading CSV records ----------------------------------------------------------

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
        self._counter: _CountingReader | None = None
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
            except csv.Error as exc:
                line = last + 1
                raise OneRosterFileError(
                    f"{self.name} is not valid CSV at line {line}: {_csv_reason(exc)}.",
                    file=self.name,
                    line=line,
                ) from exc
            except UnicodeDecodeError as exc:
                bad = self.files.decode_error_line(self.name)
                raise OneRosterFileError(
                    f"{self.name} line {bad} is not valid {_encoding_label(exc)} text. "
                    "Save the file as CSV UTF-8 and import it again.",
                    file=self.name,
                    line=bad,
                ) from exc
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise OneRosterFileError(
                    f"{self.name} in {self.files.label} is damaged ({exc}).", file=self.name
                ) from exc

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


# --- Validating rows -------------------------------------------------------------

STATUSES = {"": False, "active": False, "tobedeleted": True, "inactive": True}
ORG_TYPES = ("district", "school", "department", "local", "state", "national")
NOT_STORED_ORG_TYPES = {"local", "state", "national"}
ROLES: dict[str, str] = {  # plain strings: rows are spooled with marshal
    "student": Person.Role.STUDENT.value,
    "teacher": Person.Role.TEACHER.value,
    "administrator": Person.Role.ADMINISTRATOR.value,
    "aide": Person.Role.AIDE.value,
    "staff": Person.Role.STAFF.value,
    # OneRoster 1.2 spellings, so a newer export still lands where it belongs.
    "districtadministrator": Person.Role.ADMINISTRATOR.value,
    "siteadministrator": Person.Role.ADMINISTRATOR.value,
    "systemadministrator": Person.Role.ADMINISTRATOR.value,
    "principal": Person.Role.ADMINISTRATOR.value,
    "counselor": Person.Role.STAFF.value,
}
# Family members are never stored (privacy); proctors are not district people.
NOT_STORED_ROLES = {"guardian", "parent", "relative", "proctor"}
ENABLED_VALUES = {"", "true", "false", "1", "0", "yes", "no"}
_GRADES_BY_UPPER = {code.upper(): code for code in Grade.values}
# Exact spellings accepted without further work: 'KG', 'kg', '03', '3'.
_GRADE_SPELLINGS = {
    **{code: code for code in Grade.values},
    **{code.lower(): code for code in Grade.values},
    **{str(n): f"{n:02d}" for n in range(1, 14)},
}
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+$")

ORG_REQUIRED = ("sourcedId", "name", "type")
USER_REQUIRED = ("sourcedId", "orgSourcedIds", "role", "givenName", "familyName")


def grade_code(value: str) -> str | None:
    """A CEDS grade code in its canonical spelling ('kg' -> 'KG', '3' -> '03'), or None."""
    code = _GRADES_BY_UPPER.get(value.upper())
    if code:
        return code
    if value.isdigit() and 1 <= int(value) <= 13:
        return f"{int(value):02d}"
    return None


class _DateCache(dict[str, str | None]):
    """Raw dateLastModified -> normalized ISO text (None when invalid), remembered.

    Exports stamp many rows with the same time; the cache stays small either way.
    """

    def __missing__(self, raw: str) -> str | None:
        try:
            value: str | None = parse_modified(raw).isoformat() if raw else ""
        except ValueError:
            value = None
        if len(self) < 10_000:
            self[raw] = value
        return value


def parse_modified(value: str) -> datetime.datetime:
    """dateLastModified (ISO 8601; a date alone is midnight UTC). Raises ValueError."""
    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


class _RowCheck:
    """Collects the errors of one row while its fields are read."""

    __slots__ = ("errors", "file", "line", "row")

    def __init__(self, file: str, line: int, row: list[str]) -> None:
        self.file, self.line, self.row = file, line, row
        self.errors: list[RowError] = []

    def fail(self, field: str, reason: str) -> None:
        self.errors.append(RowError(self.file, self.line, field, reason))

    def text(self, index: int | None, field: str, *, limit: int, required: bool = False) -> str:
        value = self.row[index].strip() if index is not None else ""
        if required and not value:
            self.fail(field, f"{field} is required but empty")
        elif len(value) > limit:
            self.fail(field, f"{field} is longer than {limit} characters")
        return value


def _check_width(check: _RowCheck, width: int) -> bool:
    if len(check.row) != width:
        check.fail("", f"the row has {len(check.row)} values but the header has {width} columns")
        return False
    return True


def _status_and_date(
    check: _RowCheck, status_at: int | None, date_at: int | None
) -> tuple[bool, datetime.datetime | None]:
    status = check.row[status_at].strip().lower() if status_at is not None else ""
    deleted = STATUSES.get(status)
    if deleted is None:
        check.fail("status", f"status {status!r} is not active or tobedeleted")
        deleted = False
    raw = check.row[date_at].strip() if date_at is not None else ""
    modified = None
    if raw:
        try:
            modified = parse_modified(raw)
        except ValueError:
            check.fail("dateLastModified", f"dateLastModified {raw!r} is not an ISO 8601 date")
    return deleted, modified


def _source_id(check: _RowCheck, index: int, seen: dict[str, int]) -> str:
    source_id = check.text(index, "sourcedId", limit=255, required=True)
    if source_id:
        first = seen.setdefault(source_id, check.line)
        if first != check.line:
            check.fail("sourcedId", f"sourcedId {source_id!r} is a duplicate of line {first}")
    return source_id


class OrgParser:
    """Validates orgs.csv rows into OrgRow, Skipped or a list of RowError."""

    def __init__(self, reader: CsvReader) -> None:
        self.reader = reader
        self.seen: dict[str, int] = {}
        self._at = {name: reader.column(name) for name in _ORG_COLUMNS}

    def parse(self, line: int, row: list[str]) -> OrgRow | Skipped | list[RowError]:
        check = _RowCheck(self.reader.name, line, row)
        if not _check_width(check, self.reader.width):
            return check.errors
        at = self._at
        source_id = _source_id(check, at["sourcedid"], self.seen)  # type: ignore[arg-type]
        deleted, modified = _status_and_date(check, at["status"], at["datelastmodified"])
        kind = row[at["type"]].strip().lower()  # type: ignore[index]
        name = check.text(at["name"], "name", limit=200, required=not deleted)
        if kind not in ORG_TYPES and not (deleted and not kind):
            check.fail("type", f"org type {kind!r} is not one of {', '.join(ORG_TYPES)}")
        identifier = check.text(at["identifier"], "identifier", limit=255)
        parent_id = check.text(at["parentsourcedid"], "parentSourcedId", limit=255)
        if check.errors:
            return check.errors
        if kind in NOT_STORED_ORG_TYPES:
            return Skipped(line, source_id, f"{kind} orgs are not stored")
        return OrgRow(line, source_id, deleted, modified, kind, name, identifier, parent_id)


_ORG_COLUMNS = (
    "sourcedid",
    "status",
    "datelastmodified",
    "name",
    "type",
    "identifier",
    "parentsourcedid",
)
_USER_COLUMNS = (
    "sourcedid",
    "status",
    "datelastmodified",
    "enableduser",
    "orgsourcedids",
    "role",
    "username",
    "givenname",
    "familyname",
    "middlename",
    "identifier",
    "email",
    "grades",
)


def _fingerprint(*values: str) -> str:
    return hashlib.blake2b("\x1f".join(values).encode(), digest_size=16).hexdigest()


class UserParser:
    """Validates users.csv rows into UserRow, Skipped or a list of RowError.

    `known_org` says whether an org sourcedId exists (in orgs.csv or already in Hatrack).
    `seen` maps each sourcedId to the line it first appeared on; pass the same dict to a
    second reading of the file and the same rows come out the same way.
    """

    def __init__(
        self, reader: CsvReader, known_org: Callable[[str], bool], seen: dict[str, int]
    ) -> None:
        self.reader = reader
        self.known_org = known_org
        self.seen = seen
        self._at = {name: reader.column(name) for name in _USER_COLUMNS}
        # Missing optional columns read the "" appended after the last value.
        self._fields = itemgetter(
            *(reader.width if self._at[name] is None else self._at[name] for name in _USER_COLUMNS)
        )
        self._dates = _DateCache()

    def parse(self, line: int, row: list[str]) -> UserRow | Skipped | list[RowError]:
        if len(row) == self.reader.width:
            fast = self._fast(line, row)
            if fast is not None:
                return fast
        return self._checked(line, row)

    def _fast(self, line: int, row: list[str]) -> UserRow | None:
        """The common case, a plain valid student or staff row, in a few C calls.

        Anything unusual (an error, a deletion, a guardian, several grades) returns None
        and goes through `_checked`, which reports errors field by field. Both paths
        return the same UserRow for the same valid row.
        """
        values = self._fields([*row, ""])
        (
            sid, status, stamp, enabled, orgs, role_text, username, given, family, middle,
            identifier, email, grades,
        ) = map(str.strip, values)  # fmt: skip
        role = ROLES.get(role_text.lower())
        modified = self._dates[stamp]
        email = email.lower()
        grade = _GRADE_SPELLINGS.get(grades) if grades else ""
        if role is None or modified is None or grade is None:
            return None
        ok = (
            STATUSES.get(status.lower()) is False
            and 0 < len(sid) <= 255
            and 0 < len(given) <= 100
            and 0 < len(family) <= 100
            and len(middle) <= 100
            and len(username) <= 150
            and len(identifier) <= 64
            and (not email or (len(email) <= 254 and _EMAIL.match(email) is not None))
            and enabled.lower() in ENABLED_VALUES
        )
        if not ok or not orgs:
            return None
        org_ids = (orgs,) if "," not in orgs else tuple(o.strip() for o in orgs.split(","))
        known = self.known_org
        if not all(o and known(o) for o in org_ids) or self.seen.setdefault(sid, line) != line:
            return None
        fingerprint = _fingerprint(
            sid, "active", modified, role, username, given, middle, family,
            identifier, email, grade, ",".join(org_ids),
        )  # fmt: skip
        return UserRow(
            line, sid, False, modified, role, username, given, middle, family, identifier,
            email, grade, org_ids, fingerprint,
        )  # fmt: skip

    def _checked(self, line: int, row: list[str]) -> UserRow | Skipped | list[RowError]:
        check = _RowCheck(self.reader.name, line, row)
        if not _check_width(check, self.reader.width):
            return check.errors
        at = self._at
        source_id = _source_id(check, at["sourcedid"], self.seen)  # type: ignore[arg-type]
        deleted, modified = _status_and_date(check, at["status"], at["datelastmodified"])
        role_text = row[at["role"]].strip().lower()  # type: ignore[index]
        if role_text in NOT_STORED_ROLES and not check.errors:
            return Skipped(line, source_id, f"{role_text} rows are not stored (privacy)")
        if deleted:
            return check.errors or self._deleted(check, source_id, modified)
        return self._person(check, source_id, modified, role_text)

    @staticmethod
    def _deleted(check: _RowCheck, source_id: str, modified: datetime.datetime | None) -> UserRow:
        stamp = modified.isoformat() if modified else ""
        return UserRow(
            check.line, source_id, True, stamp, "", "", "", "", "", "", "", "", (),
            _fingerprint(source_id, "tobedeleted", stamp),
        )  # fmt: skip

    def _person(
        self,
        check: _RowCheck,
        source_id: str,
        modified: datetime.datetime | None,
        role_text: str,
    ) -> UserRow | list[RowError]:
        at, row = self._at, check.row
        role = ROLES.get(role_text, "")
        if not role:
            check.fail("role", f"role {role_text!r} is not a OneRoster user role")
        given = check.text(at["givenname"], "givenName", limit=100, required=True)
        family = check.text(at["familyname"], "familyName", limit=100, required=True)
        middle = check.text(at["middlename"], "middleName", limit=100)
        username = check.text(at["username"], "username", limit=150)
        identifier = check.text(at["identifier"], "identifier", limit=64)
        email = self._email(check)
        grade = self._grade(check)
        org_ids = self._orgs(check)
        enabled_at = at["enableduser"]
        if enabled_at is not None and row[enabled_at].strip().lower() not in ENABLED_VALUES:
            check.fail("enabledUser", f"enabledUser {row[enabled_at]!r} is not true or false")
        if check.errors:
            return check.errors
        stamp = modified.isoformat() if modified else ""
        fingerprint = _fingerprint(
            source_id, "active", stamp, role, username, given, middle, family,
            identifier, email, grade, ",".join(org_ids),
        )  # fmt: skip
        return UserRow(
            check.line, source_id, False, stamp, role, username, given, middle, family,
            identifier, email, grade, org_ids, fingerprint,
        )  # fmt: skip

    def _email(self, check: _RowCheck) -> str:
        email = check.text(self._at["email"], "email", limit=254).lower()
        if email and not _EMAIL.match(email):
            check.fail("email", f"email {email!r} is not an email address")
        return email

    def _grade(self, check: _RowCheck) -> str:
        at = self._at["grades"]
        values = [g.strip() for g in check.row[at].split(",")] if at is not None else []
        codes = [grade_code(g) for g in values if g]
        for value, code in zip([g for g in values if g], codes, strict=True):
            if code is None:
                check.fail("grades", f"grade {value!r} is not a CEDS grade code (KG, 01–12…)")
        return (codes[0] or "") if codes else ""

    def _orgs(self, check: _RowCheck) -> tuple[str, ...]:
        at = self._at["orgsourcedids"]
        org_ids = tuple(o.strip() for o in check.row[at].split(",") if o.strip())  # type: ignore[index]
        if not org_ids:
            check.fail("orgSourcedIds", "orgSourcedIds is required but empty")
        for org_id in org_ids:
            if not self.known_org(org_id):
                check.fail(
                    "orgSourcedIds",
                    f"org {org_id!r} is not in orgs.csv and not already in Hatrack",
                )
        return org_ids
