"""Progress of a device import: the directory's Progress (throttled ImportRun updates,
a side connection inside the transaction) with the device import's own outcome."""

from __future__ import annotations

from django.utils import timezone

from hatrack.devices.imports.results import MAX_STORED_ERRORS, DeviceImportResult, summarize
from hatrack.directory.imports.progress import Progress


class DeviceProgress(Progress):
    def complete(self, result: DeviceImportResult) -> None:
        """Store the outcome on the ImportRun (counts, samples, the first errors)."""
        if self.run is None:
            return
        self.run.status = result.status
        self.run.phase = "Rejected" if result.rejected else "Finished"
        self.run.progress_done = self.run.progress_total = max(self.total, 1)
        self.run.counts = result.stored_counts()
        self.run.errors = [e.as_dict() for e in result.errors[:MAX_STORED_ERRORS]]
        self.run.error_count = result.error_count
        self.run.message = summarize(result)
        self.run.finished_at = timezone.now()
        self.run.save()
