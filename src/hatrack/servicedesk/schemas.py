"""The shapes of the service desk API: queues, their categories, tickets and messages.

`...Out` is what the API returns, `...In` what it creates from, `...Patch` a partial
change (only the fields sent change). Related records are referred to by id
(`queue_id`, `requester_id`); unknown fields are refused. Times are ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from hatrack.directory.schemas import PageOut, StrictIn, unchanged
from hatrack.servicedesk.models import Ticket

Priority = Ticket.Priority
Status = Ticket.Status
Channel = Ticket.Channel
# A literal, not TicketMessage.Kind: the schema names enums by class, and Site.Kind
# already holds the name "Kind".
MessageKind = Literal["reply", "note", "event"]

# --- Queues ----------------------------------------------------------------------------


class QueueOut(Schema):
    id: int
    name: str
    code: str
    department_id: int | None
    email: str
    active: bool
    created_at: datetime
    updated_at: datetime


class QueueIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)
    code: str = Field(..., min_length=1, max_length=40, description="Short code, e.g. tech.")
    department_id: int | None = Field(None, description="The department that runs it.")
    email: str = Field("", max_length=254, description="Mail to this address opens tickets.")
    active: bool = True


class QueuePatch(StrictIn):
    name: str = unchanged(min_length=1, max_length=100)
    code: str = unchanged(min_length=1, max_length=40)
    department_id: int | None = unchanged()
    email: str = unchanged(max_length=254)
    active: bool = unchanged(description="false: the queue keeps its tickets, takes no new ones.")


class QueueFilters(Schema):
    active: bool | None = Field(None, description="Omit for active and inactive queues.")


class QueuePage(PageOut):
    items: list[QueueOut]


# --- Categories -------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    queue_id: int
    parent_id: int | None
    name: str
    active: bool


class CategoryIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)
    parent_id: int | None = Field(None, description="A category of the same queue; null: top.")
    active: bool = True


class CategoryPatch(StrictIn):
    name: str = unchanged(min_length=1, max_length=100)
    parent_id: int | None = unchanged(description="Move under another category of the queue.")
    active: bool = unchanged(description="false: stays on old tickets, cannot be chosen anew.")


class CategoryFilters(Schema):
    active: bool | None = Field(None, description="Omit for active and retired categories.")


class CategoryPage(PageOut):
    items: list[CategoryOut]


# --- Tickets ----------------------------------------------------------------------------


class TicketRowOut(Schema):
    """A ticket as lists show it."""

    id: int
    reference: str = Field(..., description="The number people quote, e.g. HT-000123.")
    subject: str
    status: Status
    priority: Priority
    channel: Channel
    queue_id: int
    category_id: int | None
    site_id: int | None
    requester_id: int | None
    requester_name: str
    assignee_id: int | None
    assignee_name: str
    team_id: int | None
    merged_into_id: int | None
    first_response_due: datetime | None
    resolution_due: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class TicketOut(TicketRowOut):
    """One ticket in full: its row, its description and its tags."""

    description: str
    tags: list[str]


class TicketIn(StrictIn):
    queue_id: int
    subject: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    category_id: int | None = None
    priority: Priority = Priority.NORMAL
    site_id: int | None = Field(None, description="Default: the requester's primary site.")
    requester_id: int | None = Field(
        None,
        description="The person the ticket is for (technicians and leaders). Default, and "
        "the only choice for everyone else: yourself.",
    )
    channel: Channel | None = Field(
        None,
        description="How the request came in (technicians and leaders, e.g. phone). Default: api.",
    )


class TicketPatch(StrictIn):
    """What technicians and leaders change on a ticket; each change is audited and
    shows on the ticket's timeline."""

    status: Status = unchanged()
    priority: Priority = unchanged()
    category_id: int | None = unchanged(description="A category of the ticket's queue, or null.")
    assignee_id: int | None = unchanged(description="A technician or leader, or null.")
    tags: list[str] = unchanged(description="Replaces the ticket's tags.")


class TicketMerge(StrictIn):
    into_id: int = Field(..., description="The ticket that carries on (same queue).")


class TicketFilters(Schema):
    queue: int | None = Field(None, description="Tickets of this queue id.")
    status: Status | None = Field(
        None,
        description="'open' means every ticket still needing work (new, open or waiting), "
        "as in the queue page; any other status matches only itself.",
    )
    priority: Priority | None = None
    site: int | None = Field(None, description="Tickets of this site id.")
    category: int | None = Field(None, description="Tickets of this category id.")
    assignee: str | None = Field(
        None,
        pattern=r"^(me|none|\d+)$",
        description="'me', 'none' (unassigned) or a user id.",
    )
    requester: int | None = Field(None, description="Tickets of this person id.")
    channel: Channel | None = None
    team: int | None = Field(None, description="Tickets routed to this team id.")
    tag: str | None = Field(None, max_length=50, description="Tickets with this tag.")
    q: str = Field(
        "", max_length=200, description="A reference (HT-000123), or words of the subject."
    )
    updated_since: datetime | None = Field(
        None,
        description="Changed at or after this time (ISO 8601; without an offset, in the "
        "server's time zone).",
    )


class TicketPage(PageOut):
    items: list[TicketRowOut]


# --- Messages -------------------------------------------------------------------------


class MessageOut(Schema):
    id: int
    ticket_id: int
    kind: MessageKind = Field(
        ..., description="reply, note (internal: never shown to requesters) or event."
    )
    body: str
    author_id: int | None
    author_name: str
    channel: Channel
    created_at: datetime


class MessageIn(StrictIn):
    body: str = Field(..., min_length=1)
    internal: bool = Field(
        False, description="true: an internal note (technicians and leaders only)."
    )


class MessagePage(PageOut):
    items: list[MessageOut]
