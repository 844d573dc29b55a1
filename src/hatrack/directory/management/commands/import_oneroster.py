"""`hatrack import_oneroster PATH`: import a OneRoster 1.1 CSV export from the command line.

Streams the files with a progress bar on stderr, prints the counts and the bad rows, and
exits non-zero when the import is rejected. The run is recorded like a web upload (an
ImportRun, audited as batches) unless --dry-run is given, which saves nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hatrack.core.models import ImportRun
from hatrack.directory.imports.results import ImportResult, summarize
from hatrack.directory.imports.service import import_oneroster
from hatrack.directory.imports.uploads import new_import_run


class Command(BaseCommand):
    help = "Import orgs.csv and users.csv of a OneRoster 1.1 CSV export (a folder or a .zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The export: a folder of CSV files, or a .zip.")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the good rows and list the bad ones (default: reject the whole set).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and report what would change, without saving anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["path"]).expanduser().resolve()
        run: ImportRun | None = None
        if not options["dry_run"]:
            run = new_import_run(
                source_name=source.name,
                source_path=source,
                skip_bad_rows=options["skip_bad_rows"],
                by=None,
            )
        bars = _ProgressBars(getattr(self.stderr, "_out", sys.stderr))
        try:
            result = import_oneroster(
                source=source,
                skip_bad_rows=options["skip_bad_rows"],
                by=None,
                run=run,
                progress=bars,
                dry_run=options["dry_run"],
            )
        finally:
            bars.close()
        self._report(result)
        if result.rejected:
            raise CommandError("Import rejected: nothing was imported.")

    def _report(self, result: ImportResult) -> None:
        self.stdout.write(summarize(result))
        for reason, count in sorted(result.skipped_reasons.items()):
            self.stdout.write(f"  skipped {count:,} × {reason}")
        if result.errors:
            self.stdout.write(f"{result.error_count:,} problem(s) (file:line field: reason):")
        for error in result.errors:
            where = f"{error.file}:{error.line}" if error.line else error.file
            field = f" {error.field}" if error.field else ""
            self.stdout.write(f"  {where}{field}: {error.reason}")
        if result.error_count > len(result.errors):
            self.stdout.write(f"  … and {result.error_count - len(result.errors):,} more")


class _ProgressBars:
    """Turns the service's progress(phase, done, total) calls into one tqdm bar per phase:
    bytes while checking the files, rows while writing. A finished phase's bar stays."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.phase = ""
        self.bar: tqdm[Any] | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.close()
            self.phase = phase
            in_bytes = phase.startswith("Checking")
            self.bar = tqdm(
                desc=phase,
                total=total or None,
                unit="B" if in_bytes else " rows",
                unit_scale=in_bytes,
                file=self.stream,
                dynamic_ncols=True,
            )
        if self.bar is not None:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            if self.bar.total:
                self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()
            self.bar = None
