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
from collections.abc import Sequence
from typing import Any

from django.db import connection

from hatrack.devices.models import Device

# Values that come in as ISO text and are stored as datetimes or dates.
DATETIMES = {"last_checkin_at", "console_seen_at", "created_at", "updated_at"}
DATES = {"auto_update_expiration"}


def _table() -> str:
    return connection.ops.quote_name(Device._meta.db_table)


class DeviceWriter:
    """Inserts and updates rows of the device table, given values by attribute name.

    Datetimes and dates may be given as objects or as the importers' ISO text (UTC).
    """

    def __init__(self) -> None:
        self.fields = [f for f in Device._meta.concrete_fields if not f.primary_key]
        self.columns = [str(f.column) for f in self.fields]
        # Every other column gets the model's default, prepared once for the database.
        self.defaults = [f.get_db_prep_save(f.get_default(), connection) for f in self.fields]
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

    def insert(self, rows: Sequence[dict[str, Any]], constants: dict[str, Any]) -> None:
        """INSERT new devices; each row gives the same attributes, `constants` the values
        every row shares (adapted once), and the rest take their defaults."""
        if not rows:
            return
        index = {f.attname: i for i, f in enumerate(self.fields)}
        base = list(self.defaults)
        for name, value in constants.items():
            base[index[name]] = self.adapt(name, value)
        plain = [(index[n], n) for n in rows[0] if n not in DATETIMES and n not in DATES]
        adapted = [(index[n], n) for n in rows[0] if n in DATETIMES or n in DATES]
        params = []
        for row in rows:
            values = base.copy()
            for i, name in plain:
                values[i] = row[name]
            for i, name in adapted:
                values[i] = self.adapt(name, row[name])
            params.append(values)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {_table()} ({columns}) FROM STDIN") as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                # Table and column names come from the model, values are parameters.
                sql = f"INSERT INTO {_table()} ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, params)

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
