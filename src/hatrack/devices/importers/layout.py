"""The one engine behind every device format: a layout names the columns of each Hatrack
field, and `DeviceParser` turns a table's records into `DeviceRow`s or row errors.

A layout's `signature` is the set of headers that identifies its format, so a file of
another format is refused before any row is read, with a message naming what it looks
like instead.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from hatrack.devices.importers import fields as parse
from hatrack.devices.importers.rows import FIELDS, DeviceFileError, DeviceRow, RowError
from hatrack.devices.importers.tables import Table

# Rows parsed together, column by column (see DeviceParser._parse_batch).
BATCH_ROWS = 1000
# DeviceRow's fields after its line number, in order.
ROW_FIELDS = DeviceRow._fields[1:]
# field -> how to read its cell
PARSERS: dict[str, parse.Parse] = {
    "serial_number": parse.serial_number,
    "asset_tag": parse.asset_tag,
    "manufacturer": parse.text(100),
    "model": parse.text(200),
    "console_id": parse.text(100),
    "os_version": parse.text(100),
    "last_checkin_at": parse.date_time,
    "console_user": parse.first_user,
    "org_unit": parse.text(255),
    "wifi_mac": parse.mac_address,
    "ethernet_mac": parse.mac_address,
    "auto_update_expiration": parse.date,
}


@dataclass(frozen=True)
class Layout:
    """A format: accepted headers per field (first found wins), the fields a file must
    have, the headers that identify it, and how a row says what kind of device it is."""

    key: str
    label: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...] = ("serial_number",)
    signature: tuple[tuple[str, ...], ...] = ()
    category: Callable[[dict[str, str]], str] = field(default=lambda values: "")
    manufacturer: Callable[[dict[str, str]], str] = field(
        default=lambda values: values.get("manufacturer", "")
    )
    # Extra columns the category and manufacturer functions read: name -> headers. Those
    # two functions read only "manufacturer", "model" and these extra names (the parser
    # calls them once per distinct combination).
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def matches(self, header: Sequence[str]) -> bool:
        """Whether the header has one of the names of every signature column."""
        names = {h.strip().lower() for h in header}
        return bool(self.signature) and all(
            any(name.lower() in names for name in choices) for choices in self.signature
        )


def _read_column(read: parse.Parse, cells: Sequence[str]) -> list[str]:
    """`read` applied to each cell; once per distinct value when values repeat (models,
    org units, OS versions, dates of a month do), so a 100,000-row export costs tens of
    thousands of calls rather than a million. Raises the first cell's ValueError."""
    distinct: dict[str, str] = dict.fromkeys(cells, "")
    if len(distinct) * 2 > len(cells):
        return list(map(read, cells))
    for cell in distinct:
        distinct[cell] = read(cell)
    return list(map(distinct.__getitem__, cells))


def _index(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, name in enumerate(header):
        found.setdefault(name.strip().lower(), position)
    return found


class DeviceParser:
    """Reads one table with one layout. `fields` are the Hatrack fields the file carries
    (a field whose column is absent is left alone by the import)."""

    def __init__(self, table: Table, layout: Layout, others: Sequence[Layout] = ()) -> None:
        self.table = table
        self.layout = layout
        self._check_format(others)
        index = _index(table.header)
        self.columns: dict[str, tuple[int, str]] = {}
        for name, headers in layout.columns.items():
            for header in headers:
                position = index.get(header.lower())
                if position is not None:
                    self.columns[name] = (position, table.header[position])
                    break
        self.extra = {
            name: index[h.lower()]
            for name, headers in layout.extra.items()
            for h in headers
            if h.lower() in index
        }
        missing = [name for name in layout.required if name not in self.columns]
        if missing:
            wanted = " or ".join(f"“{h}”" for h in layout.columns[missing[0]][:2])
            raise DeviceFileError(
                f"{table.name} has no {FIELDS[missing[0]].lower()} column (expected {wanted} "
                "in the header row, line 1).",
                line=1,
            )
        self.fields = frozenset(self.columns)
        self._readers = [
            (name, position, header, PARSERS[name])
            for name, (position, header) in self.columns.items()
        ]
        self._pick = operator.itemgetter(*(position for _, position, _, _ in self._readers))
        self.seen: dict[str, int] = {}
        self.rows = 0

    def _check_format(self, others: Sequence[Layout]) -> None:
        if not self.layout.signature or self.layout.matches(self.table.header):
            return
        looks_like = next((o for o in others if o.matches(self.table.header)), None)
        hint = (
            f" It looks like {looks_like.label}: choose that format instead."
            if looks_like
            else " Check that you exported the right list, or use “CSV or XLSX with column "
            "mapping”."
        )
        names = {h.strip().lower() for h in self.table.header}
        wanted = " and ".join(
            f"“{choices[0]}”"
            for choices in self.layout.signature
            if not any(name.lower() in names for name in choices)
        )
        raise DeviceFileError(
            f"{self.table.name} is not {self.layout.label}: its header row lacks {wanted}.{hint}",
            line=1,
        )

    def __iter__(self) -> Iterator[DeviceRow | list[RowError]]:
        records = iter(self.table)
        while batch := list(itertools.islice(records, BATCH_ROWS)):
            self.rows += len(batch)
            rows = self._parse_batch(batch)
            if rows is None:  # something irregular: row by row, with each row's errors
                yield from (self.parse(line, cells) for line, cells in batch)
            else:
                yield from rows

    def _parse_batch(self, batch: list[tuple[int, list[str]]]) -> list[DeviceRow] | None:
        """The batch's rows parsed column by column (most of an export's cells repeat or
        are ordinary), or None when a row is short, a cell is bad or a serial repeats;
        `parse` then reads the batch again row by row and says what is wrong."""
        try:
            picked = list(map(self._pick, (cells for _, cells in batch)))
        except IndexError:
            return None
        lines = [line for line, _ in batch]
        # itemgetter of one position gives the cell itself, of several a tuple
        columns = list(zip(*picked, strict=True)) if len(self._readers) > 1 else [picked]
        values: dict[str, Sequence[str]] = dict.fromkeys(ROW_FIELDS, [""] * len(batch))
        try:
            for (name, _, _, read), cells in zip(self._readers, columns, strict=True):
                values[name] = _read_column(read, cells)
        except ValueError:
            return None
        seen = self.seen
        for serial, line in zip(values["serial_number"], lines, strict=True):
            if seen.setdefault(serial, line) != line:
                return None
        self._describe(values, batch)
        ordered = [values[name] for name in ROW_FIELDS]
        return list(map(DeviceRow._make, zip(lines, *ordered, strict=True)))

    def _describe(
        self, values: dict[str, Sequence[str]], batch: list[tuple[int, list[str]]]
    ) -> None:
        """Each row's manufacturer and category, computed once per distinct combination of
        the cells they read (manufacturer, model and the layout's extra columns)."""
        keys: list[Sequence[str]] = [values["manufacturer"], values["model"]]
        keys.extend(
            [cells[position] if position < len(cells) else "" for _, cells in batch]
            for position in self.extra.values()
        )
        described: dict[tuple[str, ...], tuple[str, str]] = {}
        for key in zip(*keys, strict=True):
            if key not in described:
                row = {"manufacturer": key[0], "model": key[1]}
                row.update(zip(self.extra, key[2:], strict=True))
                row["manufacturer"] = self.layout.manufacturer(row)
                described[key] = (row["manufacturer"], self.layout.category(row))
        pairs = [described[key] for key in zip(*keys, strict=True)]
        values["manufacturer"] = [m for m, _ in pairs]
        values["category"] = [c for _, c in pairs]

    def parse(self, line: int, cells: list[str]) -> DeviceRow | list[RowError]:
        values = dict.fromkeys(ROW_FIELDS, "")
        errors: list[RowError] = []
        width = len(cells)
        for name, position, header, read in self._readers:
            try:
                values[name] = read(cells[position] if position < width else "")
            except ValueError as exc:
                errors.append(RowError(line, header, str(exc)))
        serial = values["serial_number"]
        if serial:
            first = self.seen.setdefault(serial, line)
            if first != line:
                header = self.columns["serial_number"][1]
                errors.append(
                    RowError(line, header, f"Serial number {serial} is also on line {first}.")
                )
        if errors:
            return errors
        layout = self.layout
        values["manufacturer"] = layout.manufacturer(values)
        if self.extra:
            values.update({name: cells[i] if i < width else "" for name, i in self.extra.items()})
        values["category"] = layout.category(values)
        return DeviceRow(line, *(values[name] for name in ROW_FIELDS))
