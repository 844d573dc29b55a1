"""Incidents, their timelines and reviews, and maintenance windows.

An incident is opened by hand or by the first confirmed outage of a check. While it is
open, further failures of the same systems, and of systems that depend on them, join it
instead of raising alerts of their own (one incident per outage). When its checks have
all recovered it moves to MONITORING; a new failure then rejoins it (flapping gives one
notice), and after the quiet time in SystemsSettings it resolves on its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from hatrack.systems.models.catalog import System


class IncidentStatus(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


OPEN_STATUSES = (
    IncidentStatus.INVESTIGATING,
    IncidentStatus.IDENTIFIED,
    IncidentStatus.MONITORING,
)


class ImpactLevel(models.TextChoices):
    """How bad it is, in the words the status page uses."""

    MAJOR = "major", "Major outage"
    PARTIAL = "partial", "Partial outage"
    DEGRADED = "degraded", "Degraded performance"


class IncidentSource(models.TextChoices):
    CHECK = "check", "Health check"
    MANUAL = "manual", "Opened by hand"


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> IncidentQuerySet:
        return self.exclude(status=IncidentStatus.RESOLVED)


class Incident(models.Model):
    """Something is wrong with one or more systems. `started_at` is when it began (the
    first failed check), `detected_at` when it was confirmed or reported, so time to
    detect is their difference. `impact` is the impact analysis snapshot, refreshed when
    the systems at its cause change: {"failed": [ids], "degraded": [ids], "people": n,
    "sites": [ids], "all_sites": bool, "audiences": [...]}."""

    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.INVESTIGATING
    )
    impact_level = models.CharField(
        max_length=10, choices=ImpactLevel.choices, default=ImpactLevel.MAJOR
    )
    source = models.CharField(max_length=10, choices=IncidentSource.choices)
    systems = models.ManyToManyField(System, through="IncidentSystem", related_name="incidents")
    impact = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(
        "shown on the status page",
        default=True,
        help_text="Only public updates and the public title appear there.",
    )
    public_title = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    detected_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recovered_at = models.DateTimeField(
        null=True, blank=True, help_text="When its checks last all came back."
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Times its systems went down again after recovering, while it stayed open.
    flaps = models.PositiveIntegerField(default=0)
    # Escalation: the level last alerted, and when the next level is due without an ack.
    alert_level = models.PositiveSmallIntegerField(default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    # Post-incident review (Markdown source and its sanitized HTML).
    review = models.TextField(blank=True)
    review_html = models.TextField(blank=True, editable=False)
    root_cause = models.CharField(max_length=300, blank=True)
    action_items = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()
    audit_exclude = ("updated_at", "review_html", "impact", "next_escalation_at")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["started_at", "id"], name="incident_start_idx"),
            models.Index(
                fields=["status"],
                condition=~Q(status="resolved"),
                name="incident_open_idx",
            ),
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(next_escalation_at__isnull=False),
                name="incident_escalation_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""),
                name="incident_title_required",
                violation_error_message="An incident needs a title.",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("started_at")),
                name="incident_resolved_after_start",
                violation_error_message="An incident cannot be resolved before it started.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        """The incident's page (a linked ticket's page links here)."""
        return reverse("systems:incident_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"INC-{self.pk:05d}" if self.pk else "INC-new"

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.RESOLVED


class IncidentRole(models.TextChoices):
    CAUSE = "cause", "Cause"
    JOINED = "joined", "Failed with it"
    IMPACTED = "impacted", "Impacted"


class IncidentSystem(models.Model):
    """A system's part in an incident: its cause, a dependent whose own checks failed and
    joined, or one impacted according to the dependencies."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="system_roles")
    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="incident_roles")
    role = models.CharField(max_length=10, choices=IncidentRole.choices)

    class Meta:
        ordering = ["incident_id", "role", "system_id"]
        indexes = [models.Index(fields=["system", "incident"], name="incidentsystem_system_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "system"],
                name="incidentsystem_unique",
                violation_error_message="The system is already part of this incident.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.role} {self.system_id}"


class UpdateKind(models.TextChoices):
    UPDATE = "update", "Update"
    EVENT = "event", "System event"


class IncidentUpdate(models.Model):
    """One entry on an incident's timeline. Only `public` updates reach the status page
    and subscribers; events are written by Hatrack (check failed, recovered, joined)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=10, choices=UpdateKind.choices, default=UpdateKind.UPDATE)
    status = models.CharField(max_length=20, choices=IncidentStatus.choices)
    body = models.TextField()
    public = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "created_at"], name="incidentupdate_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="incidentupdate_body_required",
                violation_error_message="An update needs some words.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.status} {self.created_at:%Y-%m-%d %H:%M}"


class MaintenanceWindow(models.Model):
    """Planned work on systems: alerts from their checks (and their dependents') are
    suppressed between `starts_at` and `ends_at`, and the status page shows it ahead."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Plain words for the status page.")
    systems = models.ManyToManyField(System, related_name="maintenance_windows")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    public = models.BooleanField("shown on the status page", default=True)
    cancelled = models.BooleanField(default=False)
    subscribers_notified_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at", "subscribers_notified_at")

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="maintenance_window_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="maintenance_ends_after_start",
                violation_error_message="A maintenance window must end after it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="maintenance_title_required",
                violation_error_message="A maintenance window needs a title.",
            ),
        ]

    def __str__(self) -> str:
        return self.title
