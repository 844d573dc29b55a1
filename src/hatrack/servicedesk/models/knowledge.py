"""The knowledge base: answers written once and found before a ticket is filed.

Articles are Markdown, rendered and sanitized on save (`body_html`), so a page never
renders untrusted HTML. Staff articles show in the portal and its suggestions;
technician articles only to those who work tickets. A `Deflection` is a requester
saying a suggested article answered their question, so no ticket was filed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import validate_slug
from django.db import models
from django.db.models import Q

from hatrack.servicedesk.models.tickets import Category, Queue


class Article(models.Model):
    """One knowledge base article."""

    class Audience(models.TextChoices):
        STAFF = "staff", "Everyone (staff portal)"
        TECHNICIANS = "technicians", "Technicians only"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, validators=[validate_slug])
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, default="")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.STAFF)
    queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    published = models.BooleanField(default=False)
    # Lower-cased title, summary and body words: the SQLite search fallback matches here.
    search_text = models.TextField(editable=False, default="")
    views = models.PositiveIntegerField(default=0, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at", "body_html", "search_text", "views")

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["audience", "published", "title"], name="article_audience_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""),
                name="article_title_required",
                violation_error_message="An article needs a title.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Deflection(models.Model):
    """A suggested article that answered a requester's question: one ticket not filed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    query = models.CharField(max_length=200, blank=True, help_text="What they were typing.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="deflection_created_idx")]

    def __str__(self) -> str:
        return f"{self.article} answered {self.query!r}"
