"""Service levels on tickets: which policy applies, when its targets fall due, the pause
while a ticket waits on its requester, and the leaders' policies themselves.

Due times are business time on the school calendar of the ticket's site (see
`hatrack.directory.working_time`): a target of 240 minutes set at 3 pm on a Friday before
a holiday weekend falls due on Tuesday morning.

The ticket functions (`start_clock`, `on_status_change`, `reapply_policy`) only set fields
on the ticket they are given; the ticket services call them inside their transaction and
save the ticket, so the audit entry of the change shows the new due times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from hatrack.core import audit
from hatrack.directory.working_time import CalendarBook, load_calendars, search_range
from hatrack.servicedesk.models import Category, Queue, SlaPolicy, Ticket

if TYPE_CHECKING:
    from hatrack.accounts.models import User

Status = Ticket.Status
SlaState = Literal["ok", "due_soon", "breached", "paused", "met"]
# The ticket columns these functions may change: bulk writers list them to save.
SLA_FIELDS = (
    "sla_policy",
    "first_response_due",
    "resolution_due",
    "sla_paused_since",
    "first_response_warned_at",
    "resolution_warned_at",
)
DEFAULT_WARN_MINUTES = 60


# --- Which policy applies -------------------------------------------------------------


def _category_line(category_id: int | None, queue_id: int) -> list[int]:
    """The ticket's category and its ancestors, nearest first (one query)."""
    if category_id is None:
        return []
    parents = dict(Category.objects.filter(queue_id=queue_id).values_list("id", "parent_id"))
    line: list[int] = []
    current: int | None = category_id
    while current is not None and current not in line:  # `not in`: a broken tree ends
        line.append(current)
        current = parents.get(current)
    return line


def matching_policy(ticket: Ticket) -> SlaPolicy | None:
    """The most specific active policy for the ticket's queue, category and priority.

    A policy naming the ticket's category beats one naming a parent category (a policy on
    "Hardware" covers "Hardware > Chromebook"), which beats one naming only the queue,
    which beats a district-wide one; among equals, one naming the priority beats one for
    any priority, then the first by name. Two queries.
    """
    line = _category_line(ticket.category_id, ticket.queue_id)
    candidates = SlaPolicy.objects.filter(
        Q(queue__isnull=True) | Q(queue_id=ticket.queue_id),
        Q(category__isnull=True) | Q(category_id__in=line),
        Q(priority="") | Q(priority=ticket.priority),
        active=True,
    )

    def rank(policy: SlaPolicy) -> tuple[int, int, int]:
        nearness = len(line) - line.index(policy.category_id) if policy.category_id else 0
        return (-nearness, -(policy.queue_id is not None), -bool(policy.priority))

    ranked = sorted(candidates, key=lambda p: (rank(p), p.name))
    return ranked[0] if ranked else None


# --- The clock on one ticket -------------------------------------------------------------


def _book(ticket: Ticket, since: dt.datetime) -> CalendarBook:
    first, last = search_range(since)
    return load_calendars(sites=[ticket.site_id], first=first, last=last)


def start_clock(ticket: Ticket, now: dt.datetime) -> None:
    """Give a new ticket its policy and due times, counted from `now`. Does not save.

    Without a matching policy the ticket has no targets (all SLA fields empty).
    """
    policy = matching_policy(ticket)
    ticket.sla_policy = policy
    ticket.sla_paused_since = None
    ticket.first_response_warned_at = ticket.resolution_warned_at = None
    if policy is None:
        ticket.first_response_due = ticket.resolution_due = None
        return
    calendar = _book(ticket, now).for_site(ticket.site_id)
    ticket.first_response_due = calendar.add_minutes(now, policy.first_response_minutes)
    ticket.resolution_due = calendar.add_minutes(now, policy.resolution_minutes)


def _resume(ticket: Ticket, now: dt.datetime, book: CalendarBook | None) -> None:
    """Push the pending due times forward by the business minutes the ticket was paused."""
    paused_since = ticket.sla_paused_since
    ticket.sla_paused_since = None
    if paused_since is None:
        return
    calendar = (book or _book(ticket, paused_since)).for_site(ticket.site_id)
    paused = calendar.minutes_between(paused_since, now)
    if paused <= 0:
        return
    if ticket.resolution_due is not None:
        ticket.resolution_due = calendar.add_minutes(ticket.resolution_due, paused)
    if ticket.first_response_due is not None and ticket.first_response_at is None:
        ticket.first_response_due = calendar.add_minutes(ticket.first_response_due, paused)


def on_status_change(
    ticket: Ticket, old_status: str, now: dt.datetime, *, book: CalendarBook | None = None
) -> None:
    """Stop or restart the clock after the ticket moved from `old_status` to its current
    status. Does not save.

    Entering "waiting on requester" stops the clock (`sla_paused_since`); leaving it, for
    any status, pushes the resolution target (and the first response target, if no one
    has answered yet) forward by the business minutes it was stopped. Tickets without
    targets are left alone. `book` lets bulk work share one calendar read.
    """
    new_status = ticket.status
    if new_status == old_status:
        return
    waiting = Status.WAITING_ON_REQUESTER
    if new_status == waiting:
        has_targets = ticket.resolution_due is not None or ticket.first_response_due is not None
        if has_targets and ticket.sla_paused_since is None:
            ticket.sla_paused_since = now
    elif old_status == waiting:
        _resume(ticket, now, book)


def on_bulk_status_change(
    tickets: Iterable[Ticket], before: Mapping[int, Mapping[str, Any]], now: dt.datetime
) -> None:
    """on_status_change for a batch; `before` maps each ticket's pk to a snapshot holding
    its old "status" (audit snapshots do). Reads the calendars once for the whole batch."""
    batch = list(tickets)
    resuming = [t for t in batch if t.sla_paused_since is not None]
    book = None
    if resuming:
        since = min(t.sla_paused_since for t in resuming if t.sla_paused_since is not None)
        first, last = search_range(since)
        book = load_calendars(sites={t.site_id for t in resuming}, first=first, last=last)
    for ticket in batch:
        on_status_change(ticket, str(before[ticket.pk]["status"]), now, book=book)


def _paused_so_far(ticket: Ticket, policy: SlaPolicy, book: CalendarBook) -> int:
    """Business minutes the resolution target was already pushed by past pauses."""
    if ticket.resolution_due is None:
        return 0
    calendar = book.for_site(ticket.site_id)
    counted = calendar.minutes_between(ticket.created_at, ticket.resolution_due)
    return max(0, counted - policy.resolution_minutes)


def reapply_policy(ticket: Ticket, now: dt.datetime) -> None:
    """Choose the policy again after the ticket's priority or category changed, and count
    its targets from when the ticket was opened, keeping the time already paused. Does
    not save. The first response target stays as it was once someone has answered.
    Changed targets may warn again (their warning marks are cleared).
    """
    policy = matching_policy(ticket)
    if policy is not None and policy.pk == ticket.sla_policy_id:
        return
    old = ticket.sla_policy if ticket.sla_policy_id else None
    ticket.sla_policy = policy
    if policy is None:
        ticket.first_response_due = ticket.resolution_due = ticket.sla_paused_since = None
        return
    opened = ticket.created_at or now
    book = _book(ticket, min(opened, now))
    paused = _paused_so_far(ticket, old, book) if old is not None else 0
    calendar = book.for_site(ticket.site_id)
    ticket.resolution_due = calendar.add_minutes(opened, policy.resolution_minutes + paused)
    ticket.resolution_warned_at = None
    if ticket.first_response_at is None:
        minutes = policy.first_response_minutes + paused
        ticket.first_response_due = calendar.add_minutes(opened, minutes)
        ticket.first_response_warned_at = None
    if ticket.status == Status.WAITING_ON_REQUESTER and ticket.sla_paused_since is None:
        ticket.sla_paused_since = now


# --- Where a ticket stands -------------------------------------------------------------


class HasTargets(Protocol):
    """What sla_state reads: a Ticket, or any row with the same attributes."""

    status: str
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    first_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    sla_paused_since: dt.datetime | None
    first_response_warned_at: dt.datetime | None
    resolution_warned_at: dt.datetime | None


def _late(done_at: dt.datetime | None, due: dt.datetime | None) -> bool:
    return done_at is not None and due is not None and done_at > due


def sla_state(
    ticket: HasTargets, now: dt.datetime, *, warn_before: int = DEFAULT_WARN_MINUTES
) -> SlaState | None:
    """Where the ticket stands against its targets; None when it has none. Pure.

    - "met" / "breached" for a resolved or closed ticket: resolved by its resolution
      target, and any first response by its target;
    - "paused" while it waits on its requester;
    - "breached" when a pending target has passed (or the first response came late);
    - "due_soon" when the sweep has warned about a pending target, or one falls due
      within `warn_before` clock minutes (the sweep warns in business minutes);
    - "ok" otherwise.
    """
    if ticket.first_response_due is None and ticket.resolution_due is None:
        return None
    responded_late = _late(ticket.first_response_at, ticket.first_response_due)
    if ticket.status in Ticket.DONE_STATUSES:
        late = responded_late or _late(ticket.resolved_at, ticket.resolution_due)
        return "breached" if late else "met"
    if ticket.sla_paused_since is not None:
        return "paused"
    awaiting_response = ticket.first_response_at is None
    pending = [ticket.resolution_due, ticket.first_response_due if awaiting_response else None]
    dues = [due for due in pending if due is not None]
    if responded_late or any(due <= now for due in dues):
        return "breached"
    warned = ticket.resolution_warned_at or (awaiting_response and ticket.first_response_warned_at)
    soon = now + dt.timedelta(minutes=warn_before)
    if warned or any(due <= soon for due in dues):
        return "due_soon"
    return "ok"


# --- The leaders' policies -------------------------------------------------------------


class PolicyValues(TypedDict, total=False):
    name: str
    queue: Queue | None
    category: Category | None
    priority: str
    first_response_minutes: int
    resolution_minutes: int
    warn_before_minutes: int
    active: bool


def _check_policy(policy: SlaPolicy) -> None:
    policy.name = policy.name.strip()
    if policy.category is not None:
        if policy.queue is None:
            policy.queue = policy.category.queue  # a category names its queue
        elif policy.category.queue_id != policy.queue.pk:
            raise ValidationError({"category": "Choose a category of the chosen queue."})
    first, resolution = policy.first_response_minutes, policy.resolution_minutes
    if first and resolution and first > resolution:
        raise ValidationError(
            {"first_response_minutes": "The first response cannot be due after resolution."}
        )
    policy.full_clean()


def create_sla_policy(*, by: User | None, **values: Unpack[PolicyValues]) -> SlaPolicy:
    """Add a policy. It applies to tickets opened (or re-prioritised) from now on; tickets
    already open keep their targets. Audited; raises ValidationError in words."""
    policy = SlaPolicy(**values)
    _check_policy(policy)
    with transaction.atomic():
        policy.save()
        audit.record_create(policy, by=by)
    return policy


def update_sla_policy(
    *, policy: SlaPolicy, by: User | None, **values: Unpack[PolicyValues]
) -> SlaPolicy:
    """Change a policy (deactivate it with active=False; policies are never deleted, as
    tickets name the one that applied). Open tickets keep their targets. Audited."""
    before = audit.snapshot(policy)
    for name, value in values.items():
        setattr(policy, name, value)
    _check_policy(policy)
    with transaction.atomic():
        policy.save()
        audit.record_update(policy, before, by=by)
    return policy
