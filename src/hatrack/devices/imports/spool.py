"""Rows that need writing, kept on disk between the checking and the writing pass."""

from __future__ import annotations

import marshal
import tempfile
from collections.abc import Iterator
from typing import IO, Any


class Spool:
    """Batches of plain tuples on a temporary file (marshal): 100,000 rows cost a few
    megabytes of disk instead of a hundred of memory, and the file is not read twice."""

    def __init__(self) -> None:
        # Closed by close() after the write pass; the OS removes it when closed.
        self.file: IO[bytes] = tempfile.TemporaryFile(prefix="hatrack-devices-")  # noqa: SIM115
        self.count = 0

    def add(self, items: list[tuple[Any, ...]]) -> None:
        if items:
            data = marshal.dumps(items)
            self.file.write(len(data).to_bytes(8, "little"))
            self.file.write(data)
            self.count += len(items)

    def batches(self) -> Iterator[list[tuple[Any, ...]]]:
        self.file.seek(0)
        while header := self.file.read(8):
            # Our own temporary file, written by this process moments ago.
            yield marshal.loads(self.file.read(int.from_bytes(header, "little")))  # noqa: S302

    def close(self) -> None:
        self.file.close()
