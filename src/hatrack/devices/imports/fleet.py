"""The fleet as the import compares with it: devices by serial number and asset tags'
owners, read a batch at a time with one plain query each.

Values come back in the form the parsers produce (text; an ISO datetime in UTC, an ISO
date, "" for none), so a row and its device compare as two tuples. The ORM would build
and convert a value at a time (and, on SQLite, parse every datetime twice); at 100,000
rows that was most of the comparing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db import connection

from hatrack.devices.models import Device

DATETIMES = frozenset({"last_checkin_at"})
DATES = frozenset({"auto_update_expiration"})


class FleetDevice(NamedTuple):
    """A device the export lists: its id, what the import may fill, and its console
    fields (in the order asked for) as the parsers would write them."""

    pk: int
    asset_tag: str
    site_id: int | None
    console: str
    values: tuple[str, ...]


def among(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """A condition `column` is one of `values`, with its parameters: one array parameter
    on PostgreSQL (psycopg would parse a query of 2,000 placeholders for each batch, about
    20 ms), a list of placeholders on SQLite."""
    if connection.vendor == "postgresql":
        kind = "bigint" if values and isinstance(values[0], int) else "text"
        return f"{column} = ANY(%s::{kind}[])", [_array_literal(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _array_literal(values: Sequence[Any]) -> str:
    """PostgreSQL's text form of an array of `values` (text or integers), one parameter:
    psycopg's client-side array quoting costs about 7 µs an element."""
    body = "\x00".join(map(str, values))  # no cell holds a NUL (the reader refuses them)
    if '"' in body or "\\" in body:
        body = "\x00".join(str(v).replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return '{"' + body.replace("\x00", '","') + '"}' if values else "{}"


def _table() -> str:
    return connection.ops.quote_name(Device._meta.db_table)


def _column(name: str) -> str:
    columns = {f.name: str(f.column) for f in Device._meta.concrete_fields}
    return connection.ops.quote_name(columns[name])


# The console fields as the parsers write them, computed by the database (on the other
# core, and without a Python datetime per device): an ISO datetime in UTC with "+00:00"
# and microseconds only when there are some, as datetime.isoformat() writes it; an ISO
# date; "" for none. Django stores an aware datetime on SQLite as its naive UTC text
# ("2024-11-18 14:22:10[.123000]").
_SQLITE_FORMS = {
    "datetime": "COALESCE(REPLACE(CAST({c} AS TEXT), ' ', 'T') || '+00:00', '')",
    "date": "COALESCE(CAST({c} AS TEXT), '')",
}
_POSTGRES_FORMS = {
    "datetime": (
        "COALESCE(to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        "mod(extract(microseconds FROM {c})::bigint, 1000000) = 0 THEN '' ELSE "
        "to_char({c} AT TIME ZONE 'UTC', '.US') END || '+00:00', '')"
    ),
    "date": "COALESCE(to_char({c}, 'YYYY-MM-DD'), '')",
}


class FleetReader:
    """Reads the devices of a batch of serial numbers, with the console `fields` the
    export carries."""

    def __init__(self, fields: Sequence[str]) -> None:
        self.fields = tuple(fields)
        forms = _SQLITE_FORMS if connection.vendor == "sqlite" else _POSTGRES_FORMS
        selected = []
        for name in self.fields:
            column = _column(name)
            if name in DATETIMES:
                selected.append(forms["datetime"].format(c=column))
            elif name in DATES:
                selected.append(forms["date"].format(c=column))
            else:  # text columns are NOT NULL: they come back as they compare
                selected.append(column)
        self.select = ", ".join(
            [_column("id"), _column("serial_number"), f"COALESCE({_column('asset_tag')}, '')",
             _column("site"), _column("console"), *selected]
        )  # fmt: skip

    def by_serial(self, serials: Sequence[str]) -> dict[str, FleetDevice]:
        """The devices among `serials` (normalized serial numbers), by serial number."""
        if not serials:
            return {}
        condition, params = among(_column("serial_number"), serials)
        # Table and column names come from the model; the serials are parameters.
        sql = f"SELECT {self.select} FROM {_table()} WHERE {condition}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return {
            row[1]: FleetDevice(row[0], row[2], row[3], row[4], tuple(row[5:])) for row in fetched
        }


def asset_tag_owners(tags: Sequence[str]) -> dict[str, str]:
    """Which devices already carry these asset tags: tag -> serial number."""
    if not tags:
        return {}
    tag, serial = _column("asset_tag"), _column("serial_number")
    condition, params = among(tag, tags)
    # Table and column names come from the model; the tags are parameters.
    sql = f"SELECT {tag}, {serial} FROM {_table()} WHERE {condition}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {owner_tag: owner for owner_tag, owner in cursor.fetchall() if owner_tag}
