"""Vendors and funding sources: who the district buys from, and with which money.

Devices record both on purchase; repairs name the vendor of a warranty claim; the
systems and planning hats read the same rows instead of keeping their own lists.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Vendor(models.Model):
    """A company the district buys from or sends repairs to."""

    name = models.CharField(max_length=200, unique=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True, help_text="Support or account contact.")
    phone = models.CharField(max_length=30, blank=True)
    account_number = models.CharField(
        max_length=100, blank=True, help_text="The district's customer number with the vendor."
    )
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="vendor_name_required",
                violation_error_message="A vendor needs a name.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class FundingSource(models.Model):
    """Money the district spends: the general fund, E-Rate, a grant, a bond, or one-time
    federal funds. `ends_on` is when one-time money runs out (the funding cliff)."""

    class Kind(models.TextChoices):
        GENERAL = "general", "General fund"
        ERATE = "erate", "E-Rate"
        GRANT = "grant", "Grant"
        BOND = "bond", "Bond"
        ONE_TIME = "one_time", "One-time federal funds"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=30, blank=True, help_text="The finance office's code.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    recurring = models.BooleanField(
        default=True, help_text="Comes back every year (unlike a grant or one-time funds)."
    )
    ends_on = models.DateField(null=True, blank=True, help_text="When this money runs out.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="fundingsource_name_required",
                violation_error_message="A funding source needs a name.",
            )
        ]

    def __str__(self) -> str:
        return self.name
