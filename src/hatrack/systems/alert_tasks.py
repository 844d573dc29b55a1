"""Alert tasks: thin entry points taking ids, safe to run twice (the work is in
services/alerts.py and services/subscribers.py)."""

from django_tasks import task

from hatrack.systems.services import alerts, subscribers


@task()
def deliver_webhook_alert_task(alert_id: int) -> str:
    """Post one webhook alert (hard timeout); a sent one is left alone."""
    return alerts.deliver_webhook_alert(alert_id)


@task()
def mail_status_notice_task(notice_id: int) -> int:
    """Mail one status notice to every active subscriber; a mailed one is left alone."""
    return subscribers.mail_status_notice(notice_id)
