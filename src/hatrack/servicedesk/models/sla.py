"""Service-level policies: how fast a ticket should get its first answer and be resolved.

Targets are counted in business minutes on the district's calendar (working hours per
site, holidays and breaks from `directory.models.calendar`), and the clock stops while
a ticket waits on its requester. The most specific active policy wins: one naming the
ticket's category beats one naming only its queue, which beats a district-wide one;
among equals, one naming the priority beats one for any priority.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hatrack.servicedesk.models.tickets import Category, Queue, Ticket


class SlaPolicy(models.Model):
    """First response and resolution targets for tickets that match it."""

    name = models.CharField(max_length=100, unique=True)
    queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.CASCADE, related_name="sla_policies"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="sla_policies"
    )
    priority = models.CharField(
        max_length=10,
        choices=Ticket.Priority.choices,
        blank=True,
        help_text="Leave empty for every priority.",
    )
    first_response_minutes = models.PositiveIntegerField(
        help_text="Business minutes until the first public reply is due."
    )
    resolution_minutes = models.PositiveIntegerField(
        help_text="Business minutes until the ticket should be resolved."
    )
    warn_before_minutes = models.PositiveIntegerField(
        default=60, help_text="Warn this many business minutes before a target is missed."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["name"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="slapolicy_name_required",
                violation_error_message="An SLA policy needs a name.",
            ),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gt=0) & Q(resolution_minutes__gt=0),
                name="slapolicy_targets_positive",
                violation_error_message="Targets must be at least one minute.",
            ),
        ]

    def __str__(self) -> str:
        return self.name
