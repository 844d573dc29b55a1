"""Apply a device export (Google Admin, Intune, or a mapped CSV/XLSX) to the fleet.

`import_devices` promises:
- **A preview first.** Pass 1 streams and validates every row and classifies it against
  the fleet by serial number (normalized): create, update (with the changed fields) or
  unchanged; it also lists the discrepancies (in the console but not in Hatrack, and
  fleet devices of the console's kinds missing from the export). A dry run stops there
  and writes nothing but its ImportRun.
- **All or nothing by default.** A file with any bad row is rejected and nothing is
  written; with `skip_bad_rows` the good rows are applied and the bad ones listed.
  Pass 2 writes inside ONE transaction: new devices as one insert stream (COPY on
  PostgreSQL), changed ones in batches of UPDATEs (see `writer`).
- **Idempotent.** Only fields that differ are written; importing the same file again
  reports 0 created, 0 updated. Console exports mirror the console (an empty cell clears
  the console field); a spreadsheet's empty cell never clears a value, and a field it
  does not map is left alone.
- **Careful with what Hatrack owns.** An existing device's model and status are never
  changed; its asset tag and site are only filled when empty (the site from an org unit
  path naming exactly one site code, e.g. /Students/LHS/Grade 9 → LHS).
- **Audited**: one batch entry for the devices (and one for new models), plus an update
  entry per changed device so its history shows what the console changed.
- **Reports progress** to an ImportRun (throttled) and to `progress(phase, done, total)`.
Whole-file problems (wrong format, unreadable, missing column) reject the import with one
message; unexpected errors mark the run failed and propagate.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from hatrack.core.audit import record_batch
from hatrack.core.middleware import current_request_id
from hatrack.core.models import AuditEntry, ImportRun
from hatrack.devices.importers.formats import CONSOLES, open_export
from hatrack.devices.importers.layout import DeviceParser
from hatrack.devices.importers.rows import FIELDS, DeviceFileError, DeviceRow, RowError
from hatrack.devices.imports.checked import CheckedRows, CheckedRowsWriter
from hatrack.devices.imports.fleet import FleetDevice, FleetReader, asset_tag_owners
from hatrack.devices.imports.progress import DeviceProgress
from hatrack.devices.imports.results import MAX_DISCREPANCIES, MAX_SAMPLES, DeviceImportResult
from hatrack.devices.imports.spool import Spool
from hatrack.devices.imports.writer import DeviceWriter
from hatrack.devices.models import Category, Console, Device, DeviceModel
from hatrack.directory.imports.progress import PROGRESS_EVERY_ROWS, ProgressCallback
from hatrack.directory.models import Site

if TYPE_CHECKING:
    from hatrack.accounts.models import User

IMPORT_LOCK_KEY = 0x44657673  # "Devs": one device import writes at a time
BATCH_SIZE = 2000
SEEN_PRECISION = datetime.timedelta(hours=12)
# Console fields copied from the export, as the Device's attribute names.
CONSOLE_FIELDS = (
    "console_id", "os_version", "last_checkin_at", "console_user", "org_unit",
    "wifi_mac", "ethernet_mac", "auto_update_expiration",
)  # fmt: skip
# What a console reports on every sync: counted and written, but not audited per device
# (a weekly export would otherwise add an entry for nearly every device).
TELEMETRY = {"last_checkin_at", "os_version", "console_user"}
# The kinds of device each console manages: the fleet's devices it should list.
CONSOLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    Console.GOOGLE: (Category.CHROMEBOOK,),
    Console.INTUNE: (Category.WINDOWS, Category.MAC),
}
_LABELS = {**FIELDS, "console": "Console", "site": "Site"}


def import_devices(
    *,
    source: Path,
    format: str,
    mapping: Mapping[str, str] | None = None,
    by: User | None,
    run: ImportRun | None = None,
    progress: ProgressCallback | None = None,
    dry_run: bool,
    create_missing: bool,
    skip_bad_rows: bool = False,
    source_name: str = "",
    keep_rows: Path | None = None,
    rows_from: Path | None = None,
) -> DeviceImportResult:
    """Import (or, with `dry_run`, preview) the device export at `source`.

    Returns the result; `run` (when given) is updated as the import goes and holds the
    same outcome at the end. A preview given `keep_rows` stores its checked rows there;
    an import given `rows_from` (such a file) replays them instead of reading `source`
    again (see `checked`).
    """
    report = DeviceProgress(run, progress)
    report.start()
    options = _Options(format, by, dry_run, create_missing, skip_bad_rows)
    keep = CheckedRowsWriter(keep_rows) if keep_rows is not None else None
    try:
        if rows_from is not None:
            result = _Import(CheckedRows(rows_from), options, report).run()
        else:
            with open_export(source, format=format, mapping=mapping, name=source_name) as parser:
                result = _Import(parser, options, report, keep).run()
    except DeviceFileError as exc:
        if keep is not None:
            keep.discard()
        result = DeviceImportResult(
            status=ImportRun.Status.REJECTED, dry_run=dry_run, message=exc.message
        )
        result.file_error = True
        result.add_error(RowError(exc.line, "", exc.message))
    except BaseException as exc:
        if keep is not None:
            keep.discard()
        report.failed(exc)
        raise
    report.complete(result)
    return result


class _Options:
    def __init__(
        self, format: str, by: User | None, dry_run: bool, create: bool, skip: bool
    ) -> None:
        self.format = format
        self.console = CONSOLES[format]
        self.by = by
        self.dry_run = dry_run
        self.create_missing = create
        self.skip_bad_rows = skip
        # Console exports mirror the console; a spreadsheet's empty cell means "unknown".
        self.clears = bool(self.console)


def _values_of(names: list[str]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A function giving a DeviceRow's (or its tuple's) values of `names`, as a tuple."""
    positions = [DeviceRow._fields.index(name) for name in names]
    if len(positions) > 1:
        return operator.itemgetter(*positions)
    return lambda row: tuple(row[i] for i in positions)


class _Import:
    """One run of the two passes over one export."""

    def __init__(
        self,
        parser: DeviceParser | CheckedRows,
        options: _Options,
        report: DeviceProgress,
        keep: CheckedRowsWriter | None = None,
    ) -> None:
        self.parser = parser
        self.keep = keep
        self.parse_errors: list[RowError] = []
        self.parse_error_count = 0
        self.parse_bad_lines: set[int] = set()
        self.options = options
        self.report = report
        self.result = DeviceImportResult(status=ImportRun.Status.DONE, dry_run=options.dry_run)
        self.copied = [f for f in CONSOLE_FIELDS if f in parser.fields]
        self.result.fields = [FIELDS[f] for f in FIELDS if f in parser.fields]
        # What pass 2 writes: new devices, and changes to devices (kept apart so that
        # new devices go in as one stream).
        self.spool, self.changed = Spool(), Spool()
        self.seen_pks: list[int] = []
        self.bad_lines: set[int] = set()
        self.asset_tags: dict[str, int] = {}
        self.sites = {code.upper(): pk for code, pk in Site.objects.values_list("code", "pk")}
        self.org_unit_sites: dict[str, int | None] = {}
        self.models = self._known_models()
        self.new_models: dict[str, tuple[str, str, str]] = {}
        self.model_keys: dict[tuple[str, str, str], str] = {}
        self.fleet = FleetReader(self.copied)
        # A new device's columns: these fields of its row, then its model and site.
        self._new_names = ["serial_number", "asset_tag", *self.copied, "model_id", "site_id"]
        self._pick_new = _values_of(self._new_names[:-2])
        # The row's values of the copied fields, as a tuple to compare with the fleet's.
        self._pick_copied = _values_of(self.copied)

    def run(self) -> DeviceImportResult:
        try:
            self._check()
            if self.bad_lines and not self.options.skip_bad_rows:
                self.result.status = ImportRun.Status.REJECTED
            if not self.options.dry_run and not self.result.rejected:
                self._apply()
            return self.result
        finally:
            self.spool.close()
            self.changed.close()

    # Pass 1: validate, classify, list discrepancies -----------------------------------

    def _check(self) -> None:
        table = self.parser.table
        self.report.begin("Checking the file", table.total)
        pending: list[DeviceRow] = []
        for number, parsed in enumerate(self.parser, start=1):
            if isinstance(parsed, DeviceRow):
                pending.append(parsed)
                if len(pending) >= BATCH_SIZE:
                    self._classify(pending)
                    pending = []
            else:
                self._reject(parsed)
                self._remember(parsed)
            if number % PROGRESS_EVERY_ROWS == 0:
                self.report.advance(table.done, self.result.error_count)
        self._classify(pending)
        self._finish_replay_or_keep()
        self.result.rows = self.parser.rows
        self.result.new_models = [name for _, name, _ in self.new_models.values()]
        self.report.advance(table.total, self.result.error_count)
        if self.options.console:
            self._find_missing_from_console()

    def _remember(self, errors: list[RowError]) -> None:
        """The parser's own errors, for the checked rows a preview keeps."""
        if self.keep is not None:
            self.parse_error_count += len(errors)
            self.parse_errors.extend(errors[: max(0, 500 - len(self.parse_errors))])
            self.parse_bad_lines.update(e.line for e in errors)

    def _finish_replay_or_keep(self) -> None:
        if self.keep is not None:
            self.keep.finish(
                self.parser,  # type: ignore[arg-type]  # a keeping import reads a parser
                self.parse_errors,
                self.parse_error_count,
                self.parse_bad_lines,
            )
        if isinstance(self.parser, CheckedRows):
            # The preview kept at most 500 of its errors: count the others too.
            self.result.error_count += self.parser.error_count - len(self.parser.errors)
            self.bad_lines |= self.parser.bad_lines

    def _reject(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.bad_lines.add(error.line)
            self.result.add_error(error)

    def _column(self, name: str) -> str:
        return self.parser.columns[name][1] if name in self.parser.columns else FIELDS[name]

    def _classify(self, rows: list[DeviceRow]) -> None:
        """Which rows need writing: new devices and changed ones. Counts the rest."""
        if not rows:
            return
        if self.keep is not None:
            self.keep.add(rows)
        found = self.fleet.by_serial([r.serial_number for r in rows])
        taken = self._asset_tags_taken(rows, found)
        to_write: list[tuple[Any, ...]] = []
        console, pick, site_for = self.options.console, self._pick_copied, self._site_for
        # Unchanged devices, sampled and marked here as _unchanged does, for speed.
        unchanged, samples = self.seen_pks, self.result.samples["unchanged"]
        before = len(unchanged)
        for row in rows:
            existing = found.get(row.serial_number)
            fills_tag = row.asset_tag and not (existing and existing.asset_tag)
            if fills_tag and not self._asset_tag_ok(row, taken):
                continue
            if existing is None:
                item = self._creation(row)
            elif (
                # The usual re-import: nothing differs (the fields as _update compares).
                pick(row) == existing.values
                and (not console or existing.console == console)
                and (existing.asset_tag or not row.asset_tag)
                and (existing.site_id is not None or site_for(row.org_unit) is None)
            ):
                unchanged.append(existing.pk)
                if len(samples) < MAX_SAMPLES:
                    samples.append(row.serial_number)
                continue
            else:
                item = self._update(row, existing)
            if item is not None:
                to_write.append(item)
        self.result.unchanged += len(unchanged) - before
        if not self.options.dry_run:  # a preview writes nothing, so keeps nothing to write
            self.spool.add([item for item in to_write if item[0] == "c"])
            self.changed.add([item for item in to_write if item[0] == "u"])

    def _unchanged(self, row: DeviceRow, existing: FleetDevice) -> None:
        """Sampled and marked as seen by the console (updated rows get console_seen_at
        with their update); _classify counts them from seen_pks."""
        self.result.sample("unchanged", row.serial_number)
        self.seen_pks.append(existing.pk)

    def _asset_tags_taken(
        self, rows: list[DeviceRow], found: dict[str, FleetDevice]
    ) -> dict[str, str]:
        """Asset tags the rows would fill that already belong to a device: tag -> serial."""
        tags = [
            r.asset_tag
            for r in rows
            if r.asset_tag and not ((d := found.get(r.serial_number)) and d.asset_tag)
        ]
        return asset_tag_owners(tags)

    def _asset_tag_ok(self, row: DeviceRow, taken: dict[str, str]) -> bool:
        """Whether the asset tag a row would fill is free (in the fleet and in the file)."""
        owner = taken.get(row.asset_tag)
        if owner and owner != row.serial_number:
            reason = f"Asset tag {row.asset_tag} already belongs to device {owner}."
            self._reject([RowError(row.line, self._column("asset_tag"), reason)])
            return False
        first = self.asset_tags.setdefault(row.asset_tag, row.line)
        if first != row.line:
            reason = f"Asset tag {row.asset_tag} is also on line {first}."
            self._reject([RowError(row.line, self._column("asset_tag"), reason)])
            return False
        return True

    def _site_for(self, org_unit: str) -> int | None:
        """The site an org unit path names by its code, when exactly one part is a code
        (remembered per path: an export has a few hundred org units)."""
        if org_unit in self.org_unit_sites:
            return self.org_unit_sites[org_unit]
        matches = {
            self.sites[part.upper()] for part in org_unit.split("/") if part.upper() in self.sites
        }
        site = matches.pop() if len(matches) == 1 else None
        self.org_unit_sites[org_unit] = site
        return site

    def _creation(self, row: DeviceRow) -> tuple[Any, ...] | None:
        if not self.options.create_missing:
            self.result.not_in_hatrack += 1
            self.result.sample(
                "not_in_hatrack",
                {"line": row.line, "serial": row.serial_number, "model": row.model},
            )
            return None
        if not row.model:
            reason = "The model is empty: Hatrack needs it to add this device."
            self._reject([RowError(row.line, self._column("model"), reason)])
            return None
        model_key = self._model_for(row)
        site = self._site_for(row.org_unit)
        result = self.result
        result.created += 1
        if len(result.samples["create"]) < MAX_SAMPLES:
            result.sample(
                "create",
                {
                    "line": row.line,
                    "serial": row.serial_number,
                    "asset_tag": row.asset_tag,
                    "model": row.model,
                    "org_unit": row.org_unit,
                    "user": row.console_user,
                },
            )
        return ("c", 0, site or 0, model_key, tuple(row))

    def _update(self, row: DeviceRow, existing: FleetDevice) -> tuple[Any, ...] | None:
        changes: dict[str, list[str]] = {}
        final: dict[str, Any] = {}
        for name, old in zip(self.copied, existing.values, strict=True):
            new = getattr(row, name)
            final[name] = old
            if new != old and (new or self.options.clears):
                changes[name] = [old, new]
                final[name] = new
        if self.options.console:
            final["console"] = self.options.console
            if existing.console != self.options.console:
                changes["console"] = [existing.console, self.options.console]
        final["asset_tag"] = existing.asset_tag
        if row.asset_tag and not existing.asset_tag:
            changes["asset_tag"] = ["", row.asset_tag]
            final["asset_tag"] = row.asset_tag
        final["site_id"] = existing.site_id
        site = self._site_for(row.org_unit) if existing.site_id is None else None
        if site is not None:
            changes["site"] = ["", next(c for c, pk in self.sites.items() if pk == site)]
            final["site_id"] = site
        if not changes:
            self._unchanged(row, existing)
            return None
        self.result.updated += 1
        self.result.sample(
            "update",
            {
                "line": row.line,
                "serial": row.serial_number,
                "changes": {_LABELS[k]: v for k, v in changes.items()},
            },
        )
        audited = {k: v for k, v in changes.items() if k not in TELEMETRY}
        label = final["asset_tag"] or row.serial_number
        return ("u", existing.pk, final, audited, label)

    def _known_models(self) -> dict[str, int]:
        known: dict[str, int] = {}
        for pk, manufacturer, name in DeviceModel.objects.values_list("pk", "manufacturer", "name"):
            known.setdefault(name.lower(), pk)
            known.setdefault(f"{manufacturer} {name}".lower(), pk)
        return known

    def _model_for(self, row: DeviceRow) -> str:
        """The key of the row's model: a catalog model's, or a new one to create
        (remembered per model, manufacturer and category: an export has a few)."""
        asked = (row.model, row.manufacturer, row.category)
        key = self.model_keys.get(asked)
        if key is None:
            key = self.model_keys[asked] = self._find_model(row)
        return key

    def _find_model(self, row: DeviceRow) -> str:
        manufacturer = row.manufacturer or row.model.split()[0]
        for key in (row.model.lower(), f"{manufacturer} {row.model}".lower()):
            if key in self.models or key in self.new_models:
                return key
        key = row.model.lower()
        category = row.category or Category.OTHER.value
        self.new_models[key] = (manufacturer[:100], row.model, category)
        return key

    def _find_missing_from_console(self) -> None:
        """Fleet devices of the console's kinds (or reporting to it) the export lacks:
        their serial numbers read straight through, the few sampled ones in full."""
        self.report.begin("Comparing with the fleet", 0)
        console = self.options.console
        listed = self.parser.seen
        fleet = (
            Device.objects.in_fleet()
            .filter(Q(model__category__in=CONSOLE_CATEGORIES[console]) | Q(console=console))
            .order_by()
        )
        missing: list[str] = []
        for serial in fleet.values_list("serial_number", flat=True).iterator(chunk_size=5000):
            if serial not in listed:
                self.result.not_in_console += 1
                if len(missing) < MAX_DISCREPANCIES:
                    missing.append(serial)
        sampled = fleet.filter(serial_number__in=missing).values_list(
            "serial_number", "asset_tag", "site__code", "console_seen_at"
        )
        details = {serial: (tag, site, seen) for serial, tag, site, seen in sampled}
        for serial in missing:
            if serial not in details:  # changed since, by someone else
                continue
            tag, site, seen_at = details[serial]
            self.result.sample(
                "not_in_console",
                {
                    "serial": serial,
                    "asset_tag": tag or "",
                    "site": site or "",
                    "seen": seen_at.date().isoformat() if seen_at else "",
                },
            )

    # Pass 2: write ----------------------------------------------------------------------

    def _apply(self) -> None:
        self.result.skipped = len(self.bad_lines)
        self.report.enter_transaction()
        try:
            with transaction.atomic():
                _lock_imports()
                now = timezone.now()
                model_ids = self._create_models()
                writer = DeviceWriter()
                stamp = now.isoformat()  # adapted once per row instead of per value
                total = self.spool.count + self.changed.count
                self.report.begin("Writing devices", total)
                self._insert(writer, model_ids, stamp)
                done = self.spool.count
                for batch in self.changed.batches():
                    self._write_changes(writer, batch, stamp)
                    done += len(batch)
                    self.report.advance(done, self.result.error_count)
                if self.options.console:
                    self._mark_seen(writer, now)
                self._audit()
        finally:
            self.report.leave_transaction()

    def _create_models(self) -> dict[str, int]:
        ids = dict(self.models)
        for key, (manufacturer, name, category) in self.new_models.items():
            model = DeviceModel.objects.create(
                manufacturer=manufacturer, name=name, category=category
            )
            ids[key] = model.pk
        return ids

    def _insert(self, writer: DeviceWriter, model_ids: dict[str, int], now: str) -> None:
        """The new devices, batch after batch into one insert stream."""
        if not self.spool.count:
            return
        shared = {"console": self.options.console, "created_at": now, "updated_at": now}
        if self.options.console:
            shared["console_seen_at"] = now
        pick, done = self._pick_new, 0
        with writer.inserting(self._new_names, shared) as insert:
            for batch in self.spool.batches():
                insert(
                    [
                        (*pick(values), model_ids[model_key], site or None)
                        for _, _, site, model_key, values in batch
                    ]
                )
                done += len(batch)
                self.report.advance(done, self.result.error_count)

    def _write_changes(
        self, writer: DeviceWriter, updates: list[tuple[Any, ...]], now: str
    ) -> None:
        names = [*self.copied, "asset_tag", "site_id", "updated_at"]
        if self.options.console:
            names += ["console", "console_seen_at"]
        rows = [
            (pk, {**final, "asset_tag": final["asset_tag"] or None,
                  "updated_at": now, "console_seen_at": now})
            for _, pk, final, _, _ in updates
        ]  # fmt: skip
        writer.update(names, rows)
        self._audit_updates(updates)

    def _audit_updates(self, updates: list[tuple[Any, ...]]) -> None:
        """An update entry per device whose record (not only its telemetry) changed."""
        by = self.options.by
        content_type = ContentType.objects.get_for_model(Device)
        request_id = current_request_id.get()
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    actor=by,
                    actor_name=by.get_username() if by else "system",
                    action=AuditEntry.Action.UPDATE,
                    content_type=content_type,
                    object_id=str(pk),
                    object_repr=label[:200],
                    summary=f"Device import of {self.parser.table.name}"[:300],
                    changes=audited,
                    request_id=request_id,
                )
                for _, pk, _, audited, label in updates
                if audited
            ],
            batch_size=500,
        )

    def _mark_seen(self, writer: DeviceWriter, now: datetime.datetime) -> None:
        """Unchanged devices listed again: console_seen_at is kept to within half a day,
        so importing the same export twice in an hour rewrites no rows."""
        for start in range(0, len(self.seen_pks), BATCH_SIZE):
            chunk = self.seen_pks[start : start + BATCH_SIZE]
            writer.mark_seen(chunk, now, now - SEEN_PRECISION)

    def _audit(self) -> None:
        label = self.parser.table.name
        result = self.result
        if self.new_models:
            record_batch(
                model=DeviceModel,
                by=self.options.by,
                summary=f"Device import of {label}: {len(self.new_models)} models created",
                counts={"source": label, "created": len(self.new_models)},
            )
        record_batch(
            model=Device,
            by=self.options.by,
            summary=(
                f"Device import ({self.options.format}) of {label}: {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged, "
                f"{result.skipped} bad rows skipped"
            ),
            counts={
                "source": label,
                "format": self.options.format,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
            },
        )


def _lock_imports() -> None:
    """One device import writes at a time. SQLite's immediate transactions already queue
    writers; on PostgreSQL a transaction-scoped advisory lock does (released at commit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
