"""The technician's tools: saved queue views, canned responses, and the requester's
satisfaction rating on a resolved ticket."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from hatrack.servicedesk.models.tickets import Queue, Ticket


class SavedView(models.Model):
    """A named set of queue filters ("my open", "unassigned at my site").

    `owner` empty: shared with everyone who works tickets. `filters` holds the same
    keys as the queue page's query string.
    """

    name = models.CharField(max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    filters = models.JSONField(default=dict)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="savedview_name_required",
                violation_error_message="A saved view needs a name.",
            ),
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="savedview_name_unique_per_owner",
                violation_error_message="You already have a view of that name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CannedResponse(models.Model):
    """A reply written once and reused, with placeholders such as {{ requester.first_name }}
    and {{ ticket.reference }} filled in when it is inserted. `owner` empty: shared."""

    title = models.CharField(max_length=100)
    body = models.TextField()
    queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.CASCADE, related_name="canned_responses"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_responses",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(body=""),
                name="cannedresponse_title_body_required",
                violation_error_message="A canned response needs a title and some text.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class SatisfactionRating(models.Model):
    """The requester's rating of a resolved ticket, 1 (poor) to 5 (excellent)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="rating_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5),
                name="rating_score_1_to_5",
                violation_error_message="Rate from 1 to 5.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.score}/5"
