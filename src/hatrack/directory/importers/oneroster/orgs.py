"""orgs.csv rows: the district, schools, departments; other org types are skipped."""

from __future__ import annotations

from hatrack.directory.importers.oneroster.fields import RowParser
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


class OrgParser(RowParser):
    """Validates orgs.csv rows into OrgRow, Skipped or a list of RowError."""

    columns = _ORG_COLUMNS

    def __init__(self, reader: CsvReader) -> None:
        super().__init__(reader, {})

    def parse(self, line: int, row: list[str]) -> OrgRow | Skipped | list[RowError]:
        start = self.start(line, row)
        if isinstance(start, list):
            return start
        check, source_id, deleted, modified = start
        at = self._at
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
