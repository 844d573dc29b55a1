"""API tokens: creating one (its key is shown once), revoking it, and recognising it.

Only a SHA-256 hash of a key is stored, so a leaked database does not leak working
keys. Creating and revoking are audited like any other change; recording a token's
last use is bookkeeping (`ApiToken.audit_exclude`), written at most once a minute so
a busy script does not write on every request.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hatrack.accounts.models import ApiToken
from hatrack.core import audit

if TYPE_CHECKING:
    from hatrack.accounts.models import User

KEY_PREFIX = "htk_"
LAST_USED_EVERY = datetime.timedelta(minutes=1)
# What a request needs of a token and its user: checked on every API call, so lean.
TOKEN_COLUMNS = (
    "user_id",
    "expires_at",
    "last_used_at",
    "user__username",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__role",
    "user__is_active",
    "user__is_superuser",
    "user__is_staff",
)


def create_api_token(
    *,
    user: User,
    name: str,
    expires_at: datetime.datetime | None = None,
    by: User | None,
) -> tuple[ApiToken, str]:
    """A new token for `user` and its key, which is never shown again.

    Raises ValidationError when the name is empty or too long, or the expiry is past.
    """
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the token a name that says what uses it."
    elif len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = "Keep the name under 100 characters."
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "The expiry date must be in the future."
    if errors:
        raise ValidationError(errors)
    key = ApiToken.new_key()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[: ApiToken.PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(key),
        expires_at=expires_at,
    )
    with transaction.atomic():
        token.save()
        audit.record_create(token, by=by)
    return token, key


def revoke_api_token(*, token: ApiToken, by: User | None) -> ApiToken:
    """Stop a token from working, for good. Revoking a revoked token changes nothing."""
    if token.revoked_at is not None:
        return token
    before = audit.snapshot(token)
    token.revoked_at = timezone.now()
    with transaction.atomic():
        token.save(update_fields=["revoked_at"])
        audit.record_update(token, before, by=by)
    return token


def user_for_key(key: str) -> User | None:
    """The active user a key belongs to, if the token is live; records its use."""
    if not key.startswith(KEY_PREFIX):
        return None
    found = list(
        ApiToken.objects.select_related("user")
        .only(*TOKEN_COLUMNS)
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .order_by()[:1]
    )
    token = found[0] if found else None
    moment = timezone.now()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= moment:
        return None
    record_token_use(token=token, at=moment)
    return token.user


def record_token_use(*, token: ApiToken, at: datetime.datetime) -> None:
    """Note when a token was last used, at most once a minute (not audited)."""
    if token.last_used_at is not None and at - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    token.last_used_at = at
