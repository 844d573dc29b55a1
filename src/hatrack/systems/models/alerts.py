"""Who is told when systems fail: the on-duty rota, chat webhooks, the log of alerts
sent, and the status page's email subscribers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hatrack.systems.models.incidents import Incident, MaintenanceWindow


class OnDuty(models.Model):
    """A person on duty for a period. Level 1 is alerted first; level 2 when level 1 has
    not acknowledged within the escalation time; after that, every technology leader."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(default=1)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "level", "id"]
        verbose_name_plural = "on-duty shifts"
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="onduty_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="onduty_ends_after_start",
                violation_error_message="A shift must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=2),
                name="onduty_level_range",
                violation_error_message="The level is 1 (first) or 2 (escalation).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} level {self.level} {self.starts_at:%Y-%m-%d %H:%M}"


class WebhookFormat(models.TextChoices):
    SLACK = "slack", "Slack (incoming webhook)"
    TEAMS = "teams", "Microsoft Teams (incoming webhook)"
    GOOGLE_CHAT = "google_chat", "Google Chat"
    JSON = "json", "Generic JSON"


class Webhook(models.Model):
    """A chat room's incoming webhook that receives incident alerts."""

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(max_length=500)
    format = models.CharField(max_length=20, choices=WebhookFormat.choices)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The address often holds the chat service's secret: the audit trail records that it
    # changed, never what it is (see services.alerting_settings.save_webhook).
    audit_exclude = ("updated_at", "url")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def url_hint(self) -> str:
        """The address without its secret part, for pages: scheme and host only."""
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}/…"


class AlertEvent(models.TextChoices):
    OPENED = "opened", "Incident opened"
    ESCALATED = "escalated", "Escalated"
    UPDATED = "updated", "Update posted"
    RESOLVED = "resolved", "Resolved"
    MAINTENANCE = "maintenance", "Maintenance scheduled"
    TEST = "test", "Test"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Alert(models.Model):
    """One alert sent (or being sent) about an incident: to a person by email or to a
    webhook. The incident page lists them so the leader sees who was told, and when."""

    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    event = models.CharField(max_length=15, choices=AlertEvent.choices)
    level = models.PositiveSmallIntegerField(default=1)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=320)
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["incident", "created_at"], name="alert_incident_idx"),
            models.Index(
                fields=["created_at"], condition=Q(status="failed"), name="alert_failed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.recipient}"


class StatusSubscriber(models.Model):
    """Someone (staff or family) who asked for status page updates by email. Confirmed
    by a link sent to the address (double opt-in); `token` also unsubscribes."""

    email = models.EmailField(unique=True)
    token = models.CharField(max_length=64, unique=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
                name="subscriber_active_idx",
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class StatusNotice(models.Model):
    """A status page update mailed to subscribers: one per public incident update or
    maintenance announcement, so a retried task never mails the same update twice."""

    update = models.OneToOneField(
        "systems.IncidentUpdate",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="status_notice",
    )
    maintenance = models.OneToOneField(
        MaintenanceWindow,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="status_notice",
    )
    recipients = models.PositiveIntegerField(default=0)
    # Progress of the mailing, batch by batch: the last subscriber id mailed, and when the
    # last batch went. A mailing task that died resumes after `mailed_through`.
    mailed_through = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Status notice {self.pk}"
