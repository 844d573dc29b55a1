"""Incidents by hand: opened, updated, acknowledged, linked to tickets, resolved and
reviewed; and what incidents from checks share with them (`services.outages` opens,
joins and resolves those).

Every function here is transactional and audited; alerts are queued on commit by
`services.alerts` (never raising into the caller).
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
from hatrack.systems import graph
from hatrack.systems.models import (
    ImpactLevel,
    Incident,
    IncidentRole,
    IncidentSource,
    IncidentStatus,
    IncidentSystem,
    IncidentUpdate,
    System,
    SystemsSettings,
    UpdateKind,
)
from hatrack.systems.services import alerts
from hatrack.systems.services.states import refresh_system_states

if TYPE_CHECKING:
    from hatrack.accounts.models import User

# A resolved incident may be reopened by an update this long after it was resolved;
# later, the same trouble is a new incident (the old one's figures stay as they were).
REOPEN_WITHIN = timedelta(hours=24)
ACTIVE_ROLES = (IncidentRole.CAUSE, IncidentRole.JOINED)


def impact_snapshot(system_ids: Iterable[int]) -> dict[str, Any]:
    """The impact analysis of these systems failing, as stored on the incident."""
    return dict(graph.impact_of(sorted(set(system_ids))).as_json())


def lock_incidents() -> None:
    """Serialize incident opening and joining across workers (a row lock on PostgreSQL;
    SQLite serializes writers already)."""
    SystemsSettings.load()
    SystemsSettings.objects.select_for_update().filter(pk=1).first()


# --- Timeline ---------------------------------------------------------------------------


def add_event(incident: Incident, body: str, now: datetime) -> IncidentUpdate:
    return IncidentUpdate.objects.create(
        incident=incident, kind=UpdateKind.EVENT, status=incident.status, body=body,
        public=False, created_at=now,
    )  # fmt: skip


def add_roles(incident: Incident, causes: Iterable[int], impact: dict[str, Any]) -> set[int]:
    """CAUSE rows for `causes`, IMPACTED rows for the rest of the impact; all their ids."""
    cause_ids = set(causes)
    impacted = (set(impact.get("failed", ())) | set(impact.get("degraded", ()))) - cause_ids
    IncidentSystem.objects.bulk_create(
        [IncidentSystem(incident=incident, system_id=i, role=IncidentRole.CAUSE) for i in cause_ids]
        + [IncidentSystem(incident=incident, system_id=i, role=IncidentRole.IMPACTED)
           for i in impacted]
    )  # fmt: skip
    return cause_ids | impacted


def incident_systems(incident: Incident) -> list[int]:
    return list(incident.system_roles.values_list("system_id", flat=True))


# --- From the checks ------------------------------------------------------------------


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
        affected = add_roles(incident, [s.pk for s in systems], impact)
        first = IncidentUpdate.objects.create(
            incident=incident, status=incident.status, body=message.strip(), public=public,
            created_by=by, created_at=now,
        )  # fmt: skip
        record_create(incident, by=by)
        alerts.alert_incident_opened(incident)
        if first.public:
            alerts.alert_public_update(first)
        refresh_system_states(affected, now=now)
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
            alerts.alert_incident_resolved(incident)
        if update.public and incident.public:
            alerts.alert_public_update(update)
        if was_open != incident.is_open:
            refresh_system_states(incident_systems(incident), now=now)
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
        add_event(incident, f"Acknowledged by {by.get_full_name() or by.get_username()}.", now)
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
        add_event(incident, f"Ticket {ticket.reference} linked: {ticket.subject}", timezone.now())
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
