"""users.csv rows: people by role, with their names, grade, email and orgs.

Guardians, parents and other family rows are `Skipped` (privacy). Each valid row carries
a fingerprint of its values, so the service can tell an unchanged person without
comparing field by field.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from operator import itemgetter

from hatrack.directory.importers.oneroster.fields import (
    STATUSES,
    RowCheck,
    RowParser,
    parse_modified,
)
from hatrack.directory.importers.oneroster.reader import CsvReader
from hatrack.directory.importers.oneroster.rows import RowError, Skipped, UserRow
from hatrack.directory.models import Grade, Person

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

USER_REQUIRED = ("sourcedId", "orgSourcedIds", "role", "givenName", "familyName")
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


def _fingerprint(*values: str) -> str:
    return hashlib.blake2b("\x1f".join(values).encode(), digest_size=16).hexdigest()


class UserParser(RowParser):
    """Validates users.csv rows into UserRow, Skipped or a list of RowError.

    `known_org` says whether an org sourcedId exists (in orgs.csv or already in Hatrack).
    `seen` maps each sourcedId to the line it first appeared on; pass the same dict to a
    second reading of the file and the same rows come out the same way.
    """

    columns = _USER_COLUMNS

    def __init__(
        self, reader: CsvReader, known_org: Callable[[str], bool], seen: dict[str, int]
    ) -> None:
        super().__init__(reader, seen)
        self.known_org = known_org
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

        Longer than the house likes, on purpose: it runs once per row of a roster of
        hundreds of thousands, so it stays one flat function without per-field calls,
        and its one boolean expression reads as the list of what a plain row must be.
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
        start = self.start(line, row)
        if isinstance(start, list):
            return start
        check, source_id, deleted, modified = start
        role_text = row[self._at["role"]].strip().lower()  # type: ignore[index]
        if role_text in NOT_STORED_ROLES and not check.errors:
            return Skipped(line, source_id, f"{role_text} rows are not stored (privacy)")
        if deleted:
            return check.errors or self._deleted(check, source_id, modified)
        return self._person(check, source_id, modified, role_text)

    @staticmethod
    def _deleted(check: RowCheck, source_id: str, modified: datetime.datetime | None) -> UserRow:
        stamp = modified.isoformat() if modified else ""
        return UserRow(
            check.line, source_id, True, stamp, "", "", "", "", "", "", "", "", (),
            _fingerprint(source_id, "tobedeleted", stamp),
        )  # fmt: skip

    def _person(
        self,
        check: RowCheck,
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

    def _email(self, check: RowCheck) -> str:
        email = check.text(self._at["email"], "email", limit=254).lower()
        if email and not _EMAIL.match(email):
            check.fail("email", f"email {email!r} is not an email address")
        return email

    def _grade(self, check: RowCheck) -> str:
        at = self._at["grades"]
        values = [g.strip() for g in check.row[at].split(",")] if at is not None else []
        codes = [grade_code(g) for g in values if g]
        for value, code in zip([g for g in values if g], codes, strict=True):
            if code is None:
                check.fail("grades", f"grade {value!r} is not a CEDS grade code (KG, 01–12…)")
        return (codes[0] or "") if codes else ""

    def _orgs(self, check: RowCheck) -> tuple[str, ...]:
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
