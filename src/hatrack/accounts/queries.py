"""Reads of the account pages: the leader's account list and a user's API tokens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from hatrack.accounts.models import ApiToken, User
from hatrack.core.lists import Page, count_label, keyset_page

USER_ORDER = ("username", "id")
TOKEN_ORDER = ("-created_at", "-id")


@dataclass
class UserListPage:
    page: Page
    count: str


def users_matching(filters: Mapping[str, str]) -> QuerySet[User]:
    """Accounts filtered by search text (name, username, email), role and status."""
    qs = User.objects.select_related("person").only(
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "is_active",
        "last_login",
        "person__given_name",
        "person__family_name",
    )
    if text := filters.get("q", "").strip():
        for word in text.split()[:5]:
            qs = qs.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
    if role := filters.get("role"):
        qs = qs.filter(role=role)
    if status := filters.get("status"):
        qs = qs.filter(is_active=status == "active")
    return qs


def user_list_page(
    filters: Mapping[str, str], *, after: str | None, before: str | None
) -> UserListPage:
    """One page of accounts in username order (two queries: the page and a bounded count)."""
    qs = users_matching(filters)
    return UserListPage(
        page=keyset_page(qs, order=USER_ORDER, after=after, before=before),
        count=count_label(qs),
    )


def tokens_page(user: User, *, after: str | None, before: str | None) -> Page:
    """A user's API tokens, newest first, revoked ones included (they say so)."""
    qs = ApiToken.objects.filter(user=user).only(
        "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at", "user_id"
    )
    return keyset_page(qs, order=TOKEN_ORDER, after=after, before=before)


@dataclass
class TokenRow:
    pk: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    status: str
    status_class: str
    usable: bool


def token_row(token: ApiToken, *, now: datetime) -> TokenRow:
    """A token as the profile shows it, with its status in words."""
    if token.revoked_at is not None:
        status, css = "Revoked", "badge-muted"
    elif token.expires_at is not None and token.expires_at <= now:
        status, css = "Expired", "badge-warning"
    else:
        status, css = "Active", "badge-success"
    return TokenRow(
        pk=token.pk,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        status=status,
        status_class=css,
        usable=status == "Active",
    )
