"""Incidents: opened by a confirmed check failure or by hand, updated, acknowledged,
linked to tickets, resolved and reviewed.

One incident per outage: a failure of a system already in an open incident, or of a
system that depends on one in it, joins that incident instead of opening another, and
raises no alert (dependency-aware alerting). A failure while the incident is MONITORING
(its checks had recovered) reopens it as a flap, again without a second alert. Failures
of systems under maintenance (or depending on one) open nothing.

Every function here is transactional and audited; alerts are queued on commit by
`services.alerts` (never raising into the caller). Incident opening and joining take a
lock on the one SystemsSettings row, so two workers confirming failures at once do not
open two incidents for the same outage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hatrack.core.audit import record_create, record_event, record_update, snapshot
from hatrack.servicedesk.models import Ticket, TicketLink
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
    UpdateKind,
)
from hatrack.systems.services.maintenance import in_maintenance, refresh_states

if TYPE_CHECKING:
    from hatrack.accounts.models import User

# A resolved incident may be reopened by an update this long after it was resolved;
# later, the same trouble is a new incident (the old one's figures stay as they were).
REOPEN_WITHIN = timedelta(hours=24)
ACTIVE_ROLES = (IncidentRole.CAUSE, IncidentRole.JOINED)


# --- The other helpers' modules (graph, alerts) --------------------------------------


def depends_on_closure(system_id: int) -> set[int]:
    """Every system `system_id` transitively needs."""
    from hatrack.systems import graph

    return set(graph.depends_on_closure(system_id))


def impact_snapshot(system_ids: Iterable[int]) -> dict[str, Any]:
    """The impact analysis of these systems failing, as stored on the incident."""
    from hatrack.systems import graph

    return dict(graph.impact_of(sorted(set(system_ids))).as_json())


def _alert(name: str, *args: Any) -> None:
    """Call `services.alerts.<name>` (imported late: alerts reads incidents too)."""
    from hatrack.systems.services import alerts

    getattr(alerts, name)(*args)


def _lock() -> None:
    """Serialize incident opening and joining across workers (a row lock on PostgreSQL;
    SQLite serializes writers already)."""
    SystemsSettings.load()
    SystemsSettings.objects.select_for_update().filter(pk=1).first()


# --- Timeline ---------------------------------------------------------------------------


def _event(incident: Incident, body: str, now: datetime) -> IncidentUpdate:
    return IncidentUpdate.objects.create(
        incident=incident, kind=UpdateKind.EVENT, status=incident.status, body=body,
        public=False, created_at=now,
    )  # fmt: skip


def _public_words(system: System, *, degraded: bool) -> str:
    name = system.display_public_name
    if degraded:
        return (
            f"We are aware that {name} is slow or partly unavailable, and we are looking into it."
        )
    return f"We are aware that {name} is unavailable, and we are working to restore it."


def _add_roles(incident: Incident, causes: Iterable[int], impact: dict[str, Any]) -> set[int]:
    """CAUSE rows for `causes`, IMPACTED rows for the rest of the impact; all their ids."""
    cause_ids = set(causes)
    impacted = (set(impact.get("failed", ())) | set(impact.get("degraded", ()))) - cause_ids
    IncidentSystem.objects.bulk_create(
        [IncidentSystem(incident=incident, system_id=i, role=IncidentRole.CAUSE) for i in cause_ids]
        + [IncidentSystem(incident=incident, system_id=i, role=IncidentRole.IMPACTED)
           for i in impacted]
    )  # fmt: skip
    return cause_ids | impacted


def _incident_systems(incident: Incident) -> list[int]:
    return list(incident.system_roles.values_list("system_id", flat=True))


# --- From the checks ------------------------------------------------------------------


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
    if incident.status == IncidentStatus.MONITORING:
        before = snapshot(incident)
        incident.status = IncidentStatus.INVESTIGATING
        incident.flaps += 1
        incident.recovered_at = None
        incident.save(update_fields=["status", "flaps", "recovered_at", "updated_at"])
        record_update(incident, before, by=None)
        _event(incident, f"{system} failed its check {check.name} again after recovering "
               f"(flap {incident.flaps}); back to investigating.", now)  # fmt: skip
        return
    if via == system.pk:
        _event(incident, f"{system} failed its check {check.name} too.", now)
    else:
        cause = System.objects.filter(pk=via).values_list("name", flat=True).first()
        _event(incident, f"{system} failed its check {check.name} too; joined because it "
               f"depends on {cause}.", now)  # fmt: skip
    record_event(incident, by=None, summary=f"{system} joined the incident")


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
    _add_roles(incident, [system.pk], impact)
    _event(incident, f"{system} failed its check {check.name}"
           f"{': ' + check.last_error if check.last_error else ''}.", now)  # fmt: skip
    first = IncidentUpdate.objects.create(
        incident=incident, status=incident.status,
        body=_public_words(system, degraded=degraded),
        public=system.published, created_at=now,
    )  # fmt: skip
    record_create(incident, by=None)
    _alert("alert_incident_opened", incident)
    if first.public:
        _alert("alert_public_update", first)
    return incident


def check_confirmed_down(*, check: Check, outage: Outage, now: datetime) -> Incident | None:
    """A check's failure was confirmed: join the open incident that covers its system (or
    a system it depends on), or open one and alert; None when maintenance covers it.
    Sets outage.incident (or outage.in_maintenance) and saves the outage."""
    system = check.system
    with transaction.atomic():
        needed = depends_on_closure(system.pk)
        if in_maintenance({system.pk} | needed, now):
            outage.in_maintenance = True
            outage.save(update_fields=["in_maintenance"])
            refresh_states([system.pk], now=now)
            return None
        _lock()
        found = _covering_incident(system.pk, needed)
        if found is not None:
            incident, via = found
            _join(incident, check=check, outage=outage, via=via, now=now)
        else:
            incident = _open_from_check(check=check, outage=outage, now=now)
        outage.incident = incident
        outage.save(update_fields=["incident"])
        refresh_states(_incident_systems(incident), now=now)
    return incident


def check_recovered(*, check: Check, outage: Outage, now: datetime) -> None:
    """A check came back: note it on its incident's timeline; when no outage of the
    incident is still open, the incident moves to MONITORING (it resolves after the
    quiet time, or rejoins on a new failure)."""
    incident = outage.incident
    with transaction.atomic():
        if incident is None or not incident.is_open:
            refresh_states([check.system_id], now=now)
            return
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        _event(incident, f"{check.system} passed its check {check.name} again.", now)
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
            _event(incident, "All checks have recovered; monitoring.", now)
        refresh_states(_incident_systems(incident), now=now)


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
        _alert("alert_incident_resolved", incident)
        if update.public:
            _alert("alert_public_update", update)
        refresh_states(_incident_systems(incident), now=now)
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


def open_incident(
    *,
    title: str,
    systems: Sequence[System],
    by: User,
    impact_level: str,
    message: str,
    public: bool = True,
    started_at: datetime | None = None,
    public_title: str = "",
) -> Incident:
    """Open an incident by hand: its impact from the dependencies, the first update on
    its timeline (public when the incident is), and the on-duty alert on commit.
    The title stays internal; the status page shows `public_title`, or when that is
    empty "<public names> disruption", so a host name typed in a hurry never leaks.
    Raises ValidationError (by field) for a missing title, systems or message."""
    now = timezone.now()
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the incident a title."
    if not systems:
        errors["systems"] = "Choose the system or systems that are failing."
    if not message.strip():
        errors["message"] = "Say in a sentence what is happening."
    if impact_level not in ImpactLevel.values:
        errors["impact_level"] = "Choose how bad it is."
    if started_at is not None and started_at > now:
        errors["started_at"] = "An incident cannot start in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        impact = impact_snapshot(s.pk for s in systems)
        incident = Incident.objects.create(
            title=title.strip(), impact_level=impact_level, source=IncidentSource.MANUAL,
            impact=impact, public=public, public_title=public_title.strip(),
            started_at=started_at or now, detected_at=now, opened_by=by,
        )  # fmt: skip
        affected = _add_roles(incident, [s.pk for s in systems], impact)
        first = IncidentUpdate.objects.create(
            incident=incident, status=incident.status, body=message.strip(), public=public,
            created_by=by, created_at=now,
        )  # fmt: skip
        record_create(incident, by=by)
        _alert("alert_incident_opened", incident)
        if first.public:
            _alert("alert_public_update", first)
        refresh_states(affected, now=now)
    return incident


def _apply_status(incident: Incident, status: str, now: datetime) -> None:
    if status not in IncidentStatus.values:
        raise ValidationError({"status": "Choose one of the statuses."})
    if incident.status == IncidentStatus.RESOLVED and status != IncidentStatus.RESOLVED:
        if incident.resolved_at and now - incident.resolved_at > REOPEN_WITHIN:
            raise ValidationError(
                {"status": "This incident was resolved more than a day ago; open a new one."}
            )
        incident.resolved_at = None
    if status == IncidentStatus.RESOLVED and incident.status != IncidentStatus.RESOLVED:
        incident.resolved_at = max(now, incident.started_at)
        incident.next_escalation_at = None
    if status == IncidentStatus.MONITORING and incident.recovered_at is None:
        incident.recovered_at = now
    incident.status = status


def post_update(
    *,
    incident: Incident,
    by: User,
    body: str,
    status: str | None = None,
    public: bool = False,
) -> IncidentUpdate:
    """Add an update to the timeline, moving the incident to `status` when given
    (resolving sets resolved_at; a resolved incident reopens only within a day).
    A public update of a public incident goes to status page subscribers on commit."""
    if not body.strip():
        raise ValidationError({"body": "Write what changed."})
    now = timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        before = snapshot(incident)
        was_open = incident.is_open
        if status and status != incident.status:
            _apply_status(incident, status, now)
            incident.save()
        update = IncidentUpdate.objects.create(
            incident=incident, status=incident.status, body=body.strip(), public=public,
            created_by=by, created_at=now,
        )  # fmt: skip
        if record_update(incident, before, by=by) is None:
            record_event(incident, by=by, summary="Posted an update")
        if was_open and not incident.is_open:
            _alert("alert_incident_resolved", incident)
        if update.public and incident.public:
            _alert("alert_public_update", update)
        if was_open != incident.is_open:
            refresh_states(_incident_systems(incident), now=now)
    return update


def acknowledge_incident(*, incident: Incident, by: User) -> Incident:
    """Someone is on it: stops the escalation. Acknowledging twice keeps the first.
    Raises ValidationError for a resolved incident: there is nothing left to take on."""
    now = timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.acknowledged_at is not None:
            return incident
        if not incident.is_open:
            raise ValidationError("This incident is resolved; there is nothing to acknowledge.")
        before = snapshot(incident)
        incident.acknowledged_at, incident.acknowledged_by = now, by
        incident.next_escalation_at = None
        incident.save(update_fields=[
            "acknowledged_at", "acknowledged_by", "next_escalation_at", "updated_at"
        ])  # fmt: skip
        record_update(incident, before, by=by)
        _event(incident, f"Acknowledged by {by.get_full_name() or by.get_username()}.", now)
    return incident


def link_ticket(*, incident: Incident, ticket: Ticket, by: User) -> TicketLink:
    """Attach a service desk ticket about this outage to the incident. The ticket must
    be one `by` may read; linking it twice is refused."""
    from hatrack.servicedesk.queries import tickets_visible_to

    if not tickets_visible_to(by).filter(pk=ticket.pk).exists():
        raise ValidationError({"ticket": "There is no such ticket that you can see."})
    kind = ContentType.objects.get_for_model(Incident)
    with transaction.atomic():
        link, created = TicketLink.objects.get_or_create(
            ticket=ticket, content_type=kind, object_id=incident.pk
        )
        if not created:
            raise ValidationError({"ticket": f"{ticket.reference} is already linked."})
        record_event(incident, by=by, summary=f"Linked ticket {ticket.reference}",
                     changes={"tickets": [None, ticket.pk]})  # fmt: skip
        _event(incident, f"Ticket {ticket.reference} linked: {ticket.subject}", timezone.now())
    return link


def save_review(
    *, incident: Incident, by: User, review: str, root_cause: str, action_items: str
) -> Incident:
    """Write the post-incident review of a resolved incident (Markdown, sanitized)."""
    from hatrack.servicedesk.services.knowledge import render_markdown

    if incident.is_open:
        raise ValidationError("Review an incident once it is resolved.")
    if not review.strip():
        raise ValidationError({"review": "Write what happened and what was learned."})
    with transaction.atomic():
        before = snapshot(incident)
        incident.review = review.strip()
        incident.review_html = render_markdown(incident.review)
        incident.root_cause = root_cause.strip()[:300]
        incident.action_items = action_items.strip()
        incident.reviewed_at, incident.reviewed_by = timezone.now(), by
        incident.save()
        record_update(incident, before, by=by)
    return incident


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
        needed = depends_on_closure(check.system_id)
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
