"""Periodic alert jobs: escalate unacknowledged incidents every minute, and retry failed
webhook deliveries every five. Both take no arguments and are safe to run twice."""

from django_tasks import task

from hatrack.core.schedule import every
from hatrack.systems.alert_tasks import deliver_webhook_alert_task
from hatrack.systems.services import alerts


@task()
def escalate_unacknowledged_incidents() -> int:
    """Alert the next level about incidents nobody acknowledged in time."""
    return alerts.escalate_unacknowledged()


@task()
def retry_failed_webhook_alerts() -> int:
    """Hand recent failed webhook alerts back to the workers; returns how many."""
    ids = alerts.retry_failed_webhook_alerts()
    for pk in ids:
        deliver_webhook_alert_task.enqueue(pk)
    return len(ids)


every(60, escalate_unacknowledged_incidents, name="systems.escalate_unacknowledged")
every(300, retry_failed_webhook_alerts, name="systems.retry_webhook_alerts")
