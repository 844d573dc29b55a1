"""Progress of a running import: the ImportRun row and the caller's progress bar."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from hatrack.core.models import ImportRun
from hatrack.directory.imports.results import MAX_STORED_ERRORS, ImportResult, summarize

ProgressCallback = Callable[[str, int, int], None]

PROGRESS_EVERY_SECONDS = 0.5
PROGRESS_EVERY_ROWS = 1000


class Progress:
    """Keeps the ImportRun row and the caller's progress bar up to date, throttled.

    While the apply transaction is open its own writes are invisible to the page, so on
    PostgreSQL progress goes through a second connection; SQLite has a single writer,
    so there the page shows the writing phase without a moving bar until it commits.
    """

    def __init__(self, run: ImportRun | None, callback: ProgressCallback | None) -> None:
        self.run = run
        self.callback = callback
        self.phase = ""
        self.total = 0
        self.done = 0
        self.error_count = 0
        self._written_at = 0.0
        self._in_transaction = False
        self._side: BaseDatabaseWrapper | None = None

    def start(self) -> None:
        if self.run is None:
            return
        self.run.status = ImportRun.Status.RUNNING
        self.run.started_at = timezone.now()
        self.run.finished_at = None
        self.run.phase = "Opening the files"
        self.run.progress_done = self.run.progress_total = self.run.error_count = 0
        self.run.errors, self.run.counts, self.run.message = [], {}, ""
        self.run.save(
            update_fields=[
                "status", "started_at", "finished_at", "phase", "progress_done",
                "progress_total", "error_count", "errors", "counts", "message",
            ]
        )  # fmt: skip

    def begin(self, phase: str, total: int) -> None:
        self.phase, self.total, self.done = phase, total, 0
        self._notify(force=True)

    def advance(self, done: int, error_count: int) -> None:
        self.done, self.error_count = done, error_count
        self._notify(force=False)

    def _notify(self, *, force: bool) -> None:
        if self.callback is not None:
            self.callback(self.phase, self.done, self.total)
        now = time.monotonic()
        if self.run is None or (not force and now - self._written_at < PROGRESS_EVERY_SECONDS):
            return
        self._written_at = now
        values: list[str | int] = [
            self.phase[:100], self.done, self.total, self.error_count, self.run.pk,
        ]  # fmt: skip
        # Table and column names come from the model, values are parameters.
        sql = (
            f"UPDATE {ImportRun._meta.db_table} SET phase = %s, progress_done = %s, "  # noqa: S608
            "progress_total = %s, error_count = %s WHERE id = %s"
        )
        if not self._in_transaction:
            with connection.cursor() as cursor:
                cursor.execute(sql, values)
        elif self._side is not None:
            try:
                with self._side.cursor() as cursor:
                    cursor.execute(sql, values)
            except DatabaseError:
                self._close_side()

    def enter_transaction(self) -> None:
        self._in_transaction = True
        if self.run is not None and connection.vendor == "postgresql":
            try:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self._side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '1s'")
            except DatabaseError:
                self._close_side()

    def leave_transaction(self) -> None:
        self._in_transaction = False
        self._close_side()

    def _close_side(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def finish(self, result: ImportResult) -> None:
        if self.run is None:
            return
        self.run.status = result.status
        self.run.phase = "Finished" if not result.rejected else "Rejected"
        self.run.progress_done = self.run.progress_total = max(self.total, 1)
        self.run.counts = result.stored_counts()
        self.run.errors = [e.as_dict() for e in result.errors[:MAX_STORED_ERRORS]]
        self.run.error_count = result.error_count
        self.run.message = summarize(result)
        self.run.finished_at = timezone.now()
        self.run.save()

    def failed(self, exc: BaseException) -> None:
        self._close_side()
        if self.run is None:
            return
        self.run.status = ImportRun.Status.FAILED
        self.run.phase = "Failed"
        self.run.message = (
            f"The import stopped on an unexpected error and nothing was saved "
            f"({type(exc).__name__}: {exc})."
        )[:2000]
        self.run.finished_at = timezone.now()
        self.run.save(update_fields=["status", "phase", "message", "finished_at"])
