"""Reads about service levels that pages share: "breaching today" and the policy list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from hatrack.directory.working_time import district_zone
from hatrack.servicedesk.models import SlaPolicy, Ticket


def end_of_today(now: dt.datetime | None = None) -> dt.datetime:
    """Midnight at the end of today in the district's time zone, as an aware datetime."""
    zone = district_zone()
    today = (now or timezone.now()).astimezone(zone).date()
    return dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def breaching_today(now: dt.datetime | None = None) -> Q:
    """Tickets whose resolution target falls before the end of today in district time
    (or has passed) and that are not resolved. Matches the partial index
    ticket_open_resolution_due_idx; paused tickets are included, as they are still due."""
    return Q(
        resolved_at__isnull=True,
        resolution_due__isnull=False,
        resolution_due__lt=end_of_today(now),
    ) & ~Q(status__in=Ticket.DONE_STATUSES)


# --- Policies ------------------------------------------------------------------------------


def describe_minutes(minutes: int) -> str:
    """Business minutes in words: 240 -> '4 business hours', 90 -> '1 business hour 30 min'."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} business minute{'s' if rest != 1 else ''}"
    words = f"{hours} business hour{'s' if hours != 1 else ''}"
    return f"{words} {rest} min" if rest else words


def policy_rows() -> list[dict[str, Any]]:
    """Every policy (a district has a handful), active first, by name, in words. One query."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in SlaPolicy.objects.order_by("-active", "name").values(
            "id",
            "name",
            "queue__name",
            "category__name",
            "priority",
            "first_response_minutes",
            "resolution_minutes",
            "warn_before_minutes",
            "active",
        )
    ]
    priorities = dict(Ticket.Priority.choices)
    for row in rows:
        row["applies_to"] = " › ".join(
            part for part in (row["queue__name"] or "Every queue", row["category__name"]) if part
        )
        row["priority_label"] = priorities.get(row["priority"], "Any priority")
        row["first_response"] = describe_minutes(row["first_response_minutes"])
        row["resolution"] = describe_minutes(row["resolution_minutes"])
        row["warn_before"] = describe_minutes(row["warn_before_minutes"])
    return rows


def policies() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.select_related("queue", "category")
