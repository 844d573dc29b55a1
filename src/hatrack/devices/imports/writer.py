"""Writing device rows fast: plain INSERTs and UPDATEs through the connection's cursor,
PostgreSQL COPY for new devices.

The ORM's bulk_create prepares every value of every field through Python (about a
millisecond a device on this machine, and SQLite's 999-parameter limit cuts inserts to
34 rows), which alone would spend the import's whole time budget on 100,000 devices.
Values reaching here are already validated by the importers and normalized as the
model stores them; the writer only adapts them for the database.
"""

from __future__ import annotations

import datetime
import json
import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

from hatrack.devices.imports.fleet import among
from hatrack.devices.models import Device

# Values that come in as ISO text and are stored as datetimes or dates.
DATETIMES = {"last_checkin_at", "console_seen_at", "created_at", "updated_at"}
DATES = {"auto_update_expiration"}
# Unique columns where an empty value is stored as NULL.
EMPTY_IS_NULL = {"asset_tag"}


def _table() -> str:
    return connection.ops.quote_name(Device._meta.db_table)


class DeviceWriter:
    """Inserts and updates rows of the device table, given values by attribute name.

    Datetimes and dates may be given as objects or as the importers' ISO text (UTC).
    """

    def __init__(self) -> None:
        self.fields = [f for f in Device._meta.concrete_fields if not f.primary_key]
        self.columns = [str(f.column) for f in self.fields]
        # Every other column gets the model's default, prepared once for the database
        # (JSON as its text: COPY would otherwise serialize it again for every row).
        self.defaults = [
            json.dumps(f.get_default())
            if isinstance(f, models.JSONField)
            else f.get_db_prep_save(f.get_default(), connection)
            for f in self.fields
        ]
        self.sqlite = connection.vendor == "sqlite"

    def adapt(self, name: str, value: Any) -> Any:
        if name in DATETIMES:
            return self._datetime(value)
        if name in DATES:
            if isinstance(value, str):
                return value or None  # ISO dates are stored as they are on both backends
            return connection.ops.adapt_datefield_value(value)
        return value

    def _datetime(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if not value:
            return None
        if self.sqlite:
            # ISO text in UTC -> the naive UTC text Django stores on SQLite.
            return value[:-6].replace("T", " ", 1) if value.endswith("+00:00") else value
        return value  # PostgreSQL reads ISO 8601 with its offset

    @contextmanager
    def inserting(
        self, names: Sequence[str], constants: dict[str, Any]
    ) -> Iterator[Callable[[Sequence[tuple[Any, ...]]], None]]:
        """A function INSERTing batches of new devices: each row gives the values of the
        attributes `names`, in order ("" for an empty asset tag), `constants` the values
        every row shares (adapted once), and the other columns take their defaults.

        On PostgreSQL every batch goes into one COPY, so the server stores (and indexes)
        a batch while the next one is prepared; no other query may run meanwhile."""
        shared = {name: self.adapt(name, value) for name, value in constants.items()}
        tail = list(shared.values())
        order = []  # each table column's place in a row followed by the tail
        for field, default in zip(self.fields, self.defaults, strict=True):
            if field.attname in names:
                order.append(names.index(field.attname))
            elif field.attname in shared:
                order.append(len(names) + list(shared).index(field.attname))
            else:
                order.append(len(names) + len(tail))
                tail.append(default)
        pick, ending = operator.itemgetter(*order), tuple(tail)

        def prepared(rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            columns = self._adapted_columns(names, rows)
            return [pick(values + ending) for values in zip(*columns, strict=True)]

        column_list = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {_table()} ({column_list}) FROM STDIN") as copy:

                    def copy_rows(rows: Sequence[tuple[Any, ...]]) -> None:
                        if rows:
                            for values in prepared(rows):
                                copy.write_row(values)

                    yield copy_rows
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                # Table and column names come from the model, values are parameters.
                sql = f"INSERT INTO {_table()} ({column_list}) VALUES ({marks})"  # noqa: S608

                def insert_rows(rows: Sequence[tuple[Any, ...]]) -> None:
                    if rows:
                        cursor.executemany(sql, prepared(rows))

                yield insert_rows

    def _adapted_columns(
        self, names: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> list[Sequence[Any]]:
        """The rows' values column by column, adapted for the database."""
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        for position, name in enumerate(names):
            if name in DATETIMES and self.sqlite:  # the usual case, without a call per value
                columns[position] = [
                    v[:-6].replace("T", " ", 1)
                    if isinstance(v, str) and v.endswith("+00:00")
                    else self.adapt(name, v)
                    for v in columns[position]
                ]
            elif name in DATETIMES or name in DATES:
                columns[position] = [self.adapt(name, value) for value in columns[position]]
            elif name in EMPTY_IS_NULL:
                columns[position] = [value or None for value in columns[position]]
        return columns

    def update(self, names: Sequence[str], rows: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """UPDATE the attributes `names` of each (pk, values) row."""
        if not rows:
            return
        fields = {f.attname: str(f.column) for f in self.fields}
        sets = ", ".join(f"{connection.ops.quote_name(fields[n])} = %s" for n in names)
        # Table and column names come from the model, values are parameters.
        sql = f"UPDATE {_table()} SET {sets} WHERE id = %s"  # noqa: S608
        params = [(*(self.adapt(n, values[n]) for n in names), pk) for pk, values in rows]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def mark_seen(
        self, pks: Sequence[int], now: datetime.datetime, stale: datetime.datetime
    ) -> None:
        """Set console_seen_at to `now` on the devices `pks` where it is older than `stale`
        (or empty)."""
        seen = connection.ops.quote_name("console_seen_at")
        condition, params = among(connection.ops.quote_name("id"), pks)
        # Table and column names come from the model, values are parameters.
        sql = (
            f"UPDATE {_table()} SET {seen} = %s "  # noqa: S608
            f"WHERE {condition} AND ({seen} IS NULL OR {seen} < %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self._datetime(now), *params, self._datetime(stale)])
