"""Teams of a queue: who is on them, and how a ticket routed to a team finds its assignee.

A team's `assignment` decides: manual (left for triage), round robin (the next active
member after the last one given a ticket, in a stable order by account id) or least
loaded (the active member with the fewest open tickets; ties go to whoever round robin
would pick first). Both automatic strategies read and move the team's `last_assigned`
under a row lock on the team, so two tickets routed at the same moment never take the
same turn: the second waits for the first to commit and then sees its ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet

from hatrack.core import audit
from hatrack.core.permissions import can
from hatrack.servicedesk.models import Queue, Team, Ticket
from hatrack.servicedesk.services.rules import (
    WORKER_ROLES,
    assignment_event,
    event,
    locked,
    require_changeable,
    require_worker,
)

if TYPE_CHECKING:
    from hatrack.accounts.models import User


class TeamValues(TypedDict, total=False):
    name: str
    assignment: str
    active: bool


def _require_manager(by: User) -> None:
    if not can(by, "servicedesk.manage"):
        raise ValidationError("Only technology leaders can change teams.")


def eligible_members() -> QuerySet[User]:
    """Accounts that may sit on a team: active technicians and technology leaders."""
    from hatrack.accounts.models import User

    return User.objects.filter(is_active=True, role__in=WORKER_ROLES).order_by(
        "last_name", "first_name", "username"
    )


def _check_members(members: Iterable[User]) -> list[User]:
    chosen = list(members)
    wrong = [str(m) for m in chosen if not m.is_active or m.role not in WORKER_ROLES]
    if wrong:
        raise ValidationError(
            {"members": f"Only active technicians and leaders can join a team: {', '.join(wrong)}."}
        )
    return chosen


def _set_members(team: Team, members: list[User], by: User) -> None:
    old = sorted(team.members.values_list("username", flat=True))
    new = sorted(m.username for m in members)
    if old != new:
        team.members.set(members)
        audit.record_event(team, by=by, summary="Members changed", changes={"members": [old, new]})


def create_team(
    *, queue: Queue, by: User, members: Iterable[User] = (), **values: Unpack[TeamValues]
) -> Team:
    """A new team of `queue` with its members (active technicians and leaders only).
    Names are unique within a queue. Validated before writing; audited."""
    _require_manager(by)
    chosen = _check_members(members)
    if "name" in values:
        values["name"] = values["name"].strip()
    team = Team(queue=queue, **values)
    team.full_clean()
    with transaction.atomic():
        team.save()
        audit.record_create(team, by=by)
        _set_members(team, chosen, by)
    return team


def update_team(
    *, team: Team, by: User, members: Iterable[User] | None = None, **values: Unpack[TeamValues]
) -> Team:
    """Rename, change the strategy, retire a team or replace its members (None: keep
    them). Nothing is written when validation fails. Audited with before and after."""
    _require_manager(by)
    chosen = None if members is None else _check_members(members)
    if "name" in values:
        values["name"] = values["name"].strip()
    before = audit.snapshot(team)
    for name, value in values.items():
        setattr(team, name, value)
    try:
        team.full_clean()
    except ValidationError:
        team.refresh_from_db()
        raise
    with transaction.atomic():
        team.save()
        audit.record_update(team, before, by=by)
        if chosen is not None:
            _set_members(team, chosen, by)
    return team


# --- Picking an assignee ---------------------------------------------------------------


def _in_turn(members: list[User], last_id: int | None) -> list[User]:
    """Members in round-robin order: those after the last one given a ticket, then the rest."""
    if last_id is None:
        return members
    after = [m for m in members if m.pk > last_id]
    return after + [m for m in members if m.pk <= last_id]


def _least_loaded(members: list[User]) -> User:
    loads = dict(
        Ticket.objects.open()
        .filter(assignee__in=[m.pk for m in members])
        .values_list("assignee")
        .annotate(n=Count("id"))
        .values_list("assignee", "n")
    )
    # min() keeps the first of equals, so ties go to the member next in turn.
    return min(members, key=lambda m: loads.get(m.pk, 0))


def next_assignee(team: Team) -> User | None:
    """The member the team's strategy picks for its next ticket, or None (manual team,
    or no active technician or leader on it). Moves the team's round-robin place.

    Must run inside a transaction: the team row stays locked until it commits.
    """
    if team.assignment == Team.Assignment.MANUAL:
        return None
    team = Team.objects.select_for_update().get(pk=team.pk)
    members = list(team.members.filter(is_active=True, role__in=WORKER_ROLES).order_by("id"))
    if not members:
        return None
    ordered = _in_turn(members, team.last_assigned_id)
    if team.assignment == Team.Assignment.LEAST_LOADED:
        chosen = _least_loaded(ordered)
    else:
        chosen = ordered[0]
    Team.objects.filter(pk=team.pk).update(last_assigned=chosen)
    return chosen


def route_to_team(ticket: Ticket, team: Team) -> User | None:
    """Set the ticket's team and, when it has no assignee, let the team pick one.
    Changes the ticket in memory only (the caller saves it); returns the pick, if any.
    Runs inside the caller's transaction."""
    ticket.team = team
    if ticket.assignee_id is not None:
        return None
    chosen = next_assignee(team)
    if chosen is not None:
        ticket.assignee = chosen
    return chosen


def assign_by_team(*, ticket: Ticket, team: Team, by: User) -> Ticket:
    """Give the ticket to `team` (of the ticket's queue, active); an unassigned ticket
    then gets the member the team's strategy picks (round robin or least loaded; a
    manual team leaves it for triage). For the workspace's "team" field. One
    transaction, the ticket row locked; audited, with a timeline event.
    """
    require_worker(by, "route tickets to a team")
    if team.queue_id != ticket.queue_id or not team.active:
        raise ValidationError({"team": "Choose an active team of the ticket's queue."})
    with transaction.atomic():
        ticket = locked(ticket)
        require_changeable(ticket, by)
        before = audit.snapshot(ticket)
        chosen = route_to_team(ticket, team)
        ticket.save()
        text = f"Routed to team {team.name}."
        if chosen is not None:
            text += " " + assignment_event(chosen)
        event(ticket, by, text).save()
        audit.record_update(ticket, before, by=by)
    return ticket
