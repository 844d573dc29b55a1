"""A system's current state, recomputed from what is known about it.

In order:
- MAINTENANCE when an active, non-cancelled maintenance window covers it;
- DOWN when one of its checks has an open outage that is not only degrading, or it is
  the cause of an incident opened by hand with major impact;
- DEGRADED when a degrading outage is open, it is the cause of a hand-opened partial or
  degraded incident, or it failed with or is impacted by an incident whose impact lists
  it as failed or degraded;
- OPERATIONAL when it has an enabled check; UNKNOWN (not monitored) otherwise.

Incidents count while open and not yet monitoring (once monitoring, the fix is in and
the checks speak for themselves). A check's warning (a certificate about to expire)
leaves the system operational: it still works, and the status page must not tell
families otherwise; staff see the warning on the check and system pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from hatrack.systems.models import (
    Check,
    ImpactLevel,
    IncidentRole,
    IncidentSource,
    IncidentStatus,
    IncidentSystem,
    MaintenanceWindow,
    Outage,
    State,
    System,
)

RANK = {State.UNKNOWN: 0, State.OPERATIONAL: 1, State.DEGRADED: 2, State.DOWN: 3}


def _in_maintenance(ids: list[int], now: datetime) -> set[int]:
    through: Any = MaintenanceWindow.systems.through
    return set(
        through.objects.filter(
            system_id__in=ids,
            maintenancewindow__cancelled=False,
            maintenancewindow__starts_at__lte=now,
            maintenancewindow__ends_at__gt=now,
        ).values_list("system_id", flat=True)
    )


def _raise(states: dict[int, State], system_id: int, state: State) -> None:
    if RANK[state] > RANK[states.get(system_id, State.UNKNOWN)]:
        states[system_id] = state


def _from_checks(ids: list[int], states: dict[int, State]) -> None:
    for system_id in Check.objects.filter(system_id__in=ids, enabled=True).values_list(
        "system_id", flat=True
    ):
        _raise(states, system_id, State.OPERATIONAL)
    for system_id, degraded in Outage.objects.filter(
        system_id__in=ids, ended_at__isnull=True
    ).values_list("system_id", "degraded"):
        _raise(states, system_id, State.DEGRADED if degraded else State.DOWN)


def _from_incidents(ids: list[int], states: dict[int, State]) -> None:
    roles = IncidentSystem.objects.filter(system_id__in=ids).exclude(
        incident__status__in=[IncidentStatus.RESOLVED, IncidentStatus.MONITORING]
    )
    for system_id, role, level, source, impact in roles.values_list(
        "system_id", "role", "incident__impact_level", "incident__source", "incident__impact"
    ):
        if role == IncidentRole.CAUSE and source == IncidentSource.MANUAL:
            _raise(states, system_id, State.DOWN if level == ImpactLevel.MAJOR else State.DEGRADED)
        if role == IncidentRole.CAUSE:
            continue  # a check's own outages say how a checked cause is doing
        listed = [*(impact or {}).get("failed", []), *(impact or {}).get("degraded", [])]
        if system_id in listed:
            _raise(states, system_id, State.DEGRADED)


def compute_states(system_ids: Iterable[int], *, now: datetime) -> dict[int, State]:
    """The state each system should have now (one query per kind of input)."""
    ids = list(set(system_ids))
    states: dict[int, State] = {}
    _from_checks(ids, states)
    _from_incidents(ids, states)
    for system_id in _in_maintenance(ids, now):
        states[system_id] = State.MAINTENANCE
    return {system_id: states.get(system_id, State.UNKNOWN) for system_id in ids}


def refresh_system_states(system_ids: Iterable[int], *, now: datetime | None = None) -> None:
    """Recompute and store the state of these systems; `state_changed_at` moves only when
    the state changes. Idempotent; call it after anything that changes checks, outages,
    incidents or maintenance windows."""
    now = now or timezone.now()
    wanted = compute_states(system_ids, now=now)
    if not wanted:
        return
    with transaction.atomic():
        changed = []
        for system in System.objects.filter(pk__in=list(wanted)).only("id", "state"):
            if system.state != wanted[system.pk]:
                system.state = wanted[system.pk]
                system.state_changed_at = now
                changed.append(system)
        System.objects.bulk_update(changed, ["state", "state_changed_at"])
