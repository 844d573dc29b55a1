"""Mail tasks: thin entry points taking ids, safe to run twice (the work is in mail/)."""

from django_tasks import task

from hatrack.core.schedule import every
from hatrack.servicedesk.mail import imap, outbound


@task()
def send_outbound_mail(outbound_id: int) -> str:
    """Send one queued notification by SMTP; a sent one is left alone."""
    return outbound.send_outbound(outbound_id)


@task()
def retry_outbound_mail() -> int:
    """Hand failed (and lost) notifications back to the workers; returns how many."""
    return outbound.retry_failed_mail()


every(300, retry_outbound_mail, name="servicedesk.retry_outbound_mail")


@task()
def poll_mailboxes() -> int:
    """One round on every active mailbox; returns how many new messages were recorded.

    Safe to run twice: a message taken before is a no-op (see mail/imap.py)."""
    return sum(report.recorded for report in imap.poll_active_mailboxes())


every(60, poll_mailboxes, name="servicedesk.poll_mailboxes")
