"""The roles of Hatrack users. Kept apart from permissions so models can import it early."""

from django.db import models


class Role(models.TextChoices):
    LEADER = "leader", "Technology leader"
    TECHNICIAN = "technician", "Technician"
    STAFF = "staff", "Staff"
    VIEWER = "viewer", "Viewer"
