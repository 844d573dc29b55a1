"""The outcome of a device import or its preview: counts, samples, discrepancies, errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hatrack.core.models import ImportRun
from hatrack.devices.importers.rows import RowError

MAX_STORED_ERRORS = 500
# Bounded samples kept on the ImportRun for the preview page.
MAX_SAMPLES = 50
MAX_DISCREPANCIES = 100


@dataclass
class DeviceImportResult:
    """What an import did (or, dry, would do). `status` is an ImportRun.Status value.

    `not_in_hatrack`: serials the export lists that Hatrack does not know (when devices
    are not created); `not_in_console`: fleet devices of the console's kinds that the
    export does not list. Both are counted in full and sampled up to MAX_DISCREPANCIES.
    """

    status: str
    dry_run: bool
    message: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    not_in_hatrack: int = 0
    not_in_console: int = 0
    fields: list[str] = field(default_factory=list)
    new_models: list[str] = field(default_factory=list)
    samples: dict[str, list[Any]] = field(
        default_factory=lambda: {
            "create": [],
            "update": [],
            "unchanged": [],
            "not_in_hatrack": [],
            "not_in_console": [],
        }
    )
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    file_error: bool = False

    @property
    def rejected(self) -> bool:
        return self.status == ImportRun.Status.REJECTED

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)

    def sample(self, kind: str, item: Any) -> None:
        limit = MAX_DISCREPANCIES if kind.startswith("not_in") else MAX_SAMPLES
        if len(self.samples[kind]) < limit:
            self.samples[kind].append(item)

    def stored_counts(self) -> dict[str, Any]:
        """The JSON kept on the ImportRun for its page."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "not_in_hatrack": self.not_in_hatrack,
            "not_in_console": self.not_in_console,
            "fields": self.fields,
            "new_models": self.new_models[:MAX_SAMPLES],
            "new_model_count": len(self.new_models),
            "samples": self.samples,
            "file_error": self.file_error,
        }


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def summarize(result: DeviceImportResult) -> str:
    """One sentence for people: what the import did, would do, or why it was refused."""
    if result.file_error:
        return result.message
    if result.rejected and not result.dry_run:
        return (
            f"Rejected: {_plural(result.error_count, 'bad row')} found, so nothing was "
            "imported. Fix them, or import again skipping bad rows."
        )
    counts = (
        f"{result.created:,} created, {result.updated:,} updated, {result.unchanged:,} unchanged"
    )
    if result.new_models:
        counts += f", {_plural(len(result.new_models), 'new model')}"
    if result.dry_run:
        text = f"Preview, nothing saved yet: would have {counts}."
        if result.error_count:
            text += (
                f" {_plural(result.error_count, 'bad row')} must be fixed, or skipped when "
                "you confirm."
            )
        return text
    suffix = f" {_plural(result.skipped, 'bad row')} skipped." if result.skipped else ""
    return f"Imported: {counts}.{suffix}"
