"""Physical audits: walk a site or a room with a scanner and compare with the records."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hatrack.devices.models.devices import Device
from hatrack.directory.models import Room, Site


class PhysicalAudit(models.Model):
    """An inventory count of a site (or one room of it).

    When it starts, the devices the records place there become `AuditItem`s with
    `expected=True`; each scan marks one found, and a scanned device that was not expected
    is added with `expected=False`. Finishing it freezes the found / missing / unexpected
    lists; the audit itself changes no device.
    """

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        FINISHED = "finished", "Finished"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="physical_audits")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="physical_audits"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expected_count = models.PositiveIntegerField(default=0)
    found_count = models.PositiveIntegerField(default=0)
    unexpected_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        where = self.room if self.room_id else self.site
        return f"Audit of {where} ({self.started_at:%Y-%m-%d})" if self.started_at else "Audit"

    @property
    def missing_count(self) -> int:
        return self.expected_count - (self.found_count - self.unexpected_count)


class AuditItem(models.Model):
    """One device in an audit: expected there, found there, or both."""

    audit = models.ForeignKey(PhysicalAudit, on_delete=models.CASCADE, related_name="items")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    expected = models.BooleanField()
    found_at = models.DateTimeField(null=True, blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "device"],
                name="audititem_unique",
                violation_error_message="This device is already part of the audit.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id} in audit {self.audit_id}"
