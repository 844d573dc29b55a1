"""Writing people in batches: set-based inserts, updates and deactivations.

SQLite gets `executemany`; PostgreSQL inserts go through COPY.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from hatrack.directory.importers.oneroster.rows import UserRow
from hatrack.directory.imports.results import ImportResult
from hatrack.directory.models import Department, Person, Site
from hatrack.directory.names import name_key

BATCH_SIZE = 5000

_INSERT_FIELDS = (
    "source_id", "sis_id", "username", "given_name", "middle_name", "family_name", "email",
    "role", "grade", "primary_site", "department", "active", "family_key", "given_key",
    "source_hash", "source_modified", "created_at", "updated_at",
)  # fmt: skip
_UPDATE_FIELDS = (*_INSERT_FIELDS[1:-2], "updated_at")
_DEACTIVATE_FIELDS = ("active", "source_hash", "source_modified", "updated_at")


def _columns(names: Iterable[str]) -> list[str]:
    meta = Person._meta
    return [connection.ops.quote_name(meta.get_field(name).column) for name in names]  # type: ignore[union-attr,arg-type]


class PeopleWriter:
    """Inserts, updates and deactivates people with set-based statements.

    Bulk statements skip `Person.save()`, so the name keys are computed here with the
    same `name_key` the model uses. PostgreSQL inserts go through COPY.
    """

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.counts = result.counts["people"]
        self.done = 0
        table = connection.ops.quote_name(Person._meta.db_table)
        self.table = table
        insert_cols = _columns(_INSERT_FIELDS)
        # Statements are built from the model's table and column names only.
        self.insert_sql = (
            f"INSERT INTO {table} ({', '.join(insert_cols)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(insert_cols))})"
        )
        self.copy_sql = f"COPY {table} ({', '.join(insert_cols)}) FROM STDIN"
        self.update_sql = self._update_sql(_UPDATE_FIELDS)
        self.deactivate_sql = self._update_sql(_DEACTIVATE_FIELDS)
        self.sites = dict(Site.objects.exclude(source_id=None).values_list("source_id", "pk"))
        self.departments = dict(
            Department.objects.exclude(source_id=None).values_list("source_id", "pk")
        )
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self._stamps: dict[str, Any] = {}

    def _stamp(self, modified: str) -> Any:
        """dateLastModified (ISO text) as the database driver wants it, remembered."""
        if not modified:
            return None
        value = self._stamps.get(modified)
        if value is None:
            parsed = datetime.datetime.fromisoformat(modified)
            value = connection.ops.adapt_datetimefield_value(parsed)
            if len(self._stamps) < 10_000:
                self._stamps[modified] = value
        return value

    def _update_sql(self, names: tuple[str, ...]) -> str:
        sets = ", ".join(f"{col} = %s" for col in _columns(names))
        return f"UPDATE {self.table} SET {sets} WHERE id = %s"  # noqa: S608

    def _values(self, row: UserRow) -> list[Any]:
        orgs = row.org_ids
        if len(orgs) == 1:
            site, department = self.sites.get(orgs[0]), self.departments.get(orgs[0])
        else:
            site = next((self.sites[o] for o in orgs if o in self.sites), None)
            department = next((self.departments[o] for o in orgs if o in self.departments), None)
        return [
            row.identifier, row.username, row.given_name, row.middle_name, row.family_name,
            row.email, row.role, row.grade, site, department, True,
            _name_key(row.family_name), _name_key(row.given_name), row.fingerprint,
            self._stamp(row.modified),
        ]  # fmt: skip

    def write(self, rows: list[UserRow]) -> None:
        """Writes one batch: inserts, updates and deactivations, a statement each."""
        if not rows:
            return
        inserts, updates, deactivations = self._sort(rows)
        self._insert(inserts)
        with connection.cursor() as cursor:
            if updates:
                cursor.executemany(self.update_sql, updates)
            if deactivations:
                cursor.executemany(self.deactivate_sql, deactivations)
        self.done += len(rows)

    def _sort(self, rows: list[UserRow]) -> tuple[list[list[Any]], ...]:
        """The statement values of each row (insert, update or deactivation), counted."""
        existing = existing_people([r.source_id for r in rows])
        inserts: list[list[Any]] = []
        updates: list[list[Any]] = []
        deactivations: list[list[Any]] = []
        for row in rows:
            found = existing.get(row.source_id)
            if row.deleted:
                if found is None:
                    self.result.skip("people", "tobedeleted rows of people never imported")
                    continue
                deactivations.append(
                    [False, row.fingerprint, self._stamp(row.modified), self.now, found[0]]
                )
                if found[2]:
                    self.counts.deactivated += 1
                else:
                    self.counts.updated += 1
            elif found is None:
                inserts.append([row.source_id, *self._values(row), self.now, self.now])
                self.counts.created += 1
            else:
                updates.append([*self._values(row), self.now, found[0]])
                self.counts.updated += 1
        return inserts, updates, deactivations

    def _insert(self, rows: list[list[Any]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    copy.write("".join(map(_copy_line, rows)))
            else:
                cursor.executemany(self.insert_sql, rows)

    def deactivate_missing(self, seen: dict[str, int], active_in_file: int) -> None:
        """Bulk files are the whole roster: active imported people not in it are deactivated.

        The common case (nobody missing) costs one COUNT; otherwise one streamed scan.
        """
        imported = Person.objects.filter(active=True).exclude(source_id=None)
        if imported.count() <= active_in_file:
            return
        missing = [
            pk
            for pk, source_id in imported.values_list("pk", "source_id").iterator(chunk_size=5000)
            if source_id not in seen
        ]
        for start in range(0, len(missing), BATCH_SIZE):
            chunk = missing[start : start + BATCH_SIZE]
            Person.objects.filter(pk__in=chunk).update(active=False, updated_at=timezone.now())
        self.counts.deactivated += len(missing)


# COPY's text format: tab-separated, \N for NULL, backslash escapes for the separators.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _copy_line(values: list[Any]) -> str:
    """One row in COPY text format (cheaper per row than psycopg's write_row).

    Values never contain NUL (the reader refuses it), so NUL marks NULL while the line
    is checked once for characters that need escaping; only such rare lines are
    escaped value by value.
    """
    parts = ["\x00" if v is None else str(v) for v in values]
    joined = "\x1f".join(parts)
    if _COPY_SPECIAL.search(joined) is None and joined.count("\x1f") == len(parts) - 1:
        return joined.replace("\x1f", "\t").replace("\x00", "\\N") + "\n"
    escaped = ["\\N" if v is None else str(v).translate(_COPY_ESCAPES) for v in values]
    return "\t".join(escaped) + "\n"


def _name_key(name: str) -> str:
    """`names.name_key`, with a shortcut for plain ASCII names that gives the same key."""
    if name.isascii():
        return " ".join(name.lower().split())[:100]
    return name_key(name)


def existing_people(source_ids: Sequence[str]) -> dict[str, tuple[int, str, bool]]:
    """sourcedId -> (pk, source_hash, active) for one batch, in one query.

    Plain SQL: building an ORM `__in` lookup of 5,000 values costs more than running it.
    """
    if not source_ids:
        return {}
    table = connection.ops.quote_name(Person._meta.db_table)
    select = f"SELECT source_id, id, source_hash, active FROM {table} WHERE source_id"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{select} = ANY(%s)", [list(source_ids)])
        else:
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(source_ids))})", source_ids)
        return {sid: (pk, digest, bool(active)) for sid, pk, digest, active in cursor.fetchall()}
