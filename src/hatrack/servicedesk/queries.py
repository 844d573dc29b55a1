"""Reads of the service desk that pages and the API share, scoped to who is asking.

Deny by default: `tickets_visible_to` is the one place that decides which tickets a
user may read. Leaders and viewers see every ticket (viewers read only). Technicians see
the tickets of their queues (the queues of the active teams they belong to), tickets
assigned to them, and their own requests: the facilities queue's staff do not read the
Technology queue, and the reverse. Anyone else sees the tickets they asked for (their
directory person is the requester) or opened themselves; an anonymous or inactive user
sees none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from hatrack.core.lists import Page, keyset_page
from hatrack.core.permissions import can
from hatrack.servicedesk.models import Queue, Ticket, TicketMessage, format_reference

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hatrack.accounts.models import User

QUEUE_ORDER = ("-updated_at", "-id")
# The columns a queue table shows, fetched as plain values in one query.
QUEUE_COLUMNS = (
    "id",
    "subject",
    "status",
    "priority",
    "channel",
    "updated_at",
    "created_at",
    "resolution_due",
    "queue__name",
    "category__name",
    "site__name",
    "requester__given_name",
    "requester__family_name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)
STATUS_LABELS = dict(Ticket.Status.choices)
PRIORITY_LABELS = dict(Ticket.Priority.choices)


def tickets_visible_to(user: User | AnonymousUser) -> QuerySet[Ticket]:
    """Every ticket the user may read (see the module docstring)."""
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if can(user, "servicedesk.view_all"):
        return Ticket.objects.all()
    if not can(user, "servicedesk.request"):
        return Ticket.objects.none()
    own = Q(created_by=user)
    person_id = getattr(user, "person_id", None)
    if person_id is not None:
        own |= Q(requester_id=person_id)
    if can(user, "servicedesk.work"):
        own |= Q(assignee=user) | Q(queue__in=queues_worked_by(user))
    return Ticket.objects.filter(own)


def queues_worked_by(user: User) -> QuerySet[Queue, Any]:
    """The queues whose active teams the user belongs to (a subquery, not a list)."""
    return Queue.objects.filter(teams__members=user, teams__active=True).values("pk")


def get_ticket_for(user: User | AnonymousUser, pk: int) -> Ticket:
    """The ticket with its queue, category, requester, site and assignee, if the user may
    read it; Http404 otherwise (a ticket one may not see looks like no ticket at all)."""
    ticket = (
        tickets_visible_to(user)
        .select_related("queue", "category", "requester", "site", "assignee", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def messages_for(user: User | AnonymousUser, ticket: Ticket) -> QuerySet[TicketMessage]:
    """The ticket's timeline in order; internal notes only for those who work tickets
    or read every ticket (a requester never sees the notes about them)."""
    qs = TicketMessage.objects.filter(ticket=ticket).select_related("author", "author_person")
    if not can(user, "servicedesk.view"):
        qs = qs.exclude(kind=TicketMessage.Kind.NOTE)
    return qs.order_by("created_at", "id")


def _filtered(qs: QuerySet[Ticket], filters: dict[str, Any], user: User) -> QuerySet[Ticket]:
    for name in ("queue", "status", "priority", "site", "category", "requester", "channel"):
        value = filters.get(name)
        if value not in (None, ""):
            qs = qs.filter(**{name: value})
    assignee = filters.get("assignee")
    if assignee == "me":
        qs = qs.filter(assignee=user)
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee not in (None, ""):
        qs = qs.filter(assignee=assignee)
    if filters.get("open_only"):
        qs = qs.exclude(status__in=Ticket.DONE_STATUSES)
    return qs


def present_queue_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pre-format what a queue table prints, so templates do no per-row work."""
    for row in rows:
        row["reference"] = format_reference(row["id"])
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
        row["priority_label"] = PRIORITY_LABELS.get(row["priority"], row["priority"])
        given, family = row["requester__given_name"], row["requester__family_name"]
        row["requester_name"] = f"{given} {family}" if given or family else ""
        first, last = row["assignee__first_name"], row["assignee__last_name"]
        full = f"{first or ''} {last or ''}".strip()
        row["assignee_name"] = full or row["assignee__username"] or ""
    return rows


def ticket_queue_page(
    user: User,
    filters: dict[str, Any],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> Page:
    """One keyset page of the tickets the user may see, newest activity first, filtered
    by any of queue, status, priority, site, category, requester, channel and assignee
    ("me", "none" or a user id). One query, whatever the page size."""
    qs = _filtered(tickets_visible_to(user), filters, user).values(*QUEUE_COLUMNS)
    page = keyset_page(qs, order=QUEUE_ORDER, after=after, before=before, size=size)
    page.rows = present_queue_rows(page.rows)
    return page
