"""Who signs in to Hatrack, with which role, and their API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models

from hatrack.core.roles import Role


class User(AbstractUser):
    """A person who signs in. The role decides what they may do (core.permissions).

    `person` links the account to the district directory record of the same human,
    when there is one (a technician is also a staff member of the district).
    """

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STAFF)
    person = models.OneToOneField(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="account"
    )

    audit_exclude = ("password", "last_login")

    class Meta:
        ordering = ["username"]
        indexes = [models.Index(fields=["role", "username"], name="user_role_idx")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a hash is stored; the key is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. 'SIS sync script'."
    )
    prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    audit_exclude = ("key_hash", "last_used_at")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "htk_" + secrets.token_urlsafe(32)
