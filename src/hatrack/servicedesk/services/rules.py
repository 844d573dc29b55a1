"""The rules every ticket change shares: who works tickets, who asks on them, what a
closed ticket allows, and how status times and timeline events are kept."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError

from hatrack.core.permissions import can
from hatrack.core.roles import Role
from hatrack.servicedesk.models import Ticket, TicketMessage

if TYPE_CHECKING:
    from hatrack.accounts.models import User

Status = Ticket.Status
WORKER_ROLES = frozenset({Role.LEADER, Role.TECHNICIAN})
DEFAULT_REOPEN_DAYS = 7


def reopen_days() -> int:
    """Days after resolution during which a requester's reply reopens the ticket."""
    return int(getattr(settings, "SERVICEDESK_REOPEN_DAYS", DEFAULT_REOPEN_DAYS))


def is_worker(user: User) -> bool:
    return can(user, "servicedesk.work")


def is_requester(ticket: Ticket, user: User) -> bool:
    """Does the user ask on this ticket (rather than work on it)?"""
    if ticket.requester_id is not None:
        return user.person_id is not None and user.person_id == ticket.requester_id
    return ticket.created_by_id == user.pk


def require_worker(by: User, doing: str) -> None:
    if not is_worker(by):
        raise ValidationError(f"Only technicians and technology leaders can {doing}.")


def require_changeable(ticket: Ticket, by: User) -> None:
    if ticket.status == Status.CLOSED and by.role != Role.LEADER:
        raise ValidationError(
            f"{ticket.reference} is closed; only a technology leader can change it."
        )


def locked(ticket: Ticket) -> Ticket:
    """The ticket re-read under a row lock, so concurrent changes queue up behind us."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def event(ticket: Ticket, by: User | None, body: str) -> TicketMessage:
    return TicketMessage(ticket=ticket, author=by, kind=TicketMessage.Kind.EVENT, body=body)


def clean_text(value: str, *, field: str, label: str, max_length: int | None = None) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field: f"Write a {label}."})
    if max_length is not None and len(text) > max_length:
        raise ValidationError({field: f"Keep the {label} under {max_length} characters."})
    return text


def check_assignee(assignee: User | None) -> None:
    if assignee is not None and (not assignee.is_active or assignee.role not in WORKER_ROLES):
        raise ValidationError(
            {"assignee": "Assign tickets to an active technician or technology leader."}
        )


def assignment_event(assignee: User | None) -> str:
    return f"Assigned to {assignee}." if assignee is not None else "Unassigned."


def apply_status(ticket: Ticket, status: str, now: datetime.datetime) -> None:
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = now
    elif status == Status.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    else:
        ticket.resolved_at = None
        ticket.closed_at = None


def status_event(old: str, new: str) -> str:
    return f"Status changed from {Status(old).label} to {Status(new).label}."


def check_status(status: str) -> None:
    if status not in Status.values:
        raise ValidationError({"status": "Choose one of the ticket statuses."})
