"""`hatrack import-devices --format google|intune|csv [--dry-run] FILE`: import a device
export from the command line.

Streams the file with a progress bar on stderr, prints the counts, the samples of the
preview, the discrepancies and the bad rows, and exits non-zero when the import is
rejected. The run is recorded like a web upload (an ImportRun, audited as batches);
--dry-run saves nothing, not even the run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hatrack.core.models import ImportRun
from hatrack.devices.importers.formats import FORMATS
from hatrack.devices.importers.rows import FIELDS
from hatrack.devices.imports.results import DeviceImportResult, summarize
from hatrack.devices.imports.service import import_devices
from hatrack.devices.imports.uploads import KIND
from hatrack.directory.management.commands.import_oneroster import _ProgressBars

SHOWN = 10  # samples printed per list


def parse_mapping(text: str) -> dict[str, str]:
    """ "serial_number=Serial,asset_tag=Tag #" -> {"serial_number": "Serial", ...}."""
    mapping: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        field, sep, column = pair.partition("=")
        if not sep or not column.strip():
            raise CommandError(f"--mapping: “{pair}” is not field=Header.")
        if field.strip() not in FIELDS:
            raise CommandError(
                f"--mapping: unknown field “{field.strip()}”; fields are {', '.join(FIELDS)}."
            )
        mapping[field.strip()] = column.strip()
    return mapping


class Command(BaseCommand):
    help = "Import a Google Admin or Intune device export, or a CSV/XLSX list of devices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The export file (.csv, .xlsx, or Intune's .zip).")
        parser.add_argument("--format", required=True, choices=list(FORMATS))
        parser.add_argument(
            "--mapping",
            default="",
            help="For --format csv: field=Header pairs separated by commas, e.g. "
            "'serial_number=Serial,asset_tag=Asset tag'. Fields: " + ", ".join(FIELDS) + ".",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and show what would change, without saving anything.",
        )
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the good rows and list the bad ones (default: reject the whole file).",
        )
        parser.add_argument(
            "--no-create",
            action="store_true",
            help="Only update devices Hatrack knows; list the others as discrepancies.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["path"]).expanduser().resolve()
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        mapping = parse_mapping(options["mapping"])
        if options["format"] == "csv" and not mapping:
            raise CommandError("--format csv needs --mapping (at least serial_number=Header).")
        run = None
        if not options["dry_run"]:
            run = ImportRun.objects.create(
                kind=KIND,
                source_name=source.name[:255],
                source_path=str(source)[:500],
                options={
                    "format": options["format"],
                    "mapping": mapping,
                    "create_missing": not options["no_create"],
                    "skip_bad_rows": options["skip_bad_rows"],
                    "dry_run": False,
                },
            )
        bars = _ProgressBars(getattr(self.stderr, "_out", sys.stderr))
        try:
            result = import_devices(
                source=source,
                format=options["format"],
                mapping=mapping or None,
                by=None,
                run=run,
                progress=bars,
                dry_run=options["dry_run"],
                create_missing=not options["no_create"],
                skip_bad_rows=options["skip_bad_rows"],
            )
        finally:
            bars.close()
        self._report(result)
        if result.rejected:
            raise CommandError("Import rejected: nothing was imported.")

    def _report(self, result: DeviceImportResult) -> None:
        write = self.stdout.write
        write(summarize(result))
        samples = result.samples
        if result.dry_run:
            for item in samples["create"][:SHOWN]:
                write(f"  create  {item['serial']}  {item['model']}")
            for item in samples["update"][:SHOWN]:
                changes = "; ".join(
                    f"{k}: {v[0] or '∅'} → {v[1] or '∅'}" for k, v in item["changes"].items()
                )
                write(f"  update  {item['serial']}  {changes}")
        if result.not_in_hatrack:
            write(f"{result.not_in_hatrack:,} device(s) in the export are not in Hatrack:")
            for item in samples["not_in_hatrack"][:SHOWN]:
                write(f"  {item['serial']}  {item['model']}")
        if result.not_in_console:
            write(f"{result.not_in_console:,} fleet device(s) are missing from the export:")
            for item in samples["not_in_console"][:SHOWN]:
                write(f"  {item['serial']}  {item['asset_tag']}  {item['site']}")
        if result.errors and not result.file_error:
            write(f"{result.error_count:,} problem(s) (line, column: reason):")
            for error in result.errors:
                column = f" {error.column}" if error.column else ""
                write(f"  line {error.line}{column}: {error.reason}")
            if result.error_count > len(result.errors):
                write(f"  … and {result.error_count - len(result.errors):,} more")
