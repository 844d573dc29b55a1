"""The SLA sweep: every five minutes, warn about tickets whose targets are nearly due."""

from django_tasks import task

from hatrack.core.schedule import every
from hatrack.servicedesk.services.sla_warnings import warn_due_tickets


@task()
def sweep_sla() -> int:
    """One round of breach warnings; returns how many tickets were warned. Idempotent:
    a ticket is warned once per target, however often the round runs."""
    return warn_due_tickets()


every(300, sweep_sla, name="servicedesk.sla_sweep")
