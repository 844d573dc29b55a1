"""One way to page, count and export every list: keyset pages, bounded counts, streamed CSV.

Keyset ("seek") pagination instead of OFFSET: the page after a row starts at that
row's sort key, so page 5,000 costs what page 1 costs, and rows added meanwhile do
not shift what the reader sees. The cursor is the sort key of the boundary row,
encoded as URL-safe base64 JSON; a tampered cursor is rejected as a bad request.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import F, Lookup, Model, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import QueryDict, StreamingHttpResponse

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass
class Page:
    """One page of rows and the cursors to its neighbours (None where there is none)."""

    rows: list[Any]
    next_cursor: str | None = None
    prev_cursor: str | None = None
    is_first: bool = True

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return self.next_cursor is not None or self.prev_cursor is not None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return {"t": "dt" if isinstance(value, datetime.datetime) else "d", "v": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"t": "dec", "v": str(value)}
    if isinstance(value, uuid.UUID):
        return str(value)  # the database compares a UUID column with its text form
    if isinstance(value, Model):
        return value.pk
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        kind, text = value.get("t"), value.get("v")
        if not isinstance(text, str):
            raise ValueError("bad cursor value")
        if kind == "dt":
            return datetime.datetime.fromisoformat(text)
        if kind == "d":
            return datetime.date.fromisoformat(text)
        if kind == "dec":
            return decimal.Decimal(text)
        raise ValueError("bad cursor value")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError("bad cursor value")


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    """The sort key a cursor carries. Raises BadRequest (HTTP 400) for anything malformed."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != length:
            raise ValueError("wrong length")
        return [_typed(v) for v in values]
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        message = "This page link is not valid any more. Start again from the first page."
        raise BadRequest(message) from exc


def _parse_order(order: Sequence[str]) -> list[tuple[str, bool]]:
    if not order:
        raise ValueError("keyset pages need an order ending in a unique field")
    return [(name.lstrip("-"), name.startswith("-")) for name in order]


def _seek(order: list[tuple[str, bool]], key: Sequence[Any], *, forward: bool) -> Q | Lookup:
    """Rows strictly after (forward) or before `key` in the given order.

    When every field sorts the same way, one row-value comparison
    `(a, b, c) > (x, y, z)` lets both SQLite and PostgreSQL walk the index in order.
    Mixed directions expand into OR-ed equalities, with the bounding condition
    a >= x (or <=) so the database can still seek on the leading index column.
    """
    directions = {descending for _, descending in order}
    if len(directions) == 1 and None not in key:
        after = forward != directions.pop()
        columns = Tuple(*(F(name) for name, _ in order))
        return (
            TupleGreaterThan(columns, tuple(key)) if after else TupleLessThan(columns, tuple(key))
        )
    clauses = []
    for i, (name, descending) in enumerate(order):
        after = forward != descending
        equal = {order[j][0]: key[j] for j in range(i)}
        if key[i] is None:
            # NULLs sort as equal in the cursor only; skip a strict step on them.
            continue
        step = Q(**{f"{name}__gt" if after else f"{name}__lt": key[i]})
        clauses.append(Q(**equal) & step if equal else step)
    if not clauses:
        return Q()
    lead_name, lead_desc = order[0]
    seek = reduce(lambda a, b: a | b, clauses)
    if key[0] is not None:
        lead_after = forward != lead_desc
        seek &= Q(**{f"{lead_name}__gte" if lead_after else f"{lead_name}__lte": key[0]})
    return seek


def _key_of(row: Any, names: Sequence[str]) -> list[Any]:
    if isinstance(row, dict):
        return [row[name] for name in names]
    if isinstance(row, tuple):
        raise TypeError("keyset pages need model instances or dicts, not values_list tuples")
    values = []
    for name in names:
        value = row
        for part in name.split("__"):
            value = getattr(value, part)
        values.append(value)
    return values


def keyset_page(
    queryset: QuerySet[Any],
    *,
    order: Sequence[str],
    after: str | None = None,
    before: str | None = None,
    size: int = DEFAULT_PAGE_SIZE,
) -> Page:
    """The page of `queryset` after (or before) a cursor, in `order` (last field unique).

    Costs one query: it fetches size + 1 rows to know whether another page follows.
    For `.values()` querysets, the order fields must be among the selected values.
    """
    size = max(1, min(int(size), MAX_PAGE_SIZE))
    parsed = _parse_order(order)
    names = [name for name, _ in parsed]
    forward = not before
    cursor = after or before
    qs = queryset
    if cursor:
        qs = qs.filter(_seek(parsed, decode_cursor(cursor, len(parsed)), forward=forward))
    # Walking backwards reads the same order reversed, then flips the rows back.
    ordering = [f"-{name}" if descending == forward else name for name, descending in parsed]
    rows = list(qs.order_by(*ordering)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    page = Page(rows=rows)
    if not rows:
        # An empty page after a cursor still lets the reader step back.
        page.is_first = not (cursor and forward)
        if cursor and forward:
            page.prev_cursor = cursor
        return page
    first_key, last_key = _key_of(rows[0], names), _key_of(rows[-1], names)
    if forward:
        page.next_cursor = encode_cursor(last_key) if more else None
        page.prev_cursor = encode_cursor(first_key) if cursor else None
        page.is_first = not cursor
    else:
        page.prev_cursor = encode_cursor(first_key) if more else None
        page.next_cursor = encode_cursor(last_key)
        page.is_first = not more
    return page


def query_without_cursor(params: QueryDict) -> str:
    """A list's query string without its page cursor: the filters page links and exports keep."""
    kept = params.copy()
    kept.pop("after", None)
    kept.pop("before", None)
    return kept.urlencode()


def count_label(queryset: QuerySet[Any], cap: int = 1000) -> str:
    """'37', or '1,000+' past the cap: counting a bounded slice never scans a whole table."""
    found = queryset.order_by()[: cap + 1].count()
    return f"{cap:,}+" if found > cap else f"{found:,}"


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _sanitize_cell(value: Any) -> Any:
    # Spreadsheet formula injection: a cell starting with = + - @ would be run by Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV download streamed row by row (constant memory, whatever the size)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a BOM, so Excel reads UTF-8 names correctly
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_sanitize_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
