"""Apply a OneRoster 1.1 CSV export to the directory.

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

from pathlib import Path
from typing import TYPE_CHECKING

from django.db import connection, transaction

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
from hatrack.directory.imports.orgs import OrgWriter
from hatrack.directory.imports.people import BATCH_SIZE, PeopleWriter, existing_people
from hatrack.directory.imports.progress import PROGRESS_EVERY_ROWS, Progress, ProgressCallback
from hatrack.directory.imports.results import MODELS, ImportResult
from hatrack.directory.imports.spool import Spool
from hatrack.directory.models import Department, District, Site
from hatrack.directory.services import forget_directory_summary
from hatrack.workspace.navigation import forget_district_name

if TYPE_CHECKING:
    from hatrack.accounts.models import User

IMPORT_LOCK_KEY = 0x4F6E6552  # any constant shared by every import ("OneR")


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
    report = Progress(run, progress)
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
        report: Progress,
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
        self.spool = Spool()
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
        self._apply(orgs_mode, users_mode)
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
        existing = existing_people([r.source_id for r in rows])
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

    def _apply(self, orgs_mode: Mode, users_mode: Mode) -> None:
        """Pass 2, in one transaction: orgs, then people, then the audit entries."""
        self.report.enter_transaction()
        try:
            with transaction.atomic():
                _lock_imports()
                if orgs_mode != "absent":
                    writer = OrgWriter(self.result, self.report)
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

    def _apply_users(self, mode: Mode) -> None:
        writer = PeopleWriter(self.result)
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
