"""Triage from the queue: one bulk action over the tickets a technician chose, applied to
those it can change and refused, with the reason, for the rest.

The bulk services themselves are all or nothing; this sorts the chosen tickets first, so
one closed ticket among twenty does not stop the other nineteen, and the page can say
"19 changed, 1 refused: HT-000042 is closed".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from hatrack.core.roles import Role
from hatrack.servicedesk.models import Ticket
from hatrack.servicedesk.services.bulk import BULK_LIMIT, bulk_assign, bulk_set_status
from hatrack.servicedesk.services.rules import require_worker
from hatrack.servicedesk.services.tickets import merge_tickets

if TYPE_CHECKING:
    from hatrack.accounts.models import User


@dataclass
class TriageOutcome:
    """How many tickets changed, and each refused ticket's reference with the reason."""

    changed: int = 0
    unchanged: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)

    def summary(self, verb: str) -> str:
        """'3 tickets assigned to you. 1 refused: HT-000042 is closed; …'."""
        parts = [f"{self.changed} ticket{'' if self.changed == 1 else 's'} {verb}."]
        if self.unchanged:
            parts.append(f"{self.unchanged} already {'was' if self.unchanged == 1 else 'were'}.")
        if self.refused:
            reasons = "; ".join(f"{ref}: {why}" for ref, why in self.refused)
            parts.append(f"{len(self.refused)} refused ({reasons}).")
        return " ".join(parts)


def _sort(
    tickets: list[Ticket], by: User, *, status_change: bool
) -> tuple[list[Ticket], list[tuple[str, str]]]:
    allowed, refused = [], []
    for ticket in tickets:
        if ticket.status == Ticket.Status.CLOSED and by.role != Role.LEADER:
            refused.append((ticket.reference, "closed; only a technology leader can change it"))
        elif status_change and ticket.merged_into_id is not None:
            refused.append((ticket.reference, "merged into another ticket"))
        else:
            allowed.append(ticket)
    return allowed, refused


def _check_size(tickets: list[Ticket]) -> None:
    if not tickets:
        raise ValidationError("Select at least one ticket first (tick its box, or press x).")
    if len(tickets) > BULK_LIMIT:
        raise ValidationError(f"Choose at most {BULK_LIMIT} tickets at a time.")


def triage_assign(*, tickets: list[Ticket], assignee: User | None, by: User) -> TriageOutcome:
    """Assign the chosen tickets (None unassigns); closed ones are refused for non-leaders.
    Transactional per batch (see services.bulk_assign), audited per ticket."""
    require_worker(by, "assign tickets")
    _check_size(tickets)
    allowed, refused = _sort(tickets, by, status_change=False)
    changed = bulk_assign(tickets=allowed, assignee=assignee, by=by) if allowed else 0
    return TriageOutcome(changed=changed, unchanged=len(allowed) - changed, refused=refused)


def triage_status(*, tickets: list[Ticket], status: str, by: User) -> TriageOutcome:
    """Set the chosen tickets' status; closed (non-leaders) and merged ones are refused."""
    require_worker(by, "change a ticket's status")
    _check_size(tickets)
    allowed, refused = _sort(tickets, by, status_change=True)
    changed = bulk_set_status(tickets=allowed, status=status, by=by) if allowed else 0
    return TriageOutcome(changed=changed, unchanged=len(allowed) - changed, refused=refused)


def triage_merge(*, tickets: list[Ticket], into: Ticket, by: User) -> TriageOutcome:
    """Merge each chosen ticket into `into` (one transaction each, see merge_tickets);
    each refusal is reported with its reason and the others still merge."""
    require_worker(by, "merge tickets")
    _check_size(tickets)
    outcome = TriageOutcome()
    for ticket in tickets:
        if ticket.pk == into.pk:
            continue
        try:
            merge_tickets(duplicate=ticket, into=into, by=by)
        except ValidationError as exc:
            outcome.refused.append((ticket.reference, " ".join(exc.messages).rstrip(".")))
        else:
            outcome.changed += 1
    return outcome
