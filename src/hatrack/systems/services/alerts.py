"""Telling people about incidents: email to whoever is on duty, chat webhooks, escalation.

An incident alerts level 1 (on duty now, else the technology leaders). If nobody has
acknowledged it after `escalate_after_minutes`, `escalate_unacknowledged` alerts level 2
(the level-2 shift, else the leaders), then level 3 (every leader), then stops. Each
step is claimed by a conditional UPDATE of the incident, so two workers never send it
twice. One Alert row is written per recipient; mail goes through the outgoing mail
queue, webhooks are posted by a background task after commit. A delivery failure is
recorded on its Alert row and never raised into the caller (the incident still opens).
The status page's subscribers are told by `alert_public_update` / `announce_maintenance`
(see services/subscribers.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from hatrack.core.audit import record_event
from hatrack.core.roles import Role
from hatrack.servicedesk.mail.outbound import Draft, queue_drafts
from hatrack.systems import webhooks
from hatrack.systems.models import (
    OPEN_STATUSES,
    Alert,
    AlertEvent,
    Channel,
    DeliveryStatus,
    Incident,
    IncidentUpdate,
    MaintenanceWindow,
    OnDuty,
    SystemsSettings,
    Webhook,
)

if TYPE_CHECKING:
    from hatrack.accounts.models import User

logger = logging.getLogger("hatrack.systems.alerts")

ACK_SALT = "hatrack.systems.acknowledge"
ACK_MAX_AGE = timedelta(hours=24)
LAST_LEVEL = 3
# A failed webhook alert is tried again by the retry job until it has been tried this often.
WEBHOOK_MAX_ATTEMPTS = 3
WEBHOOK_RETRY_WITHIN = timedelta(hours=6)


# --- Links -----------------------------------------------------------------------------


def absolute(path: str) -> str:
    return f"{settings.HATRACK_BASE_URL.rstrip('/')}{path}"


def incident_url(incident: Incident) -> str:
    return absolute(incident.get_absolute_url())


def acknowledge_url(incident: Incident, user: User) -> str:
    """A one-click link (valid 24 hours) to the page that acknowledges `incident`."""
    token = signing.TimestampSigner(salt=ACK_SALT).sign_object([incident.pk, user.pk])
    return absolute(reverse("systems:acknowledge_link", args=[token]))


def read_acknowledge_token(token: str) -> tuple[int, int] | None:
    """(incident id, user id) from a link, or None when it is tampered with or expired."""
    try:
        value = signing.TimestampSigner(salt=ACK_SALT).unsign_object(token, max_age=ACK_MAX_AGE)
        incident_id, user_id = value
        return int(incident_id), int(user_id)
    except (signing.BadSignature, ValueError, TypeError):
        return None


# --- Who is alerted --------------------------------------------------------------------


def leaders() -> list[User]:
    from hatrack.accounts.models import User

    return list(User.objects.filter(is_active=True, role=Role.LEADER).order_by("id"))


def on_duty(level: int, at: datetime) -> list[User]:
    """Active users with a shift of `level` covering `at` (each once)."""
    shifts = (
        OnDuty.objects.filter(level=level, starts_at__lte=at, ends_at__gt=at, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    return list({shift.user_id: shift.user for shift in shifts}.values())


def recipients_for(level: int, at: datetime) -> list[User]:
    """Level 1 and 2: on duty at that level, else the leaders; level 3: every leader."""
    if level < LAST_LEVEL:
        return on_duty(level, at) or leaders()
    return leaders()


# --- What the alert says ---------------------------------------------------------------


def _impact_words(incident: Incident) -> str:
    from hatrack.directory.models import Site

    impact = incident.impact or {}
    people = impact.get("people")
    parts = [f"about {people:,} people" if people else "people affected unknown"]
    if impact.get("all_sites"):
        parts.append("at every site")
    elif impact.get("sites"):
        names = list(
            Site.objects.filter(pk__in=impact["sites"])
            .order_by("name")
            .values_list("name", flat=True)
        )
        parts.append(f"at {len(names)} site{'s' if len(names) != 1 else ''} ({', '.join(names)})")
    return " ".join(parts)


def _describe(incident: Incident) -> str:
    names = ", ".join(incident.systems.order_by("tier", "name").values_list("name", flat=True))
    local = timezone.localtime(incident.started_at)
    return (
        f"Systems: {names or 'none recorded'}\n"
        f"Impact: {_impact_words(incident)}\n"
        f"Status: {incident.get_status_display()}\n"
        f"Started: {local:%Y-%m-%d %H:%M}"
    )


def _subject(incident: Incident, event: str, level: int) -> str:
    prefix = {
        AlertEvent.ESCALATED: f"Escalated to level {level}: ",
        AlertEvent.RESOLVED: "Resolved: ",
    }.get(AlertEvent(event), "")
    return f"[{incident.reference}] {prefix}{incident.title}"


def _body(incident: Incident, event: str, description: str, user: User | None) -> str:
    lines = [_subject(incident, event, incident.alert_level), "", description, ""]
    lines.append(f"Open the incident: {incident_url(incident)}")
    if user is not None and event != AlertEvent.RESOLVED:
        lines.append(f"Acknowledge it: {acknowledge_url(incident, user)}")
        lines.append("(The link opens a page with one button; it stays valid for 24 hours.)")
    return "\n".join(lines)


# --- Sending ---------------------------------------------------------------------------


def _send(incident: Incident, *, event: str, level: int, users: Sequence[User]) -> list[Alert]:
    """Mail `users` and post to every enabled webhook; one Alert row each."""
    description = _describe(incident)
    subject = _subject(incident, event, level)
    now = timezone.now()
    drafts = [
        Draft(
            to=u.email,
            kind="incident",
            subject=subject,
            body=_body(incident, event, description, u),
        )
        for u in users
    ]
    queued = queue_drafts(drafts)
    alerts = [
        Alert(
            incident=incident,
            event=event,
            level=level,
            channel=Channel.EMAIL,
            recipient=(u.email or u.get_username())[:320],
            status=DeliveryStatus.SENT if row is not None else DeliveryStatus.FAILED,
            sent_at=now if row is not None else None,
            attempts=1,
            error="" if row is not None else "No valid address, or the hourly mail limit.",
        )
        for u, row in zip(users, queued, strict=True)
    ]
    alerts += [
        Alert(
            incident=incident,
            event=event,
            level=level,
            channel=Channel.WEBHOOK,
            recipient=hook.name,
            webhook=hook,
        )
        for hook in Webhook.objects.filter(enabled=True)
    ]
    created = Alert.objects.bulk_create(alerts)
    _deliver_on_commit([a.pk for a in created if a.channel == Channel.WEBHOOK])
    return created


def _deliver_on_commit(alert_ids: list[int]) -> None:
    if not alert_ids:
        return

    def enqueue() -> None:
        from hatrack.systems.alert_tasks import deliver_webhook_alert_task

        for pk in alert_ids:
            try:
                deliver_webhook_alert_task.enqueue(pk)
            except Exception:  # the retry job picks it up later
                logger.exception("Could not queue webhook alert %s", pk)

    transaction.on_commit(enqueue)


def _quietly(what: str, work: Callable[[], Any]) -> Any:
    """Run `work` in a savepoint; log and swallow any failure so the caller carries on."""
    try:
        with transaction.atomic():
            return work()
    except Exception:
        logger.exception("Alerting failed: %s", what)
        return None


def alert_incident_opened(incident: Incident) -> None:
    """Alert level 1 about a new incident and start its escalation clock. Never raises."""

    def work() -> None:
        now = timezone.now()
        _send(incident, event=AlertEvent.OPENED, level=1, users=recipients_for(1, now))
        minutes = SystemsSettings.load().escalate_after_minutes
        incident.alert_level = 1
        incident.next_escalation_at = now + timedelta(minutes=minutes)
        Incident.objects.filter(pk=incident.pk).update(
            alert_level=1, next_escalation_at=incident.next_escalation_at
        )

    _quietly(f"opening alert of {incident.reference}", work)


def escalate_unacknowledged(*, now: datetime | None = None) -> int:
    """Alert the next level about each open, unacknowledged incident whose escalation
    is due; returns how many were escalated. Safe to run from several workers at once."""
    now = now or timezone.now()
    due = Incident.objects.filter(
        status__in=OPEN_STATUSES,
        acknowledged_at__isnull=True,
        next_escalation_at__lte=now,
        alert_level__gte=1,
        alert_level__lt=LAST_LEVEL,
    ).order_by("next_escalation_at", "id")[:100]
    minutes = SystemsSettings.load().escalate_after_minutes
    escalated = 0
    for incident in due:
        if _escalate(incident, now=now, minutes=minutes):
            escalated += 1
    return escalated


def _escalate(incident: Incident, *, now: datetime, minutes: int) -> bool:
    level = incident.alert_level + 1
    following = now + timedelta(minutes=minutes) if level < LAST_LEVEL else None

    def work() -> bool:
        claimed = Incident.objects.filter(
            pk=incident.pk,
            alert_level=incident.alert_level,
            next_escalation_at=incident.next_escalation_at,
            acknowledged_at__isnull=True,
        ).update(alert_level=level, next_escalation_at=following)
        if not claimed:
            return False
        incident.alert_level, incident.next_escalation_at = level, following
        _send(incident, event=AlertEvent.ESCALATED, level=level, users=recipients_for(level, now))
        record_event(incident, by=None, summary=f"Escalated to level {level}: nobody acknowledged")
        return True

    return bool(_quietly(f"escalation of {incident.reference}", work))


def alert_incident_resolved(incident: Incident) -> None:
    """Tell everyone mailed about the incident, and the webhooks, that it is resolved."""

    def work() -> None:
        from hatrack.accounts.models import User

        Incident.objects.filter(pk=incident.pk).update(next_escalation_at=None)
        incident.next_escalation_at = None
        told = set(
            Alert.objects.filter(incident=incident, channel=Channel.EMAIL)
            .exclude(event=AlertEvent.RESOLVED)
            .values_list("recipient", flat=True)
        )
        users = list(User.objects.filter(email__in=told, is_active=True).order_by("id"))
        _send(incident, event=AlertEvent.RESOLVED, level=incident.alert_level or 1, users=users)

    _quietly(f"resolution alert of {incident.reference}", work)


# --- Webhook delivery (run by alert_tasks) ---------------------------------------------


def _message(alert: Alert) -> webhooks.Message:
    incident = alert.incident
    if incident is None:
        return webhooks.Message(
            title="Hatrack test alert",
            text=f"This is a test of the webhook {alert.recipient}.",
            link=absolute(reverse("systems:alerting")),
            event=alert.event,
            reference="",
        )
    return webhooks.Message(
        title=_subject(incident, alert.event, alert.level),
        text=_describe(incident),
        link=incident_url(incident),
        event=alert.event,
        reference=incident.reference,
    )


def deliver_webhook_alert(alert_id: int, *, timeout: float | None = None) -> str:
    """Post one webhook alert; returns its status. Idempotent: a sent alert is left alone,
    and each try is claimed by moving `attempts` forward (two workers post it once)."""
    alert = Alert.objects.select_related("webhook", "incident").filter(pk=alert_id).first()
    if alert is None or alert.channel != Channel.WEBHOOK:
        return "missing"
    if alert.status == DeliveryStatus.SENT:
        return alert.status
    claimed = Alert.objects.filter(
        pk=alert.pk, attempts=alert.attempts, status=alert.status
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return "claimed elsewhere"
    try:
        if alert.webhook is None:
            raise webhooks.DeliveryError("The webhook was deleted.")
        payload = webhooks.payload_for(alert.webhook.format, _message(alert))
        webhooks.post_json(alert.webhook.url, payload, timeout=timeout or webhooks.DEFAULT_TIMEOUT)
    except Exception as exc:  # every failure is recorded on the row, none is raised
        error = str(exc) if isinstance(exc, webhooks.DeliveryError) else type(exc).__name__
        Alert.objects.filter(pk=alert.pk).update(status=DeliveryStatus.FAILED, error=error[:300])
        return DeliveryStatus.FAILED
    Alert.objects.filter(pk=alert.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
    )
    return DeliveryStatus.SENT


def retry_failed_webhook_alerts(*, now: datetime | None = None) -> list[int]:
    """Ids of recent failed (or lost queued) webhook alerts still worth another try."""
    now = now or timezone.now()
    return list(
        Alert.objects.filter(
            channel=Channel.WEBHOOK,
            status__in=[DeliveryStatus.FAILED, DeliveryStatus.QUEUED],
            attempts__lt=WEBHOOK_MAX_ATTEMPTS,
            created_at__gte=now - WEBHOOK_RETRY_WITHIN,
            created_at__lte=now - timedelta(minutes=1),
        )
        .order_by("id")
        .values_list("pk", flat=True)[:200]
    )


def send_test_alert(*, webhook: Webhook, by: User) -> Alert:
    """Queue a TEST alert to one webhook (posted after commit, like a real one)."""
    with transaction.atomic():
        alert = Alert.objects.create(
            event=AlertEvent.TEST,
            channel=Channel.WEBHOOK,
            recipient=webhook.name,
            webhook=webhook,
        )
        record_event(webhook, by=by, summary="Test alert sent")
        _deliver_on_commit([alert.pk])
    return alert


# --- The status page's subscribers -----------------------------------------------------


def alert_public_update(update: IncidentUpdate) -> None:
    """Mail the status page's subscribers about a public update of a public incident."""
    from hatrack.systems.services.subscribers import queue_status_notice

    _quietly(f"status notice of update {update.pk}", lambda: queue_status_notice(update=update))


def announce_maintenance(window: MaintenanceWindow) -> None:
    """Mail the status page's subscribers about a public maintenance window (once)."""
    from hatrack.systems.services.subscribers import queue_status_notice

    _quietly(f"maintenance notice of {window.pk}", lambda: queue_status_notice(maintenance=window))
