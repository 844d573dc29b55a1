"""The outcome of a OneRoster import: counts per model, bad rows, and its summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from hatrack.core.models import ImportRun
from hatrack.directory.importers.oneroster.rows import RowError
from hatrack.directory.models import Department, District, Person, Site

MAX_STORED_ERRORS = 500
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
