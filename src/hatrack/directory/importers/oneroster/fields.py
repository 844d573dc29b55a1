"""Checking the fields of one row, and what every OneRoster row shares.

Every orgs.csv and users.csv row starts the same way: its width must match the header,
its sourcedId must be present and unique, its status and dateLastModified must parse.
`RowParser.start` checks those once for both parsers.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, NamedTuple

from hatrack.directory.importers.oneroster.rows import RowError

if TYPE_CHECKING:
    from hatrack.directory.importers.oneroster.reader import CsvReader

STATUSES = {"": False, "active": False, "tobedeleted": True, "inactive": True}


def parse_modified(value: str) -> datetime.datetime:
    """dateLastModified (ISO 8601; a date alone is midnight UTC). Raises ValueError."""
    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


class RowCheck:
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


def check_width(check: RowCheck, width: int) -> bool:
    if len(check.row) != width:
        check.fail("", f"the row has {len(check.row)} values but the header has {width} columns")
        return False
    return True


def status_and_date(
    check: RowCheck, status_at: int | None, date_at: int | None
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


def read_source_id(check: RowCheck, index: int, seen: dict[str, int]) -> str:
    source_id = check.text(index, "sourcedId", limit=255, required=True)
    if source_id:
        first = seen.setdefault(source_id, check.line)
        if first != check.line:
            check.fail("sourcedId", f"sourcedId {source_id!r} is a duplicate of line {first}")
    return source_id


class RowStart(NamedTuple):
    """The fields every row has, read and checked; errors so far are on `check`."""

    check: RowCheck
    source_id: str
    deleted: bool
    modified: datetime.datetime | None


class RowParser:
    """What OrgParser and UserParser share: the file, its column positions, and the
    sourcedIds seen so far (each mapped to the line it first appeared on)."""

    columns: tuple[str, ...] = ()

    def __init__(self, reader: CsvReader, seen: dict[str, int]) -> None:
        self.reader = reader
        self.seen = seen
        self._at = {name: reader.column(name) for name in self.columns}

    def start(self, line: int, row: list[str]) -> RowStart | list[RowError]:
        """The common fields of a row, or its errors when its width is wrong."""
        check = RowCheck(self.reader.name, line, row)
        if not check_width(check, self.reader.width):
            return check.errors
        at = self._at
        source_id = read_source_id(check, at["sourcedid"], self.seen)  # type: ignore[arg-type]
        deleted, modified = status_and_date(check, at["status"], at["datelastmodified"])
        return RowStart(check, source_id, deleted, modified)
