"""Housekeeping of stored attachment files: a daily sweep of files no ticket records."""

from django_tasks import task

from hatrack.core.schedule import every
from hatrack.servicedesk.services.attachments import remove_orphan_files


@task()
def sweep_orphan_attachments() -> int:
    """Remove day-old files that no attachment points to; returns how many. Idempotent."""
    return remove_orphan_files()


every(24 * 3600, sweep_orphan_attachments, name="servicedesk.orphan_attachments")
