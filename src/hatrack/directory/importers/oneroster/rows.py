"""What the OneRoster reader produces: typed rows, skipped rows, row and file errors."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, NamedTuple


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
