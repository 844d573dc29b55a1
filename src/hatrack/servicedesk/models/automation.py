"""Automation rules: when a new ticket matches, set its fields, route it, tell someone.

Rules of a queue run in `position` order when a ticket is opened (from any channel);
each matching rule applies its actions, and a rule with `stop` ends the run. Conditions
all have to hold (an empty one holds for every ticket):

    conditions = {"categories": [ids], "sites": [ids], "requester_roles": ["teacher"],
                  "keywords": ["projector", "smart board"], "priorities": ["high"],
                  "channels": ["email"]}
    actions = {"priority": "high", "category": id, "assignee": user id, "team": id,
               "tags": ["testing"], "notify": ["facilities@district.org"]}
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hatrack.servicedesk.models.tickets import Queue


class AutomationRule(models.Model):
    """One rule of a queue: conditions a new ticket must meet, and what then happens."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    conditions = models.JSONField(default=dict, blank=True)
    actions = models.JSONField(default=dict)
    stop = models.BooleanField(default=False, help_text="Run no later rules when this matches.")
    active = models.BooleanField(default=True)
    times_matched = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at", "times_matched")

    class Meta:
        ordering = ["queue", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="automationrule_name_required",
                violation_error_message="A rule needs a name.",
            )
        ]

    def __str__(self) -> str:
        return self.name
