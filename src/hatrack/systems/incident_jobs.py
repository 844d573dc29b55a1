"""Periodic incident work: resolve automatic incidents that have stayed quiet, and raise
the outages a maintenance window covered that outlasted it."""

from django_tasks import task

from hatrack.core.schedule import every
from hatrack.systems.services.outages import (
    raise_outages_left_after_maintenance,
    resolve_quiet_incidents,
)


@task()
def resolve_quiet_incidents_job() -> int:
    """One round; returns how many incidents were resolved. Idempotent."""
    return resolve_quiet_incidents()


every(60, resolve_quiet_incidents_job, name="systems.resolve_quiet_incidents")


@task()
def raise_outages_after_maintenance_job() -> int:
    """One round; returns how many outages were raised as incidents. Idempotent."""
    return raise_outages_left_after_maintenance()


every(60, raise_outages_after_maintenance_job, name="systems.outages_after_maintenance")
