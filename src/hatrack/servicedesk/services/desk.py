"""The technician's tools: ticket fields the desk edits, canned responses with their
placeholders, and saved queue views.

Canned responses fill a fixed set of placeholders by plain substitution, never through a
template engine: a response someone writes cannot reach anything but these five values.
Shared canned responses and shared views (no owner) are the leaders'; any technician
keeps their own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hatrack.core import audit
from hatrack.core.permissions import can
from hatrack.servicedesk.models import CannedResponse, Category, Queue, SavedView, Team, Ticket
from hatrack.servicedesk.services import sla
from hatrack.servicedesk.services.rules import event, locked, require_changeable, require_worker

if TYPE_CHECKING:
    from hatrack.accounts.models import User

PLACEHOLDER = re.compile(r"{{\s*([a-z_]+\.[a-z_]+)\s*}}")
PLACEHOLDERS = (
    "requester.first_name",
    "requester.name",
    "ticket.reference",
    "ticket.subject",
    "technician.name",
)
# The query-string keys a saved view may keep (the queue page's filters).
VIEW_FILTER_KEYS = frozenset(
    {
        "q",
        "queue",
        "status",
        "priority",
        "site",
        "category",
        "assignee",
        "team",
        "channel",
        "requester",
        "tag",
        "sla",
        "created_from",
        "created_to",
        "updated_from",
        "updated_to",
    }
)

# --- Ticket fields ----------------------------------------------------------------------


def _check_fields(ticket: Ticket, category: Category | None, team: Team | None) -> None:
    errors = {}
    new_category = category is not None and category.pk != ticket.category_id
    if new_category and (category.queue_id != ticket.queue_id or not category.active):  # type: ignore[union-attr]
        errors["category"] = "Choose an active category of this ticket's queue."
    new_team = team is not None and team.pk != ticket.team_id
    if new_team and (team.queue_id != ticket.queue_id or not team.active):  # type: ignore[union-attr]
        errors["team"] = "Choose an active team of this ticket's queue."
    if errors:
        raise ValidationError(errors)


def _field_events(ticket: Ticket, before: dict[str, Any], by: User) -> list[Any]:
    words = []
    if before["priority"] != ticket.priority:
        old = Ticket.Priority(before["priority"]).label
        words.append(f"Priority changed from {old} to {ticket.get_priority_display()}.")
    if before["category"] != ticket.category_id:
        words.append(f"Category set to {ticket.category or 'none'}.")
    if before["team"] != ticket.team_id:
        words.append(f"Team set to {ticket.team or 'none'}.")
    return [event(ticket, by, text) for text in words]


def update_ticket_fields(
    *,
    ticket: Ticket,
    by: User,
    priority: str,
    category: Category | None,
    team: Team | None,
) -> Ticket:
    """Set the ticket's priority, category and team (each checked against its queue),
    with a timeline event per change. Closed tickets change only by leaders. Audited
    with before and after; nothing is written when nothing changed."""
    require_worker(by, "change tickets")
    if priority not in Ticket.Priority.values:
        raise ValidationError({"priority": "Choose a priority: low, normal, high or urgent."})
    with transaction.atomic():
        ticket = locked(ticket)
        require_changeable(ticket, by)
        _check_fields(ticket, category, team)
        before = {
            "priority": ticket.priority,
            "category": ticket.category_id,
            "team": ticket.team_id,
        }
        snapshot = audit.snapshot(ticket)
        ticket.priority, ticket.category, ticket.team = priority, category, team
        events = _field_events(ticket, before, by)
        if not events:
            return ticket
        if (priority, ticket.category_id) != (before["priority"], before["category"]):
            sla.reapply_policy(ticket, timezone.now())  # targets follow priority and category
        ticket.save()
        for entry in events:
            entry.save()
        audit.record_update(ticket, snapshot, by=by)
    return ticket


def update_ticket(
    *,
    ticket: Ticket,
    by: User,
    status: str,
    priority: str,
    category: Category | None,
    assignee: User | None,
    team: Team | None,
    tags: list[str],
) -> Ticket:
    """Apply the ticket page's whole form in one transaction: status, assignee, priority,
    category, team and tags, each through its own service (checked, audited, with its
    timeline event). A reopened ticket changes status first, so its other fields can
    change too; a ticket being closed changes its fields before it closes. All or nothing.
    """
    from hatrack.servicedesk.services.labels import set_ticket_tags
    from hatrack.servicedesk.services.tickets import assign_ticket, set_ticket_status

    def fields() -> None:
        assign_ticket(ticket=ticket, assignee=assignee, by=by)
        update_ticket_fields(ticket=ticket, by=by, priority=priority, category=category, team=team)
        set_ticket_tags(ticket=ticket, names=tags, by=by)

    changing = status != ticket.status
    with transaction.atomic():
        if status == Ticket.Status.CLOSED:
            fields()
        if changing:
            set_ticket_status(ticket=ticket, status=status, by=by)
        if status != Ticket.Status.CLOSED:
            fields()
    ticket.refresh_from_db()
    return ticket


# --- Canned responses -------------------------------------------------------------------


def placeholder_values(*, ticket: Ticket, technician: User) -> dict[str, str]:
    """What each placeholder stands for on this ticket, written by this technician."""
    requester = ticket.requester
    return {
        "requester.first_name": requester.given_name if requester else "",
        "requester.name": requester.full_name if requester else "",
        "ticket.reference": ticket.reference,
        "ticket.subject": ticket.subject,
        "technician.name": technician.get_full_name() or technician.get_username(),
    }


def render_canned(*, body: str, ticket: Ticket, technician: User) -> str:
    """The canned response's text with its placeholders filled in. Unknown placeholders
    stay as written, so a typo shows in the reply box instead of vanishing."""
    values = placeholder_values(ticket=ticket, technician=technician)

    def fill(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    return PLACEHOLDER.sub(fill, body)


def can_manage_canned(user: User, canned: CannedResponse) -> bool:
    """Own responses by their owner; shared ones by leaders."""
    if canned.owner_id is None:
        return can(user, "servicedesk.manage")
    return canned.owner_id == user.pk


def _check_sharing(by: User, shared: bool, what: str) -> None:
    if shared and not can(by, "servicedesk.manage"):
        raise ValidationError(f"Only technology leaders can share {what} with everyone.")


def _clean_canned(canned: CannedResponse) -> None:
    canned.title = canned.title.strip()
    canned.body = canned.body.strip()
    errors = {}
    if not canned.title:
        errors["title"] = "Give the response a title."
    if not canned.body:
        errors["body"] = "Write the text of the response."
    if errors:
        raise ValidationError(errors)
    canned.full_clean()


def create_canned_response(
    *, by: User, title: str, body: str, queue: Queue | None = None, shared: bool = False
) -> CannedResponse:
    """A new canned response, the author's own or (leaders) shared. Audited."""
    require_worker(by, "write canned responses")
    _check_sharing(by, shared, "canned responses")
    canned = CannedResponse(title=title, body=body, queue=queue, owner=None if shared else by)
    _clean_canned(canned)
    with transaction.atomic():
        canned.save()
        audit.record_create(canned, by=by)
    return canned


def update_canned_response(
    *,
    canned: CannedResponse,
    by: User,
    title: str,
    body: str,
    queue: Queue | None,
    shared: bool,
) -> CannedResponse:
    """Change a canned response one may manage (see can_manage_canned). Audited."""
    if not can_manage_canned(by, canned):
        raise ValidationError("You can change only your own canned responses.")
    _check_sharing(by, shared, "canned responses")
    before = audit.snapshot(canned)
    canned.title, canned.body, canned.queue = title, body, queue
    canned.owner = None if shared else (canned.owner or by)
    _clean_canned(canned)
    with transaction.atomic():
        canned.save()
        audit.record_update(canned, before, by=by)
    return canned


def delete_canned_response(*, canned: CannedResponse, by: User) -> None:
    """Remove a canned response one may manage; replies already sent keep their text."""
    if not can_manage_canned(by, canned):
        raise ValidationError("You can delete only your own canned responses.")
    with transaction.atomic():
        audit.record_delete(canned, by=by)
        canned.delete()


# --- Saved views ------------------------------------------------------------------------


def clean_view_filters(filters: dict[str, Any]) -> dict[str, str]:
    """Only the queue page's own filter keys, as non-empty strings."""
    kept = {}
    for key, value in filters.items():
        text = str(value).strip() if value is not None else ""
        if key in VIEW_FILTER_KEYS and text:
            kept[key] = text[:200]
    return kept


def can_manage_view(user: User, view: SavedView) -> bool:
    if view.owner_id is None:
        return can(user, "servicedesk.manage")
    return view.owner_id == user.pk


def _save_view(view: SavedView) -> None:
    view.name = " ".join(view.name.split())
    if not view.name:
        raise ValidationError({"name": "Name the view."})
    view.full_clean()
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError as exc:  # two tabs saving the same name at once
        raise ValidationError({"name": "You already have a view of that name."}) from exc


def create_saved_view(
    *, by: User, name: str, filters: dict[str, Any], shared: bool = False
) -> SavedView:
    """Save the queue's current filters under a name, for the author or (leaders) for
    everyone. Names are unique per owner. Audited."""
    require_worker(by, "save queue views")
    _check_sharing(by, shared, "views")
    cleaned = clean_view_filters(filters)
    if not cleaned:
        raise ValidationError("Choose some filters before saving them as a view.")
    view = SavedView(name=name, filters=cleaned, owner=None if shared else by)
    with transaction.atomic():
        _save_view(view)
        audit.record_create(view, by=by)
    return view


def rename_saved_view(*, view: SavedView, by: User, name: str) -> SavedView:
    """Rename a view one may manage. Audited."""
    if not can_manage_view(by, view):
        raise ValidationError("You can rename only your own views.")
    before = audit.snapshot(view)
    view.name = name
    with transaction.atomic():
        _save_view(view)
        audit.record_update(view, before, by=by)
    return view


def delete_saved_view(*, view: SavedView, by: User) -> None:
    """Remove a view one may manage. Audited."""
    if not can_manage_view(by, view):
        raise ValidationError("You can delete only your own views.")
    with transaction.atomic():
        audit.record_delete(view, by=by)
        view.delete()
