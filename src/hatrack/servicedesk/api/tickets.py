"""Tickets and their timelines over the API.

Reading goes through `servicedesk.queries` (`tickets_visible_to`, `get_ticket_for`,
`messages_for`), so the API sees exactly what the pages show the same person; writing
goes through `servicedesk.services`. The ticket list is the hot path: one query of
plain `.values()` rows, keyset-paged on (updated_at, id) like the queue page, written
straight to JSON.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from hatrack.accounts.models import User
from hatrack.core.api import (
    LIST_ERRORS,
    ONE_ERRORS,
    WRITE_ERRORS,
    api_page,
    api_requires,
    json_response,
    page_after,
    page_limit,
)
from hatrack.directory.models import Person, Site
from hatrack.servicedesk import queries, services
from hatrack.servicedesk.api.common import api_field_names, aware, related
from hatrack.servicedesk.models import (
    Category,
    Queue,
    Ticket,
    TicketMessage,
    format_reference,
)
from hatrack.servicedesk.schemas import (
    MessageIn,
    MessageOut,
    MessagePage,
    TicketFilters,
    TicketIn,
    TicketMerge,
    TicketOut,
    TicketPage,
    TicketPatch,
    TicketRowOut,
)
from hatrack.servicedesk.services.desk import update_ticket_fields

router = Router()

REQUEST = "servicedesk.request"
WORK = "servicedesk.work"
# The service's field names as the API calls them.
TICKET_RENAMES = {
    "queue": "queue_id",
    "category": "category_id",
    "site": "site_id",
    "requester": "requester_id",
    "assignee": "assignee_id",
    "merged_into": "into_id",
}
ROW_FIELDS = tuple(TicketRowOut.model_fields)
NAME_COLUMNS = (
    "requester__given_name",
    "requester__family_name",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
)
# What one list row reads: its own columns and the two names, in one query.
ROW_COLUMNS = (
    *(f for f in ROW_FIELDS if f not in ("reference", "requester_name", "assignee_name")),
    *NAME_COLUMNS,
)
MESSAGE_ORDER = ("created_at", "id")
MESSAGE_COLUMNS = (
    "id",
    "ticket_id",
    "kind",
    "body",
    "author_id",
    "channel",
    "created_at",
    "author__first_name",
    "author__last_name",
    "author__username",
    "author_person__given_name",
    "author_person__family_name",
)


def _name(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def present_ticket_row(row: dict[str, Any]) -> dict[str, Any]:
    """A `.values()` row (ROW_COLUMNS) as the API's list item."""
    given, family, first, last, username = (row.pop(c) for c in NAME_COLUMNS)
    row["reference"] = format_reference(row["id"])
    row["requester_name"] = _name(given, family)
    row["assignee_name"] = _name(first, last) or username or ""
    return {name: row[name] for name in ROW_FIELDS}


def present_ticket(ticket: Ticket) -> dict[str, Any]:
    """One ticket in full (requester and assignee selected with it), tags in one query."""
    row = {name: getattr(ticket, name) for name in ROW_COLUMNS if "__" not in name}
    requester, assignee = ticket.requester, ticket.assignee
    row.update(
        requester__given_name=requester.given_name if requester else None,
        requester__family_name=requester.family_name if requester else None,
        assignee__first_name=assignee.first_name if assignee else None,
        assignee__last_name=assignee.last_name if assignee else None,
        assignee__username=assignee.username if assignee else None,
    )
    out = present_ticket_row(row)
    out["description"] = ticket.description
    out["tags"] = list(ticket.tags.order_by("name").values_list("name", flat=True))
    return out


def present_message(row: dict[str, Any]) -> dict[str, Any]:
    """A `.values()` row (MESSAGE_COLUMNS) as the API's message."""
    account = _name(row.pop("author__first_name"), row.pop("author__last_name"))
    username = row.pop("author__username")
    person = _name(row.pop("author_person__given_name"), row.pop("author_person__family_name"))
    row["author_name"] = account or username or person or ""
    return row


def _reloaded(pk: int) -> Ticket:
    """The ticket as it now stands, for the reply to a change the caller was allowed
    (a technician who hands a ticket to another queue's team may no longer see it)."""
    return Ticket.objects.select_related("requester", "assignee").get(pk=pk)


# --- Reading -----------------------------------------------------------------------------


@router.get("/tickets", response={200: TicketPage, **LIST_ERRORS}, tags=["tickets"])
@api_requires(REQUEST)
def list_tickets(
    request: HttpRequest,
    filters: Query[TicketFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """The tickets you may see, most recently active first, a page at a time: a Staff
    user's own, a technician's queues, everything for leaders and viewers. One query
    per page, whatever its size."""
    user = request.user
    chosen = filters.model_dump(exclude={"updated_since"})
    tickets = queries.queue_tickets(user, chosen)  # type: ignore[arg-type]
    if filters.updated_since is not None:
        tickets = tickets.filter(updated_at__gte=aware(filters.updated_since))
    rows = tickets.values(*ROW_COLUMNS)
    items, next_url = api_page(request, rows, order=queries.QUEUE_ORDER, limit=limit, after=after)
    return json_response({"items": [present_ticket_row(r) for r in items], "next": next_url})


@router.get("/tickets/{ticket_id}", response={200: TicketOut, **ONE_ERRORS}, tags=["tickets"])
@api_requires(REQUEST)
def get_ticket(request: HttpRequest, ticket_id: int) -> Any:
    """One ticket you may see (404 for any other, as for one that does not exist)."""
    return present_ticket(queries.get_ticket_for(request.user, ticket_id))


# --- Opening -------------------------------------------------------------------------------


def _requester(payload: TicketIn, user: User, worker: bool) -> Person | None:
    if worker and payload.requester_id is not None:
        return related(Person, payload.requester_id, "requester_id", "person")  # type: ignore[no-any-return]
    if payload.requester_id not in (None, user.person_id):
        raise ValidationError(
            {
                "requester_id": "You can open tickets only for yourself; the help desk can "
                "open one for someone else."
            }
        )
    return user.person


def _channel(payload: TicketIn, worker: bool) -> str:
    if payload.channel is None:
        return Ticket.Channel.API
    if not worker and payload.channel != Ticket.Channel.API:
        raise ValidationError(
            {"channel": "Only technicians say how a request came in; leave the channel out."}
        )
    return payload.channel


@router.post("/tickets", response={201: TicketOut, **WRITE_ERRORS}, tags=["tickets"])
@api_requires(REQUEST)
def create_ticket(request: HttpRequest, payload: TicketIn) -> Any:
    """Open a ticket: for yourself, or (technicians and leaders) for anyone in the
    directory. Automation rules, routing and SLA targets apply as for the portal."""
    user: User = request.user  # type: ignore[assignment]
    worker = services.is_worker(user)
    with api_field_names(TICKET_RENAMES):
        ticket = services.open_ticket(
            queue=related(Queue, payload.queue_id, "queue_id", "queue"),
            subject=payload.subject,
            description=payload.description,
            requester=_requester(payload, user, worker),
            by=user,
            category=related(Category, payload.category_id, "category_id", "category"),
            priority=payload.priority,
            channel=_channel(payload, worker),
            site=related(Site, payload.site_id, "site_id", "site"),
        )
    return Status(201, present_ticket(_reloaded(ticket.pk)))


# --- Working -------------------------------------------------------------------------------


def _change_fields(ticket: Ticket, values: dict[str, Any], user: User) -> None:
    if "priority" not in values and "category_id" not in values:
        return
    category = ticket.category
    if "category_id" in values:
        category = related(Category, values["category_id"], "category_id", "category")
    update_ticket_fields(
        ticket=ticket,
        by=user,
        priority=values.get("priority", ticket.priority),
        category=category,
        team=ticket.team,
    )


def _assignee(pk: int | None) -> User | None:
    return related(User, pk, "assignee_id", "user")  # type: ignore[no-any-return]


@router.patch(
    "/tickets/{ticket_id}",
    response={200: TicketOut, **ONE_ERRORS, **WRITE_ERRORS},
    tags=["tickets"],
)
@api_requires(WORK)
def update_ticket(request: HttpRequest, ticket_id: int, payload: TicketPatch) -> Any:
    """Change what you send of status, priority, category, assignee and tags, all or
    nothing. Each change is audited and shows on the timeline; closed tickets change
    only by leaders."""
    user: User = request.user  # type: ignore[assignment]
    ticket = queries.get_ticket_for(user, ticket_id)
    values = payload.model_dump(exclude_unset=True)
    with api_field_names(TICKET_RENAMES), transaction.atomic():
        _change_fields(ticket, values, user)
        if "assignee_id" in values:
            services.assign_ticket(
                ticket=ticket, assignee=_assignee(values["assignee_id"]), by=user
            )
        if "tags" in values:
            services.set_ticket_tags(ticket=ticket, names=values["tags"], by=user)
        # Last: a ticket closed by this change takes no further change from a technician.
        if "status" in values:
            services.set_ticket_status(ticket=ticket, status=values["status"], by=user)
    return present_ticket(_reloaded(ticket.pk))


@router.post(
    "/tickets/{ticket_id}/merge",
    response={200: TicketOut, **ONE_ERRORS, **WRITE_ERRORS},
    tags=["tickets"],
)
@api_requires(WORK)
def merge_ticket(request: HttpRequest, ticket_id: int, payload: TicketMerge) -> Any:
    """Close this ticket as a duplicate of `into_id` (same queue); returns it, merged."""
    user: User = request.user  # type: ignore[assignment]
    duplicate = queries.get_ticket_for(user, ticket_id)
    into = queries.tickets_visible_to(user).filter(pk=payload.into_id).first()
    if into is None:
        reference = format_reference(payload.into_id)
        raise ValidationError({"into_id": f"There is no ticket {reference} you can see."})
    with api_field_names(TICKET_RENAMES):
        services.merge_tickets(duplicate=duplicate, into=into, by=user)
    return present_ticket(_reloaded(duplicate.pk))


# --- The timeline -----------------------------------------------------------------------------


@router.get(
    "/tickets/{ticket_id}/messages",
    response={200: MessagePage, **ONE_ERRORS, **LIST_ERRORS},
    tags=["messages"],
)
@api_requires(REQUEST)
def list_messages(
    request: HttpRequest,
    ticket_id: int,
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """The ticket's timeline, oldest first: replies, system events and (for those who
    work tickets or read them all) internal notes. Requesters never see the notes."""
    ticket = queries.get_ticket_for(request.user, ticket_id)
    rows = queries.messages_for(request.user, ticket).values(*MESSAGE_COLUMNS)
    items, next_url = api_page(request, rows, order=MESSAGE_ORDER, limit=limit, after=after)
    return json_response({"items": [present_message(r) for r in items], "next": next_url})


@router.post(
    "/tickets/{ticket_id}/messages",
    response={201: MessageOut, **ONE_ERRORS, **WRITE_ERRORS},
    tags=["messages"],
)
@api_requires(REQUEST)
def create_message(request: HttpRequest, ticket_id: int, payload: MessageIn) -> Any:
    """Reply on a ticket you asked on or work on, or (technicians and leaders) write an
    internal note with `internal: true`. A requester's reply reopens a ticket resolved
    in the last few days; a closed ticket takes no replies."""
    user: User = request.user  # type: ignore[assignment]
    ticket = queries.get_ticket_for(user, ticket_id)
    message = services.reply_to_ticket(
        ticket=ticket,
        body=payload.body,
        by=user,
        internal=payload.internal,
        channel=Ticket.Channel.API,
    )
    row = TicketMessage.objects.filter(pk=message.pk).values(*MESSAGE_COLUMNS).get()
    return Status(201, present_message(row))
