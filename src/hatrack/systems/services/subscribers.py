"""The status page's email subscribers: double opt-in, unsubscribe, and the notices they get.

`subscribe` answers the same way whether or not the address is known (nobody learns who
subscribed), and mails a confirmation link; the outgoing mail queue's hourly limit per
address stops anyone from flooding a mailbox through the form. Every mail carries the
subscriber's unsubscribe link. A notice is one `StatusNotice` per public update or
maintenance window, so a retried task never mails the same news twice; the mailing runs
in a background task, in batches. Notices say only what the status page says.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from hatrack.core.audit import record_event
from hatrack.servicedesk.mail.outbound import Draft, clean_address, queue_drafts
from hatrack.systems.models import (
    Incident,
    IncidentUpdate,
    MaintenanceWindow,
    StatusNotice,
    StatusSubscriber,
    System,
    UpdateKind,
)
from hatrack.systems.services.alerts import absolute

logger = logging.getLogger("hatrack.systems.subscribers")

BATCH = 200


def new_token() -> str:
    return secrets.token_urlsafe(32)


def subscribe(*, email: str) -> None:
    """Start (or restart) a subscription and mail its confirmation link.

    Raises ValidationError for an address that cannot take mail. An address already
    subscribed gets nothing; the caller shows the same words either way."""
    address = clean_address(email)
    if address is None:
        raise ValidationError({"email": "Enter a valid email address."})
    with transaction.atomic():
        subscriber = StatusSubscriber.objects.select_for_update().filter(email=address).first()
        if subscriber is None:
            subscriber = _create(address)
        elif subscriber.active:
            return
        elif subscriber.unsubscribed_at is not None:
            subscriber.unsubscribed_at = None
            subscriber.confirmed_at = None
            subscriber.token = new_token()
            subscriber.save(update_fields=["unsubscribed_at", "confirmed_at", "token"])
        record_event(subscriber, by=None, summary="Asked for status page updates")
        queue_drafts([_confirmation(subscriber)])


def _create(address: str) -> StatusSubscriber:
    try:
        with transaction.atomic():
            return StatusSubscriber.objects.create(email=address, token=new_token())
    except IntegrityError:  # the same address, a moment ago
        return StatusSubscriber.objects.get(email=address)


def _confirmation(subscriber: StatusSubscriber) -> Draft:
    link = absolute(reverse("status:confirm", args=[subscriber.token]))
    body = (
        "Someone (we hope you) asked to get status page updates by email at this address.\n\n"
        f"To confirm, open this link and press the button:\n{link}\n\n"
        "If it was not you, ignore this message and nothing more will be sent."
    )
    return Draft(to=subscriber.email, kind="status", subject="Confirm status updates", body=body)


def confirm(*, token: str) -> StatusSubscriber | None:
    """Confirm the subscription of `token`; None for an unknown token. Idempotent."""
    with transaction.atomic():
        subscriber = StatusSubscriber.objects.filter(token=token).first()
        if subscriber is None or subscriber.unsubscribed_at is not None:
            return None
        if subscriber.confirmed_at is None:
            subscriber.confirmed_at = timezone.now()
            subscriber.save(update_fields=["confirmed_at"])
            record_event(subscriber, by=None, summary="Confirmed status page updates")
    return subscriber


def unsubscribe(*, token: str) -> StatusSubscriber | None:
    """Stop mail to the subscriber of `token`; None for an unknown token. Idempotent."""
    with transaction.atomic():
        subscriber = StatusSubscriber.objects.filter(token=token).first()
        if subscriber is None:
            return None
        if subscriber.unsubscribed_at is None:
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["unsubscribed_at"])
            record_event(subscriber, by=None, summary="Unsubscribed from status page updates")
    return subscriber


# --- Notices ---------------------------------------------------------------------------


def public_names(incident: Incident) -> list[str]:
    systems = System.objects.published().filter(incident_roles__incident=incident)
    return [s.display_public_name for s in systems.order_by("tier", "name")]


def public_title(incident: Incident, names: Iterable[str]) -> str:
    """The incident's public title, or "<public names> disruption" (never the internal one)."""
    if incident.public_title:
        return incident.public_title
    listed = ", ".join(names)
    return f"{listed} disruption" if listed else "Service disruption"


def queue_status_notice(
    *, update: IncidentUpdate | None = None, maintenance: MaintenanceWindow | None = None
) -> StatusNotice | None:
    """One notice per public update or public maintenance window, mailed after commit
    by a background task; None when there is nothing public to tell. Idempotent."""
    if update is not None:
        public = update.public and update.kind == UpdateKind.UPDATE and update.incident.public
        if not public:
            return None
        notice, created = StatusNotice.objects.get_or_create(update=update)
    elif maintenance is not None:
        if not maintenance.public or maintenance.cancelled:
            return None
        notice, created = StatusNotice.objects.get_or_create(maintenance=maintenance)
        MaintenanceWindow.objects.filter(pk=maintenance.pk).update(
            subscribers_notified_at=timezone.now()
        )
    else:
        return None
    if created:
        transaction.on_commit(lambda: _enqueue(notice.pk))
    return notice


def _enqueue(notice_id: int) -> None:
    from hatrack.systems.alert_tasks import mail_status_notice_task

    try:
        mail_status_notice_task.enqueue(notice_id)
    except Exception:
        logger.exception("Could not queue status notice %s", notice_id)


def _notice_text(notice: StatusNotice) -> tuple[str, str]:
    """Subject and body (before the unsubscribe line) in the status page's words."""
    page = absolute(reverse("status:page"))
    if notice.update is not None:
        update = notice.update
        title = public_title(update.incident, public_names(update.incident))
        status = update.get_status_display()
        body = f"{title}\nStatus: {status}\n\n{update.body}\n\nFollow along: {page}"
        return f"{title}: {status}", body
    window = notice.maintenance
    if window is None:
        return "", ""
    systems = System.objects.published().filter(maintenance_windows=window)
    names = ", ".join(s.display_public_name for s in systems.order_by("tier", "name"))
    start = timezone.localtime(window.starts_at)
    end = timezone.localtime(window.ends_at)
    body = (
        f"Planned maintenance: {window.title}\n"
        f"When: {start:%A %B %d, %H:%M} to {end:%A %B %d, %H:%M}\n"
        + (f"Affects: {names}\n" if names else "")
        + (f"\n{window.description}\n" if window.description else "")
        + f"\nMore on the status page: {page}"
    )
    return f"Planned maintenance: {window.title}", body


def mail_status_notice(notice_id: int) -> int:
    """Mail one notice to every active subscriber, in batches; returns how many now.

    Each batch is queued in the same transaction that records how far the mailing got,
    so a task that dies mid-way resumes after the last subscriber mailed, and a finished
    notice is left alone: nobody gets the same news twice."""
    notice = (
        StatusNotice.objects.select_related("update__incident", "maintenance")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None or notice.finished_at is not None:
        return 0
    subject, body = _notice_text(notice)
    if not subject:
        return 0
    active = StatusSubscriber.objects.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).order_by("id")
    sent, after = 0, notice.mailed_through
    while batch := list(active.filter(id__gt=after).only("id", "email", "token")[:BATCH]):
        drafts = [
            Draft(to=s.email, kind="status", subject=subject, body=_with_unsubscribe(body, s))
            for s in batch
        ]
        with transaction.atomic():
            queued = sum(1 for row in queue_drafts(drafts) if row is not None)
            StatusNotice.objects.filter(pk=notice.pk).update(
                mailed_through=batch[-1].pk, recipients=F("recipients") + queued
            )
        sent, after = sent + queued, batch[-1].pk
    StatusNotice.objects.filter(pk=notice.pk).update(finished_at=timezone.now())
    return sent


def _with_unsubscribe(body: str, subscriber: StatusSubscriber) -> str:
    link = absolute(reverse("status:unsubscribe", args=[subscriber.token]))
    return f"{body}\n\n--\nTo stop these emails: {link}"
