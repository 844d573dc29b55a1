"""Changes to many tickets at once (a page of a queue), in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hatrack.core import audit
from hatrack.servicedesk.mail import notify
from hatrack.servicedesk.models import Ticket, TicketMessage
from hatrack.servicedesk.services import sla
from hatrack.servicedesk.services.rules import (
    apply_status,
    assignment_event,
    check_assignee,
    check_status,
    event,
    require_changeable,
    require_worker,
    status_event,
)

if TYPE_CHECKING:
    from hatrack.accounts.models import User

# A bulk action touches at most this many tickets: a page of a queue is 50 to 200.
BULK_LIMIT = 500

# --- Bulk work -------------------------------------------------------------------------


def _locked_batch(tickets: Iterable[Ticket | int], by: User) -> list[Ticket]:
    ids = sorted({t if isinstance(t, int) else t.pk for t in tickets})
    if not ids:
        raise ValidationError("Choose at least one ticket.")
    if len(ids) > BULK_LIMIT:
        raise ValidationError(f"Choose at most {BULK_LIMIT} tickets at a time.")
    batch = list(Ticket.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(batch) != len(ids):
        raise ValidationError("Some of the chosen tickets no longer exist; reload the list.")
    for ticket in batch:
        require_changeable(ticket, by)
    return batch


def _write_batch(
    changed: list[Ticket], before: dict[int, audit.Snapshot], by: User, fields: Sequence[str]
) -> None:
    now = timezone.now()
    for ticket in changed:
        ticket.updated_at = now
    Ticket.objects.bulk_update(changed, [*fields, "updated_at"])
    audit.record_updates(changed, before, by=by)


def bulk_assign(*, tickets: Iterable[Ticket | int], assignee: User | None, by: User) -> int:
    """Assign many tickets at once (at most BULK_LIMIT) in a fixed number of queries.

    All or nothing: one closed ticket (for a non-leader) refuses the whole batch.
    Returns how many tickets changed; each gets an audit entry and a timeline event.
    """
    require_worker(by, "assign tickets")
    check_assignee(assignee)
    with transaction.atomic():
        batch = _locked_batch(tickets, by)
        target = assignee.pk if assignee else None
        changed = [t for t in batch if t.assignee_id != target]
        before = {t.pk: audit.snapshot(t) for t in changed}
        for ticket in changed:
            ticket.assignee = assignee
        _write_batch(changed, before, by, ["assignee"])
        TicketMessage.objects.bulk_create(
            [event(t, by, assignment_event(assignee)) for t in changed]
        )
    return len(changed)


def bulk_set_status(*, tickets: Iterable[Ticket | int], status: str, by: User) -> int:
    """Set the status of many tickets at once (at most BULK_LIMIT), all or nothing.

    Same rules as set_ticket_status; merged tickets are refused. Returns how many changed.
    """
    require_worker(by, "change a ticket's status")
    check_status(status)
    with transaction.atomic():
        batch = _locked_batch(tickets, by)
        merged = [t.reference for t in batch if t.merged_into_id is not None]
        if merged:
            raise ValidationError(f"Merged tickets cannot change status: {', '.join(merged)}.")
        changed = [t for t in batch if t.status != status]
        before = {t.pk: audit.snapshot(t) for t in changed}
        events, now = [], timezone.now()
        for ticket in changed:
            events.append(event(ticket, by, status_event(ticket.status, status)))
            apply_status(ticket, status, now)
        sla.on_bulk_status_change(changed, before, now)
        _write_batch(changed, before, by, ["status", "resolved_at", "closed_at", *sla.SLA_FIELDS])
        TicketMessage.objects.bulk_create(events)
        notify.statuses_changed(changed, status)
    return len(changed)
