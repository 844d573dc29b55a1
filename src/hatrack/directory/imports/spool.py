"""Rows that need writing, kept on disk between the checking and the writing pass."""

from __future__ import annotations

import marshal
import tempfile
from collections.abc import Iterator
from typing import IO

from hatrack.directory.importers.oneroster.rows import UserRow


class Spool:
    """Rows that need writing, kept on disk between the two passes (marshal batches).

    Holding 500,000 rows in memory would cost hundreds of megabytes, and reading the
    CSV a second time would repeat the validation; a temporary file does neither.
    """

    def __init__(self) -> None:
        # Closed by close() after the write pass; removed by the OS when closed.
        self.file: IO[bytes] = tempfile.TemporaryFile(prefix="hatrack-oneroster-")  # noqa: SIM115
        self.count = 0

    def add(self, rows: list[UserRow]) -> None:
        if rows:
            data = marshal.dumps([tuple(row) for row in rows])
            self.file.write(len(data).to_bytes(8, "little"))
            self.file.write(data)
            self.count += len(rows)

    def batches(self) -> Iterator[list[UserRow]]:
        self.file.seek(0)
        while header := self.file.read(8):
            # Our own temporary file, written by this process moments ago.
            rows = marshal.loads(self.file.read(int.from_bytes(header, "little")))  # noqa: S302
            yield [UserRow._make(row) for row in rows]

    def close(self) -> None:
        self.file.close()
