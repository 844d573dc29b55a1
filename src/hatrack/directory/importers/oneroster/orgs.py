"""orgs.csv rows: the district, schools, departments; other org types are skipped."""

from __future__ import annotations

from hatrack.directory.importers.oneroster.fields import (
    RowCheck,
    check_width,
    read_source_id,
    status_and_date,
)
from hatrack.directory.importers.oneroster.reader import CsvReader
from hatrack.directory.importers.oneroster.rows import OrgRow, RowError, Skipped

ORG_TYPES = ("district", "school", "department", "local", "state", "national")
NOT_STORED_ORG_TYPES = {"local", "state", "national"}
ORG_REQUIRED = ("sourcedId", "name", "type")
_ORG_COLUMNS = (
    "sourcedid",
    "status",
    "datelastmodified",
    "name",
    "type",
    "identifier",
    "parentsourcedid",
)


class OrgParser:
    """Validates orgs.csv rows into OrgRow, Skipped or a list of RowError."""

    def __init__(self, reader: CsvReader) -> None:
        self.reader = reader
        self.seen: dict[str, int] = {}
        self._at = {name: reader.column(name) for name in _ORG_COLUMNS}

    def parse(self, line: int, row: list[str]) -> OrgRow | Skipped | list[RowError]:
        check = RowCheck(self.reader.name, line, row)
        if not check_width(check, self.reader.width):
            return check.errors
        at = self._at
        source_id = read_source_id(check, at["sourcedid"], self.seen)  # type: ignore[arg-type]
        deleted, modified = status_and_date(check, at["status"], at["datelastmodified"])
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
