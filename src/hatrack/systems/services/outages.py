"""Incidents from health checks: opened by a confirmed failure, joined, flapping,
recovered, resolved after a quiet time.

One incident per outage: a failure of a system already in an open incident, or of a
system that depends on one in it, joins that incident instead of opening another, and
raises no alert (dependency-aware alerting). A failure while the incident is MONITORING
(its checks had recovered) reopens it as a flap, again without a second alert. Failures
of systems under maintenance (or depending on one) open nothing until the window ends.

Every function here is transactional and audited. Opening and joining take a lock on
the one SystemsSettings row, so two workers confirming failures at once do not open two
incidents for the same outage.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hatrack.core.audit import record_create, record_event, record_update, snapshot
from hatrack.systems import graph
from hatrack.systems.models import (
    OPEN_STATUSES,
    Check,
    ImpactLevel,
    Incident,
    IncidentRole,
    IncidentSource,
    IncidentStatus,
    IncidentSystem,
    IncidentUpdate,
    MaintenanceWindow,
    Outage,
    System,
    SystemsSettings,
    Tier,
)
from hatrack.systems.services import alerts
from hatrack.systems.services.incidents import (
    ACTIVE_ROLES,
    add_event,
    add_roles,
    impact_snapshot,
    incident_systems,
    lock_incidents,
)
from hatrack.systems.services.maintenance import in_maintenance
from hatrack.systems.services.states import refresh_system_states


def _public_words(system: System, *, degraded: bool) -> str:
    name = system.display_public_name
    if degraded:
        return (
            f"We are aware that {name} is slow or partly unavailable, and we are looking into it."
        )
    return f"We are aware that {name} is unavailable, and we are working to restore it."


def _covering_incident(system_id: int, needed: set[int]) -> tuple[Incident, int] | None:
    """The open incident this system's failure belongs to, and the system in it that
    explains why: the system itself when it is already a cause or joined, else the
    first system it depends on that is."""
    rows = (
        IncidentSystem.objects.filter(
            incident__status__in=OPEN_STATUSES,
            role__in=ACTIVE_ROLES,
            system_id__in={system_id} | needed,
        )
        .select_related("incident")
        .order_by("incident__started_at", "incident_id")
    )
    found = list(rows)
    for row in found:
        if row.system_id == system_id:
            return row.incident, system_id
    return (found[0].incident, found[0].system_id) if found else None


def _join(incident: Incident, *, check: Check, outage: Outage, via: int, now: datetime) -> None:
    system = check.system
    role, created = IncidentSystem.objects.get_or_create(
        incident=incident, system=system, defaults={"role": IncidentRole.JOINED}
    )
    if not created and role.role == IncidentRole.IMPACTED:
        role.role = IncidentRole.JOINED
        role.save(update_fields=["role"])
    if created or role.role == IncidentRole.JOINED:
        _widen_impact(incident)
    if incident.status == IncidentStatus.MONITORING:
        before = snapshot(incident)
        incident.status = IncidentStatus.INVESTIGATING
        incident.flaps += 1
        incident.recovered_at = None
        incident.save(update_fields=["status", "flaps", "recovered_at", "updated_at"])
        record_update(incident, before, by=None)
        add_event(incident, f"{system} failed its check {check.name} again after recovering "
               f"(flap {incident.flaps}); back to investigating.", now)  # fmt: skip
        return
    if via == system.pk:
        add_event(incident, f"{system} failed its check {check.name} too.", now)
    else:
        cause = System.objects.filter(pk=via).values_list("name", flat=True).first()
        add_event(incident, f"{system} failed its check {check.name} too; joined because it "
               f"depends on {cause}.", now)  # fmt: skip
    record_event(incident, by=None, summary=f"{system} joined the incident")


def _widen_impact(incident: Incident) -> None:
    """A system that joined is down itself, not just degraded by what it depends on: its
    own dependents may now fail, so the impact is that of every cause and joined system."""
    failing = incident.system_roles.filter(role__in=ACTIVE_ROLES).values_list(
        "system_id", flat=True
    )
    impact = impact_snapshot(failing)
    if impact == incident.impact:
        return
    incident.impact = impact
    incident.save(update_fields=["impact", "updated_at"])
    known = set(incident.system_roles.values_list("system_id", flat=True))
    reached = set(impact.get("failed", ())) | set(impact.get("degraded", ()))
    IncidentSystem.objects.bulk_create(
        IncidentSystem(incident=incident, system_id=pk, role=IncidentRole.IMPACTED)
        for pk in sorted(reached - known)
    )


def _open_from_check(*, check: Check, outage: Outage, now: datetime) -> Incident:
    system = check.system
    degraded = check.degrades_only or outage.degraded
    if degraded:
        level, verb = ImpactLevel.DEGRADED, "degraded"
    else:
        level = ImpactLevel.MAJOR if system.tier == Tier.CRITICAL else ImpactLevel.PARTIAL
        verb = "down"
    impact = impact_snapshot([system.pk])
    incident = Incident.objects.create(
        title=f"{system.name} is {verb}", status=IncidentStatus.INVESTIGATING,
        impact_level=level, source=IncidentSource.CHECK, impact=impact,
        public=system.published,
        public_title=f"{system.display_public_name} is "
        f"{'slow' if degraded else 'unavailable'}",
        started_at=min(outage.started_at, now), detected_at=now,
    )  # fmt: skip
    add_roles(incident, [system.pk], impact)
    add_event(incident, f"{system} failed its check {check.name}"
           f"{': ' + check.last_error if check.last_error else ''}.", now)  # fmt: skip
    first = IncidentUpdate.objects.create(
        incident=incident, status=incident.status,
        body=_public_words(system, degraded=degraded),
        public=system.published, created_at=now,
    )  # fmt: skip
    record_create(incident, by=None)
    alerts.alert_incident_opened(incident)
    if first.public:
        alerts.alert_public_update(first)
    return incident


def check_confirmed_down(*, check: Check, outage: Outage, now: datetime) -> Incident | None:
    """A check's failure was confirmed: join the open incident that covers its system (or
    a system it depends on), or open one and alert; None when maintenance covers it.
    Sets outage.incident (or outage.in_maintenance) and saves the outage."""
    system = check.system
    with transaction.atomic():
        needed = graph.depends_on_closure(system.pk)
        if in_maintenance({system.pk} | needed, now):
            outage.in_maintenance = True
            outage.save(update_fields=["in_maintenance"])
            refresh_system_states([system.pk], now=now)
            return None
        lock_incidents()
        found = _covering_incident(system.pk, needed)
        if found is not None:
            incident, via = found
            _join(incident, check=check, outage=outage, via=via, now=now)
        else:
            incident = _open_from_check(check=check, outage=outage, now=now)
        outage.incident = incident
        outage.save(update_fields=["incident"])
        refresh_system_states(incident_systems(incident), now=now)
    return incident


def check_recovered(*, check: Check, outage: Outage, now: datetime) -> None:
    """A check came back: note it on its incident's timeline; when no outage of the
    incident is still open, the incident moves to MONITORING (it resolves after the
    quiet time, or rejoins on a new failure)."""
    incident = outage.incident
    with transaction.atomic():
        if incident is None or not incident.is_open:
            refresh_system_states([check.system_id], now=now)
            return
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        add_event(incident, f"{check.system} passed its check {check.name} again.", now)
        still_down = (
            Outage.objects.filter(incident=incident, ended_at__isnull=True)
            .exclude(pk=outage.pk)
            .exists()
        )
        if not still_down and incident.status != IncidentStatus.MONITORING:
            before = snapshot(incident)
            incident.status = IncidentStatus.MONITORING
            incident.recovered_at = now
            incident.save(update_fields=["status", "recovered_at", "updated_at"])
            record_update(incident, before, by=None)
            add_event(incident, "All checks have recovered; monitoring.", now)
        refresh_system_states(incident_systems(incident), now=now)


def _resolve_quietly(incident_id: int, cutoff: datetime, now: datetime) -> bool:
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update()
            .filter(pk=incident_id, status=IncidentStatus.MONITORING, recovered_at__lte=cutoff)
            .first()
        )
        if incident is None or incident.recovered_at is None:
            return False
        before = snapshot(incident)
        incident.status = IncidentStatus.RESOLVED
        incident.resolved_at = max(incident.recovered_at, incident.started_at)
        incident.next_escalation_at = None
        incident.save()
        record_update(incident, before, by=None)
        names = ", ".join(
            s.display_public_name
            for s in System.objects.filter(
                incident_roles__incident=incident, incident_roles__role__in=ACTIVE_ROLES
            )
        )
        update = IncidentUpdate.objects.create(
            incident=incident, status=IncidentStatus.RESOLVED, public=incident.public,
            body=f"This incident is resolved: {names or 'the systems'} have been working "
            "normally again.", created_at=now,
        )  # fmt: skip
        alerts.alert_incident_resolved(incident)
        if update.public:
            alerts.alert_public_update(update)
        refresh_system_states(incident_systems(incident), now=now)
    return True


def resolve_quiet_incidents(*, now: datetime | None = None) -> int:
    """Resolve automatic incidents whose checks have all stayed up for the quiet time
    (SystemsSettings.auto_resolve_minutes); resolved_at is when they recovered. Returns
    how many. Idempotent; incidents opened by hand are resolved by people."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=SystemsSettings.load().auto_resolve_minutes)
    ids = Incident.objects.filter(
        source=IncidentSource.CHECK, status=IncidentStatus.MONITORING, recovered_at__lte=cutoff
    ).values_list("pk", flat=True)
    return sum(_resolve_quietly(pk, cutoff, now) for pk in list(ids))


# --- By people --------------------------------------------------------------------------


def raise_outages_left_after_maintenance(*, now: datetime | None = None) -> int:
    """Outages that began inside a maintenance window and are still open after it ended
    (the upgrade overran): the in-maintenance part ends when the window did, and the rest
    is a new outage that opens or joins an incident like any other. Returns how many.
    Safe to run twice: an outage handed on is closed, so it is not found again."""
    now = now or timezone.now()
    raised = 0
    waiting = Outage.objects.filter(
        ended_at__isnull=True, in_maintenance=True, incident__isnull=True
    ).select_related("check_ref__system")
    for outage in waiting:
        check = outage.check_ref
        needed = graph.depends_on_closure(check.system_id)
        if in_maintenance({check.system_id} | needed, now):
            continue
        with transaction.atomic():
            closed = Outage.objects.filter(pk=outage.pk, ended_at__isnull=True).update(
                ended_at=max(outage.started_at, _window_end(check.system_id, needed, now))
            )
            if not closed:
                continue  # another worker handed it on, or the check recovered meanwhile
            rest = Outage.objects.create(
                check_ref=check, system_id=check.system_id, started_at=now, detected_at=now,
                degraded=outage.degraded,
            )  # fmt: skip
            check_confirmed_down(check=check, outage=rest, now=now)
        raised += 1
    return raised


def _window_end(system_id: int, needed: set[int], now: datetime) -> datetime:
    """When the latest window covering the system (or what it needs) ended, before now."""
    ended = (
        MaintenanceWindow.objects.filter(
            systems__in={system_id} | needed, cancelled=False, ends_at__lte=now
        )
        .order_by("-ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )
    return ended or now
