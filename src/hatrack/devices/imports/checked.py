"""A previewed export's checked rows, kept beside the upload until it is confirmed.

The preview reads, validates and normalizes every row; confirming it should not do
that work again. `CheckedRowsWriter` stores the valid rows (marshal batches) and, at
the end, what else the import needs (the columns, every serial listed, the bad rows);
`CheckedRows` replays them to `import_devices` as the parser would, so the confirmed
import only compares them with the fleet again (which may have changed) and writes.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from hatrack.devices.importers.layout import DeviceParser
from hatrack.devices.importers.rows import DeviceFileError, DeviceRow, RowError

MAX_KEPT_ERRORS = 500


class CheckedRowsWriter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: IO[bytes] = path.open("wb")

    def add(self, rows: list[DeviceRow]) -> None:
        if rows:
            self._record(("rows", [tuple(row) for row in rows]))

    def finish(self, parser: DeviceParser, errors: list[RowError], error_count: int,
               bad_lines: set[int]) -> None:  # fmt: skip
        self._record(
            (
                "end",
                {
                    "name": parser.table.name,
                    "columns": {k: list(v) for k, v in parser.columns.items()},
                    "rows": parser.rows,
                    "seen": list(parser.seen),
                    "errors": [(e.line, e.column, e.reason) for e in errors[:MAX_KEPT_ERRORS]],
                    "error_count": error_count,
                    "bad_lines": sorted(bad_lines),
                },
            )
        )
        self.file.close()

    def discard(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)

    def _record(self, value: Any) -> None:
        data = marshal.dumps(value)
        self.file.write(len(data).to_bytes(8, "little"))
        self.file.write(data)


class _Table:
    def __init__(self, name: str, total: int) -> None:
        self.name, self.total, self.done = name, total, 0


class CheckedRows:
    """Replays checked rows with the parser's interface (table, columns, fields, seen,
    rows, iteration). Opened with `open(path)`; raises DeviceFileError when incomplete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        trailer = self._trailer()
        self.columns: dict[str, tuple[int, str]] = {
            k: (int(v[0]), str(v[1])) for k, v in trailer["columns"].items()
        }
        self.fields = frozenset(self.columns)
        self.rows = int(trailer["rows"])
        self.seen: dict[str, int] = dict.fromkeys(trailer["seen"], 0)
        self.errors = [RowError(*e) for e in trailer["errors"]]
        self.error_count = int(trailer["error_count"])
        self.bad_lines = set(trailer["bad_lines"])
        self.table = _Table(str(trailer["name"]), self.rows)

    def _records(self) -> Iterator[tuple[str, Any]]:
        with self.path.open("rb") as handle:
            while header := handle.read(8):
                # Our own file, written by the preview of this upload.
                yield marshal.loads(handle.read(int.from_bytes(header, "little")))  # noqa: S302

    def _trailer(self) -> dict[str, Any]:
        last: tuple[str, Any] | None = None
        for record in self._records():
            last = record
        if last is None or last[0] != "end":
            raise DeviceFileError("The preview's checked rows are incomplete; preview again.")
        return dict(last[1])

    def __iter__(self) -> Iterator[DeviceRow | list[RowError]]:
        for error in self.errors:
            yield [error]
        for kind, value in self._records():
            if kind == "rows":
                for row in value:
                    self.table.done += 1
                    yield DeviceRow(*row)
