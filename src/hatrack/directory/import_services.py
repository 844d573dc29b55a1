"""Apply a OneRoster 1.1 CSV export to the directory, and queue uploaded exports.

`import_oneroster` promises:
- **All or nothing by default.** A first pass streams and validates every row (and
  compares each person's fingerprint with the stored one); a set with any bad row is
  rejected and nothing is written. With `skip_bad_rows` the good rows are applied and
  the bad ones listed. The second pass writes in batches inside ONE transaction.
- **Idempotent, keyed by sourcedId.** Unchanged people (same fingerprint in
  `Person.source_hash`, same active flag) are not written; a re-import reports 0 changes.
- **Never deletes.** `status=tobedeleted` deactivates; a person or org missing from a
  *bulk* file (the full roster) is deactivated too. Guardians and other family rows are
  not stored (privacy) and are counted as skipped.
- **Audited as batches.** One audit entry per model touched, with its counts.
- **Reports progress** to an `ImportRun` (throttled) and to an optional callback
  `progress(phase, done, total)` used by the command line's progress bar.
Whole-file problems (bad zip, bad encoding, missing columns…) reject the import with one
message; unexpected errors mark the run failed and propagate.
"""

from __future__ import annotations

import datetime
import marshal
import re
import secrets
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.utils import timezone

from hatrack.core.audit import record_batch
from hatrack.core.models import ImportRun
from hatrack.directory.importers.oneroster.files import Mode, OneRosterSet
from hatrack.directory.importers.oneroster.orgs import ORG_REQUIRED, OrgParser
from hatrack.directory.importers.oneroster.reader import CsvReader
from hatrack.directory.importers.oneroster.rows import (
    OneRosterFileError,
    OrgRow,
    RowError,
    Skipped,
    UserRow,
)
from hatrack.directory.importers.oneroster.users import USER_REQUIRED, UserParser
from hatrack.directory.models import Department, District, Person, Site, nces_school_id
from hatrack.directory.names import name_key
from hatrack.directory.services import forget_directory_summary
from hatrack.workspace.navigation import forget_district_name

if TYPE_CHECKING:
    from hatrack.accounts.models import User

ProgressCallback = Callable[[str, int, int], None]

KIND = "oneroster"
BATCH_SIZE = 5000
MAX_STORED_ERRORS = 500
PROGRESS_EVERY_SECONDS = 0.5
PROGRESS_EVERY_ROWS = 1000
IMPORT_LOCK_KEY = 0x4F6E6552  # any constant shared by every import ("OneR")
MODELS: dict[str, type[Model]] = {
    "district": District,
    "sites": Site,
    "departments": Department,
    "people": Person,
}


@dataclass
class Counts:
    """What happened to the rows of one model."""

    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))

    @property
    def rows(self) -> int:
        return sum(vars(self).values())


@dataclass
class ImportResult:
    """The outcome of one import: status (ImportRun.Status), counts per model, errors."""

    status: str
    message: str = ""
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in MODELS})
    skipped_reasons: Counter[str] = field(default_factory=Counter)
    modes: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = False

    @property
    def rejected(self) -> bool:
        return self.status == ImportRun.Status.REJECTED

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated + c.deactivated for c in self.counts.values())

    def stored_counts(self) -> dict[str, Any]:
        """The JSON kept on the ImportRun: counts per model, skip reasons, file modes."""
        return {
            "models": {name: c.as_dict() for name, c in self.counts.items() if c.rows},
            "skipped_reasons": dict(self.skipped_reasons),
            "modes": self.modes,
        }

    def add_error(self, error: RowError, model: str) -> None:
        self.error_count += 1
        self.counts[model].errors += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)

    def skip(self, model: str, reason: str) -> None:
        self.counts[model].skipped += 1
        self.skipped_reasons[reason] += 1


def summarize(result: ImportResult) -> str:
    """One sentence for people: what the import did (or why nothing was written)."""
    if result.rejected:
        if result.message:
            return result.message
        return (
            f"Rejected: {result.error_count:,} bad row{'s' if result.error_count != 1 else ''} "
            "found, so nothing was imported. Fix them, or import again with "
            "“skip bad rows”."
        )
    parts = []
    for name, c in result.counts.items():
        if c.rows:
            parts.append(
                f"{name}: {c.created:,} created, {c.updated:,} updated, "
                f"{c.deactivated:,} deactivated, {c.unchanged:,} unchanged, "
                f"{c.skipped:,} skipped"
            )
    text = "; ".join(parts) or "no rows"
    prefix = "Dry run, nothing saved — would import" if result.dry_run else "Imported"
    suffix = f" {result.error_count:,} bad rows were skipped." if result.error_count else ""
    return f"{prefix} {text}.{suffix}"


# --- Progress -------------------------------------------------------------------------


class _Progress:
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


# --- The service --------------------------------------------------------------------


def fail_interrupted_import(*, run_id: int, reason: str) -> None:
    """Mark a run failed when its task ended without the import finishing it.

    That happens when the worker running it died too often and the task was given up:
    the run would otherwise show "running" for ever. A finished run is left alone.
    """
    ImportRun.objects.filter(pk=run_id, finished_at__isnull=True).update(
        status=ImportRun.Status.FAILED,
        phase="Failed",
        message=f"The import stopped before it finished and nothing was saved ({reason}).",
        finished_at=timezone.now(),
    )


def import_oneroster(
    *,
    source: Path,
    skip_bad_rows: bool,
    by: User | None,
    run: ImportRun | None = None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import orgs.csv and users.csv of the OneRoster 1.1 export at `source` (folder or zip).

    Returns the result; `run` (when given) is updated as the import goes and holds the
    same outcome at the end. `dry_run` does all the work and rolls it back.
    """
    report = _Progress(run, progress)
    report.start()
    try:
        with OneRosterSet.open(Path(source)) as files:
            result = _Import(files, skip_bad_rows, by, report, dry_run).run()
    except OneRosterFileError as exc:
        result = ImportResult(status=ImportRun.Status.REJECTED, message=exc.message)
        result.error_count = 1
        result.errors.append(RowError(exc.file, exc.line, "", exc.message))
    except BaseException as exc:
        report.failed(exc)
        raise
    report.finish(result)
    return result


class _Import:
    """One run of the two passes over one OneRoster set."""

    def __init__(
        self,
        files: OneRosterSet,
        skip_bad_rows: bool,
        by: User | None,
        report: _Progress,
        dry_run: bool,
    ) -> None:
        self.files = files
        self.skip_bad_rows = skip_bad_rows
        self.by = by
        self.report = report
        self.result = ImportResult(status=ImportRun.Status.DONE, dry_run=dry_run)
        self.org_rows: list[OrgRow] = []
        self.org_ids: set[str] = set()
        self.user_seen: dict[str, int] = {}
        self.spool = _Spool()
        self.active_in_file = 0

    def run(self) -> ImportResult:
        try:
            return self._run()
        finally:
            self.spool.close()

    def _run(self) -> ImportResult:
        orgs_mode = self.files.mode("orgs.csv")
        users_mode = self.files.mode("users.csv")
        self.result.modes = {"orgs.csv": orgs_mode, "users.csv": users_mode}
        if orgs_mode != "absent":
            self._check_orgs()
        if users_mode != "absent":
            self._check_users()
        if self.result.error_count and not self.skip_bad_rows:
            self.result.status = ImportRun.Status.REJECTED
            return self.result
        self.report.enter_transaction()
        try:
            with transaction.atomic():
                _lock_imports()
                if orgs_mode != "absent":
                    writer = _OrgWriter(self.result, self.report)
                    writer.apply(self.org_rows, orgs_mode, self.org_ids)
                if users_mode != "absent":
                    self._apply_users(users_mode)
                self._audit()
                if self.result.dry_run:
                    transaction.set_rollback(True)
                else:
                    # The dashboard's numbers and the layout's district name may change.
                    forget_directory_summary()
                    transaction.on_commit(forget_district_name)
        finally:
            self.report.leave_transaction()
        return self.result

    # Pass 1: validate, classify, count ------------------------------------------------

    def _check_orgs(self) -> None:
        reader = CsvReader(self.files, "orgs.csv", required=ORG_REQUIRED)
        parser = OrgParser(reader)
        self.report.begin("Checking orgs.csv", reader.total)
        type_at = reader.column("type")
        for line, row in reader:
            parsed = parser.parse(line, row)
            if isinstance(parsed, OrgRow):
                self.org_rows.append(parsed)
            elif isinstance(parsed, Skipped):
                self.result.skip("sites", parsed.reason)
            else:
                kind = row[type_at].strip().lower() if type_at is not None else ""
                model = {"district": "district", "department": "departments"}.get(kind, "sites")
                for error in parsed:
                    self.result.add_error(error, model)
            self.report.advance(reader.done, self.result.error_count)
        self.org_ids = set(parser.seen)

    def _known_org_ids(self) -> set[str]:
        known = set(self.org_ids)
        for model in (Site, Department, District):
            ids = model._default_manager.exclude(source_id=None).values_list("source_id", flat=True)
            known.update(str(i) for i in ids)
        return known

    def _check_users(self) -> None:
        reader = CsvReader(self.files, "users.csv", required=USER_REQUIRED)
        known = self._known_org_ids()
        parser = UserParser(reader, known.__contains__, self.user_seen)
        self.report.begin("Checking users.csv", reader.total)
        pending: list[UserRow] = []
        for number, (line, row) in enumerate(reader, start=1):
            parsed = parser.parse(line, row)
            if isinstance(parsed, UserRow):
                pending.append(parsed)
                if len(pending) >= BATCH_SIZE:
                    self._classify(pending)
                    pending = []
            elif isinstance(parsed, Skipped):
                self.result.skip("people", parsed.reason)
            else:
                for error in parsed:
                    self.result.add_error(error, "people")
            if number % PROGRESS_EVERY_ROWS == 0:
                self.report.advance(reader.done, self.result.error_count)
        self._classify(pending)
        self.report.advance(reader.total, self.result.error_count)

    def _classify(self, rows: list[UserRow]) -> None:
        """Which rows need writing: new people and changed ones. Counts the rest."""
        existing = _existing_people([r.source_id for r in rows])
        people = self.result.counts["people"]
        to_write: list[UserRow] = []
        for row in rows:
            found = existing.get(row.source_id)
            if not row.deleted:
                self.active_in_file += 1
            if found is None and row.deleted:
                self.result.skip("people", "tobedeleted rows of people never imported")
            elif found is not None and found[1:] == (row.fingerprint, not row.deleted):
                people.unchanged += 1
            else:
                to_write.append(row)
        self.spool.add(to_write)

    # Pass 2: write ----------------------------------------------------------------------

    def _apply_users(self, mode: Mode) -> None:
        writer = _PeopleWriter(self.result)
        self.report.begin("Writing people", self.spool.count)
        for batch in self.spool.batches():
            writer.write(batch)
            self.report.advance(writer.done, self.result.error_count)
        if mode == "bulk":
            self.report.begin("Deactivating people missing from users.csv", 0)
            writer.deactivate_missing(self.user_seen, self.active_in_file)

    def _audit(self) -> None:
        for name, model in MODELS.items():
            counts = self.result.counts[name]
            if not counts.rows:
                continue
            file = "users.csv" if name == "people" else "orgs.csv"
            record_batch(
                model=model,
                by=self.by,
                summary=(
                    f"OneRoster import of {file} from {self.files.label}: "
                    f"{counts.created} created, {counts.updated} updated, "
                    f"{counts.deactivated} deactivated, {counts.unchanged} unchanged"
                ),
                counts={
                    "source": self.files.label,
                    "file": file,
                    "mode": self.result.modes.get(file, ""),
                    **counts.as_dict(),
                },
            )


def _lock_imports() -> None:
    """One import writes at a time. SQLite's immediate transactions already queue writers;
    on PostgreSQL a transaction-scoped advisory lock does (released at commit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


class _Spool:
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


def _existing_people(source_ids: Sequence[str]) -> dict[str, tuple[int, str, bool]]:
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


# --- Writing people in batches ------------------------------------------------------------

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


class _PeopleWriter:
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
        if not rows:
            return
        existing = _existing_people([r.source_id for r in rows])
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
        self._insert(inserts)
        with connection.cursor() as cursor:
            if updates:
                cursor.executemany(self.update_sql, updates)
            if deactivations:
                cursor.executemany(self.deactivate_sql, deactivations)
        self.done += len(rows)

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


# --- Orgs: the district, sites and departments ------------------------------------------

_KIND_WORDS: tuple[tuple[str, Site.Kind], ...] = (
    (r"\bk\s*-?\s*(8|12)\b|\bcombined\b", Site.Kind.COMBINED),
    (r"\b(early|preschool|pre-?k|head start|kindergarten center)\b", Site.Kind.EARLY),
    (r"\b(alternative|alt|continuation)\b", Site.Kind.ALTERNATIVE),
    (r"\b(elementary|elem|primary)\b", Site.Kind.ELEMENTARY),
    (r"\b(middle|intermediate|junior high|jr\.? high)\b", Site.Kind.MIDDLE),
    (r"\b(high|secondary|senior)\b", Site.Kind.HIGH),
    (r"\b(office|administration|admin|central)\b", Site.Kind.OFFICE),
)
_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
_STOP_WORDS = {"of", "the", "and", "for", "at"}


def guess_site_kind(name: str) -> str:
    """The kind of school a name suggests ('Lincoln Elementary' -> elementary)."""
    text = name.lower()
    for pattern, kind in _KIND_WORDS:
        if re.search(pattern, text):
            return kind
    return Site.Kind.COMBINED


def derive_code(name: str, taken: set[str]) -> str:
    """A short unique code from a name: initials ('Lincoln High School' -> 'LHS')."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in _STOP_WORDS]
    base = "".join(w[0] for w in words).upper() if len(words) > 1 else "".join(words).upper()
    base = (base or "ORG")[:16]
    code, number = base, 2
    while code.upper() in taken:
        code, number = f"{base}{number}", number + 1
    return code


class _OrgWriter:
    """Applies org rows: the district row, schools as sites, departments. Row by row:
    a district has dozens of orgs, not thousands."""

    def __init__(self, result: ImportResult, report: _Progress) -> None:
        self.result = result
        self.report = report
        self.now = timezone.now()

    def apply(self, rows: list[OrgRow], mode: Mode, org_ids: set[str]) -> None:
        self.report.begin("Writing the district, sites and departments", len(rows))
        self._district([r for r in rows if r.type == "district"])
        sites = self._sites([r for r in rows if r.type == "school"])
        self._departments([r for r in rows if r.type == "department"], sites)
        if mode == "bulk":
            self._deactivate_missing(org_ids)

    def _district(self, rows: list[OrgRow]) -> None:
        counts = self.result.counts["district"]
        district = District.objects.filter(pk=1).first()
        for row in rows:
            lea_id = row.identifier if re.fullmatch(r"\d{7}", row.identifier) else ""
            if district is None and not row.deleted:
                district = District(
                    name=row.name, source_id=row.source_id, state="", nces_lea_id=lea_id
                )
                district.save()
                counts.created += 1
            elif district is None or district.source_id not in (None, "", row.source_id):
                self.result.skip("district", "only one district is kept")
            elif district.source_id != row.source_id or not district.name:
                district.source_id = row.source_id
                district.name = district.name or row.name
                district.nces_lea_id = district.nces_lea_id or lea_id
                district.save(update_fields=["source_id", "name", "nces_lea_id", "updated_at"])
                counts.updated += 1
            else:
                counts.unchanged += 1

    def _sites(self, rows: list[OrgRow]) -> dict[str, Site]:
        counts = self.result.counts["sites"]
        sites = {s.source_id: s for s in Site.objects.exclude(source_id=None) if s.source_id}
        unlinked = list(Site.objects.filter(source_id=None))
        codes = {c.upper() for c in Site.objects.values_list("code", flat=True)}
        nces_taken = {n for n in Site.objects.values_list("nces_school_id", flat=True) if n}
        for row in rows:
            site = sites.get(row.source_id) or _match_unlinked(unlinked, row)
            if site is None:
                if row.deleted:
                    self.result.skip("sites", "tobedeleted rows of orgs never imported")
                    continue
                site = Site(name=row.name, kind=guess_site_kind(row.name), source_id=row.source_id)
                if _is_nces_id(row.identifier) and row.identifier not in nces_taken:
                    site.nces_school_id = row.identifier
                    nces_taken.add(row.identifier)
                site.code = _code(row.identifier, row.name, codes)
                codes.add(site.code.upper())
                site.save()
                counts.created += 1
            else:
                self._update(site, row, counts, ["name", "source_id", "active"])
            sites[row.source_id] = site
        return sites

    def _departments(self, rows: list[OrgRow], sites: dict[str, Site]) -> None:
        counts = self.result.counts["departments"]
        found = {d.source_id: d for d in Department.objects.exclude(source_id=None) if d.source_id}
        codes = {c.upper() for c in Department.objects.values_list("code", flat=True)}
        for row in rows:
            department = found.get(row.source_id)
            parent = sites.get(row.parent_id)
            if department is None:
                if row.deleted:
                    self.result.skip("departments", "tobedeleted rows of orgs never imported")
                    continue
                department = Department(name=row.name, source_id=row.source_id, site=parent)
                department.code = _code(row.identifier, row.name, codes)
                codes.add(department.code.upper())
                department.save()
                counts.created += 1
            else:
                if not row.deleted and parent is not None:
                    department.site = parent
                self._update(department, row, counts, ["name", "active", "site"])
            found[row.source_id] = department

    def _update(
        self, record: Site | Department, row: OrgRow, counts: Counts, fields: list[str]
    ) -> None:
        before = {name: record.serializable_value(name) for name in fields}
        was_active = record.active
        record.source_id = row.source_id
        record.active = not row.deleted
        if not row.deleted:
            record.name = row.name
        if {name: record.serializable_value(name) for name in fields} == before:
            counts.unchanged += 1
            return
        record.save(update_fields=[*fields, "updated_at"])
        if was_active and row.deleted:
            counts.deactivated += 1
        else:
            counts.updated += 1

    def _deactivate_missing(self, org_ids: set[str]) -> None:
        models: tuple[tuple[str, type[Site] | type[Department]], ...] = (
            ("sites", Site),
            ("departments", Department),
        )
        for name, model in models:
            rows = model._default_manager.filter(active=True).exclude(source_id=None)
            missing = [
                pk
                for pk, source_id in rows.values_list("pk", "source_id")
                if source_id not in org_ids
            ]
            if missing:
                model._default_manager.filter(pk__in=missing).update(
                    active=False, updated_at=self.now
                )
                self.result.counts[name].deactivated += len(missing)


def _is_nces_id(value: str) -> bool:
    try:
        nces_school_id(value)
    except ValidationError:
        return False
    return True


def _code(identifier: str, name: str, taken: set[str]) -> str:
    usable = identifier and _CODE_PATTERN.match(identifier) and not _is_nces_id(identifier)
    if usable and identifier.upper() not in taken:
        return identifier
    return derive_code(name, taken)


def _match_unlinked(unlinked: list[Site], row: OrgRow) -> Site | None:
    """A site entered by hand before the first import: same NCES id, code or name."""
    if row.deleted:
        return None
    for site in unlinked:
        if (
            row.identifier and row.identifier in (site.nces_school_id, site.code)
        ) or site.name.casefold() == row.name.casefold():
            unlinked.remove(site)
            return site
    return None


# --- Queuing an uploaded export ------------------------------------------------------------


def upload_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def queue_oneroster_import(
    *, uploads: Sequence[UploadedFile[Any]], skip_bad_rows: bool, by: User
) -> ImportRun:
    """Store an uploaded export under MEDIA_ROOT/imports/ (a random name), create its
    ImportRun (queued) and enqueue the import task once the transaction commits.

    `uploads` is one .zip or several OneRoster CSV files, already checked by the form.
    Files are copied in chunks, never read into memory whole.
    """
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    if len(uploads) == 1 and (uploads[0].name or "").lower().endswith(".zip"):
        target = folder / f"{token}.zip"
        _save_upload(uploads[0], target)
    else:
        target = folder / token
        target.mkdir()
        for upload in uploads:
            _save_upload(upload, target / Path(upload.name or "").name.lower())
    try:
        with transaction.atomic():
            run = new_import_run(
                source_name=", ".join(Path(u.name or "").name for u in uploads),
                source_path=target,
                skip_bad_rows=skip_bad_rows,
                by=by,
            )
            from hatrack.directory.tasks import run_oneroster_import

            transaction.on_commit(partial(run_oneroster_import.enqueue, run.pk))
    except BaseException:
        discard_upload(str(target))
        raise
    return run


def new_import_run(
    *, source_name: str, source_path: Path, skip_bad_rows: bool, by: User | None
) -> ImportRun:
    """The queued ImportRun of a OneRoster import (from an upload or the command line)."""
    return ImportRun.objects.create(
        kind=KIND,
        status=ImportRun.Status.QUEUED,
        source_name=source_name[:255],
        source_path=str(source_path)[:500],
        options={"skip_bad_rows": skip_bad_rows},
        created_by=by,
        phase="Waiting for a worker",
    )


def _save_upload(upload: UploadedFile[Any], target: Path) -> None:
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def discard_upload(source_path: str) -> None:
    """Remove a stored upload once its import has finished (it may hold student data)."""
    path = Path(source_path)
    folder = upload_folder().resolve()
    if not source_path or folder not in path.resolve().parents:
        return
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
