"""Periodic jobs of the health checks (core.schedule): the hourly rollup of old results.
The check loop itself runs in every `hatrack worker` (see core.worker), not as a task."""

from django_tasks import task

from hatrack.core.schedule import every
from hatrack.systems.checks.rollup import roll_up_results


@task()
def roll_up_check_results() -> int:
    """Roll results older than 7 days into hourly rows; idempotent."""
    return roll_up_results()


every(3600, roll_up_check_results, name="systems.roll_up_check_results")
