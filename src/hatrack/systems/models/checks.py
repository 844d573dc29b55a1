"""Health checks, their results, and the outages they record.

The worker's check loop (`systems.checks`) claims due checks by moving `next_run_at`
forward one interval from the slot it was due (never from "now", so the schedule does
not drift), probes them concurrently, and records each outcome. A check's state moves
UNKNOWN/UP -> FAILING (failed, not yet confirmed) -> DOWN (failed `failures_to_confirm`
times in a row) -> UP (one success). An `Outage` spans from the first failure of a
confirmed run to the first success after it; uptime is computed from outages.
Raw results are kept 7 days, then rolled up per hour (`CheckRollup`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hatrack.systems.models.catalog import System


class CheckKind(models.TextChoices):
    HTTP = "http", "HTTP(S)"
    TCP = "tcp", "TCP port"
    DNS = "dns", "DNS record"
    TLS = "tls", "TLS certificate expiry"


class CheckState(models.TextChoices):
    UNKNOWN = "unknown", "Not run yet"
    UP = "up", "Up"
    FAILING = "failing", "Failing (not confirmed)"
    DOWN = "down", "Down"
    WARNING = "warning", "Warning"


class DnsRecordType(models.TextChoices):
    A = "A", "A"
    AAAA = "AAAA", "AAAA"
    CNAME = "CNAME", "CNAME"
    MX = "MX", "MX"
    TXT = "TXT", "TXT"
    NS = "NS", "NS"


class CheckQuerySet(models.QuerySet["Check"]):
    def enabled(self) -> CheckQuerySet:
        return self.filter(enabled=True)


class Check(models.Model):
    """One probe of a system. `target` is a URL for HTTP, a host name for TCP, DNS and TLS.
    A failure makes the system down, or only degraded when `degrades_only` (a slow report
    server, a certificate about to expire)."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="checks")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=CheckKind.choices)
    target = models.CharField(max_length=500)
    port = models.PositiveIntegerField(null=True, blank=True)
    # HTTP: accepted status codes ("200-299", "200,301"); DNS: a value the answer must hold.
    expected = models.CharField(max_length=200, blank=True)
    must_contain = models.CharField(max_length=200, blank=True)
    must_not_contain = models.CharField(max_length=200, blank=True)
    dns_record_type = models.CharField(
        max_length=6, choices=DnsRecordType.choices, default=DnsRecordType.A
    )
    tls_warn_days = models.PositiveSmallIntegerField(default=14)
    interval_seconds = models.PositiveIntegerField(default=60)
    timeout_seconds = models.FloatField(default=10.0)
    retries = models.PositiveSmallIntegerField(
        default=1, help_text="Tries again at once this many times before counting a failure."
    )
    failures_to_confirm = models.PositiveSmallIntegerField(
        default=2, help_text="Failed runs in a row before the system is declared down."
    )
    degrades_only = models.BooleanField(
        default=False, help_text="A failure makes the system degraded, not down."
    )
    enabled = models.BooleanField(default=True)
    # State, kept by the check loop.
    state = models.CharField(max_length=10, choices=CheckState.choices, default=CheckState.UNKNOWN)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    tls_expires_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    # A claimed check is not claimed again before this (a loop that died mid-probe).
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CheckQuerySet.as_manager()
    audit_exclude = (
        "updated_at",
        "state",
        "consecutive_failures",
        "failing_since",
        "last_run_at",
        "last_ok_at",
        "last_response_ms",
        "last_error",
        "tls_expires_at",
        "next_run_at",
        "lease_until",
    )

    class Meta:
        ordering = ["system_id", "name"]
        indexes = [
            models.Index(fields=["next_run_at"], condition=Q(enabled=True), name="check_due_idx"),
            models.Index(fields=["state"], name="check_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=""),
                name="check_target_required",
                violation_error_message="A check needs a target.",
            ),
            models.CheckConstraint(
                condition=Q(interval_seconds__gte=1),
                name="check_interval_positive",
                violation_error_message="A check runs at least once a second apart.",
            ),
            models.CheckConstraint(
                condition=Q(timeout_seconds__gt=0, timeout_seconds__lte=60),
                name="check_timeout_range",
                violation_error_message="The timeout is more than 0 and at most 60 seconds.",
            ),
            models.CheckConstraint(
                condition=Q(failures_to_confirm__gte=1),
                name="check_confirm_positive",
                violation_error_message="At least one failure confirms an outage.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CheckResult(models.Model):
    """One run of a check (after its retries). Kept raw for 7 days."""

    check_ref = models.ForeignKey(
        Check,
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        db_column="check_id",
    )
    checked_at = models.DateTimeField()
    ok = models.BooleanField()
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        indexes = [
            models.Index(fields=["check_ref", "checked_at"], name="checkresult_check_time_idx"),
            models.Index(fields=["checked_at"], name="checkresult_time_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.check_ref_id} {self.checked_at:%Y-%m-%d %H:%M:%S} {'ok' if self.ok else 'fail'}"
        )


class CheckRollup(models.Model):
    """An hour of a check's results, kept after the raw rows are removed."""

    check_ref = models.ForeignKey(
        Check,
        on_delete=models.CASCADE,
        related_name="rollups",
        db_index=False,
        db_column="check_id",
    )
    hour = models.DateTimeField()
    runs = models.PositiveIntegerField()
    failures = models.PositiveIntegerField()
    timed_runs = models.PositiveIntegerField(default=0)
    total_ms = models.PositiveBigIntegerField(default=0)
    min_ms = models.PositiveIntegerField(null=True, blank=True)
    max_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-hour"]
        constraints = [
            models.UniqueConstraint(fields=["check_ref", "hour"], name="checkrollup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.check_ref_id} {self.hour:%Y-%m-%d %H}:00"

    @property
    def average_ms(self) -> float | None:
        return self.total_ms / self.timed_runs if self.timed_runs else None


class Outage(models.Model):
    """A confirmed failure of one check: from its first failed run to its first success.
    `system` is the check's system, copied so uptime reads one index. `incident` is the
    incident the outage opened or joined (none while maintenance suppressed alerts)."""

    check_ref = models.ForeignKey(
        Check, on_delete=models.CASCADE, related_name="outages", db_column="check_id"
    )
    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="outages")
    started_at = models.DateTimeField()
    detected_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    degraded = models.BooleanField(default=False)
    in_maintenance = models.BooleanField(default=False)
    incident = models.ForeignKey(
        "systems.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="outages"
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["system", "started_at"], name="outage_system_start_idx"),
            models.Index(fields=["started_at"], name="outage_start_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["check_ref"],
                condition=Q(ended_at__isnull=True),
                name="outage_one_open_per_check",
                violation_error_message="This check already has an open outage.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="outage_ends_after_start",
                violation_error_message="An outage cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"Outage of {self.check_ref_id} from {self.started_at:%Y-%m-%d %H:%M}"
