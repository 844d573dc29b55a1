"""Who held which device when: check-outs and check-ins, and the scan sessions of bulk
distribution and collection that create them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hatrack.devices.models.catalog import Kit
from hatrack.devices.models.devices import Condition, Device
from hatrack.directory.models import Person, Room, Site


class ScanSession(models.Model):
    """One sitting at the scanner: handing out or collecting a school's devices.

    `site` (when set) is where the devices must belong: a device of another site is
    refused as "wrong site". `kit` is what every student receives with the device.
    Counts are kept by the scan service so the page shows them without counting.
    """

    class Kind(models.TextChoices):
        DISTRIBUTE = "distribute", "Distribution"
        COLLECT = "collect", "Collection"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="scan_sessions"
    )
    kit = models.ForeignKey(
        Kit, null=True, blank=True, on_delete=models.PROTECT, related_name="scan_sessions"
    )
    condition = models.CharField(
        max_length=10, choices=Condition.choices, blank=True,
        help_text="Condition recorded for every device (collection: unless marked).",
    )  # fmt: skip
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Assignment(models.Model):
    """One check-out of a device, to a person or a room, and its check-in when it returns.

    At most one open assignment (no `checked_in_at`) per device: the database enforces it,
    so two technicians scanning the same Chromebook at once cannot both hand it out.
    A loaner is an assignment of kind LOANER, usually tied to a repair, with a due date.
    """

    class Kind(models.TextChoices):
        CHECKOUT = "checkout", "Check-out"
        LOANER = "loaner", "Loaner"

    # Indexes lead with device and holder: no single-column FK indexes.
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHECKOUT)
    holder = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments",
        db_index=False,
    )  # fmt: skip
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Where the device went out.",
    )  # fmt: skip
    session = models.ForeignKey(
        ScanSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    kit = models.ForeignKey(Kit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accessories_out = models.JSONField(default=list, blank=True)
    condition_out = models.CharField(max_length=10, choices=Condition.choices, blank=True)
    due_on = models.DateField(null=True, blank=True)
    checked_out_at = models.DateTimeField()
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_session = models.ForeignKey(
        ScanSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="returns"
    )
    accessories_in = models.JSONField(default=list, blank=True)
    condition_in = models.CharField(max_length=10, choices=Condition.choices, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-checked_out_at", "-id"]
        indexes = [
            models.Index(fields=["device", "-checked_out_at"], name="assignment_device_idx"),
            models.Index(fields=["holder", "-checked_out_at"], name="assignment_holder_idx"),
            # The end-of-year report: who still holds a device, by site.
            models.Index(
                fields=["site", "holder"],
                condition=Q(checked_in_at__isnull=True),
                name="assignment_open_site_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(checked_in_at__isnull=True),
                name="assignment_one_open_per_device",
                violation_error_message="This device is already checked out.",
            ),
            models.CheckConstraint(
                condition=Q(holder__isnull=False) | Q(room__isnull=False),
                name="assignment_has_holder_or_room",
                violation_error_message="A device is checked out to a person or a room.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of device {self.device_id}"

    @property
    def is_open(self) -> bool:
        return self.checked_in_at is None


class Scan(models.Model):
    """One scan at the scanner, successful or not: the session's log and its undo.

    `assignment` is what a successful scan created (distribution) or closed (collection);
    undoing the last scan reverses exactly that and marks the scan `undone`.
    """

    class Outcome(models.TextChoices):
        OK = "ok", "Done"
        ERROR = "error", "Refused"

    session = models.ForeignKey(
        ScanSession, on_delete=models.CASCADE, related_name="scans", db_index=False
    )
    value = models.CharField(max_length=100, help_text="What the scanner typed.")
    outcome = models.CharField(max_length=5, choices=Outcome.choices)
    message = models.CharField(max_length=200)
    device = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone = models.BooleanField(default=False)
    scanned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["session", "-id"], name="scan_session_idx")]

    def __str__(self) -> str:
        return f"{self.value}: {self.message}"
