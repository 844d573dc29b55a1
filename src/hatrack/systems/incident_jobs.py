"""Periodic incident work: resolve automatic incidents that have stayed quiet."""

from django_tasks import task

from hatrack.core.schedule import every
from hatrack.systems.services.incidents import resolve_quiet_incidents


@task()
def resolve_quiet_incidents_job() -> int:
    """One round; returns how many incidents were resolved. Idempotent."""
    return resolve_quiet_incidents()


every(60, resolve_quiet_incidents_job, name="systems.resolve_quiet_incidents")
