"""Rooms inside sites: where a classroom display hangs, where a cart of devices lives.

Devices are deployed to rooms, physical audits walk a room, and later hats (tickets,
maintenance) can point at one. A room belongs to exactly one site.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hatrack.directory.models.district import Site


class Room(models.Model):
    """A room, lab, office or storage closet at a site, named the way the site names it."""

    class Kind(models.TextChoices):
        CLASSROOM = "classroom", "Classroom"
        LAB = "lab", "Computer lab"
        LIBRARY = "library", "Library"
        OFFICE = "office", "Office"
        STORAGE = "storage", "Storage"
        NETWORK = "network", "Network closet"
        OTHER = "other", "Other"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100, help_text="As the site names it, e.g. Room 204.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CLASSROOM)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"],
                name="room_unique_per_site",
                violation_error_message="This site already has a room with that name.",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="room_name_required",
                violation_error_message="A room needs a name.",
            ),
        ]

    def __str__(self) -> str:
        site = self.site.code if self.site_id and self.site else ""
        return f"{site} {self.name}".strip()
