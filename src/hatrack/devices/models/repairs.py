"""Repairs, the parts and labour they cost, and damage fees charged to families."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from hatrack.devices.models.assignments import Assignment
from hatrack.devices.models.devices import Device
from hatrack.directory.models import Person, Vendor


class DamageType(models.TextChoices):
    NONE = "none", "No damage (fault)"
    SCREEN = "screen", "Cracked screen"
    KEYBOARD = "keyboard", "Keyboard or touchpad"
    LIQUID = "liquid", "Liquid spill"
    HINGE = "hinge", "Hinge or case"
    CHARGING = "charging", "Charging port or battery"
    CHARGER = "charger", "Lost or broken charger"
    OTHER = "other", "Other damage"


class Repair(models.Model):
    """A device out of service until fixed: the problem, who held it, where it went.

    `holder` is who had the device when it broke (the student's repair history).
    `loaner` is the loaner check-out handed out meanwhile. `ticket_id` names the service
    desk ticket that reported it (kept as a plain id: the service desk is optional).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        AT_VENDOR = "at_vendor", "Sent to vendor"
        WAITING_PARTS = "waiting_parts", "Waiting for parts"
        REPAIRED = "repaired", "Repaired"
        UNREPAIRABLE = "unrepairable", "Beyond repair"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.OPEN, Status.AT_VENDOR, Status.WAITING_PARTS)

    # Indexes lead with device, holder and person: no single-column FK indexes.
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="repairs", db_index=False
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    problem = models.TextField()
    damage_type = models.CharField(max_length=12, choices=DamageType.choices, default="none")
    holder = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="repairs",
        db_index=False,
    )  # fmt: skip
    ticket = models.ForeignKey(
        "servicedesk.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repairs",
    )
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="repairs"
    )
    warranty_claim = models.BooleanField(default=False)
    claim_number = models.CharField(max_length=100, blank=True)
    labor_cost = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    parts_cost = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0"), editable=False,
        help_text="Sum of the parts, kept by the repair services.",
    )  # fmt: skip
    loaner = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["device", "-opened_at"], name="repair_device_idx"),
            models.Index(fields=["holder", "-opened_at"], name="repair_holder_idx"),
            models.Index(fields=["status", "-opened_at"], name="repair_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(labor_cost__gte=0),
                name="repair_labor_not_negative",
                violation_error_message="Labour cost cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~Q(problem=""),
                name="repair_problem_required",
                violation_error_message="Describe the problem.",
            ),
        ]

    def __str__(self) -> str:
        return f"Repair R-{self.pk}" if self.pk else "New repair"

    @property
    def total_cost(self) -> Decimal:
        return self.labor_cost + self.parts_cost

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class RepairPart(models.Model):
    """A part used in a repair, with its cost."""

    repair = models.ForeignKey(Repair, on_delete=models.CASCADE, related_name="parts")
    description = models.CharField(max_length=200)
    part_number = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_cost = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0) & Q(quantity__gte=1),
                name="repairpart_cost_quantity",
                violation_error_message="Quantity must be 1 or more and cost 0 or more.",
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def total(self) -> Decimal:
        return self.unit_cost * self.quantity


class Fee(models.Model):
    """A damage or loss fee charged to a student's family, its payments and any waiver.

    `amount_paid` is the sum of the payments, kept by the fee services; the status follows
    from it (unpaid, partly paid, paid) unless the fee is waived.
    """

    class Status(models.TextChoices):
        UNPAID = "unpaid", "Unpaid"
        PARTIAL = "partial", "Partly paid"
        PAID = "paid", "Paid"
        WAIVED = "waived", "Waived"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="device_fees", db_index=False
    )
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="fees")
    repair = models.ForeignKey(
        Repair, null=True, blank=True, on_delete=models.SET_NULL, related_name="fees"
    )
    damage_type = models.CharField(max_length=12, choices=DamageType.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    amount_paid = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0"), editable=False
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNPAID)
    notes = models.TextField(blank=True)
    waived_reason = models.CharField(max_length=300, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    charged_at = models.DateTimeField()
    charged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["-charged_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-charged_at"], name="fee_person_idx"),
            models.Index(fields=["status", "-charged_at"], name="fee_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="fee_amount_positive",
                violation_error_message="A fee must be more than zero.",
            )
        ]

    def __str__(self) -> str:
        return f"Fee F-{self.pk}" if self.pk else "New fee"

    @property
    def balance(self) -> Decimal:
        if self.status == self.Status.WAIVED:
            return Decimal("0")
        return self.amount - self.amount_paid


class FeePayment(models.Model):
    """A payment towards a fee, as the school's bookkeeper recorded it."""

    class Method(models.TextChoices):
        CASH = "cash", "Cash"
        CHECK = "check", "Check"
        CARD = "card", "Card"
        ONLINE = "online", "Online payment"
        OTHER = "other", "Other"

    fee = models.ForeignKey(Fee, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=10, choices=Method.choices)
    reference = models.CharField(max_length=100, blank=True, help_text="Receipt or check number.")
    paid_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="feepayment_amount_positive",
                violation_error_message="A payment must be more than zero.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"
