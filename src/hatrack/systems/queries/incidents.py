"""Reads for the incident and maintenance pages: the filtered incident list (open first,
then newest), an incident with its systems, impact, timeline, tickets and alerts, and
maintenance windows by upcoming, active and past."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from hatrack.directory.models import Site
from hatrack.servicedesk.models import TicketLink
from hatrack.systems.models import (
    Alert,
    Audience,
    Incident,
    IncidentRole,
    IncidentStatus,
    IncidentSystem,
    IncidentUpdate,
    MaintenanceWindow,
    System,
)

if TYPE_CHECKING:
    from hatrack.accounts.models import User

# Open incidents first, then the newest; `open_rank` is 1 for open, 0 for resolved.
INCIDENT_ORDER = ("-open_rank", "-started_at", "-id")
STATUS_BADGES: dict[str, str] = {
    IncidentStatus.INVESTIGATING: "badge-danger",
    IncidentStatus.IDENTIFIED: "badge-warning",
    IncidentStatus.MONITORING: "badge-info",
    IncidentStatus.RESOLVED: "badge-success",
}
STATUS_LABELS = dict(IncidentStatus.choices)


def system_choices() -> list[tuple[int, str]]:
    return list(System.objects.order_by("name").values_list("pk", "name"))


def _day_start(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def incident_rows(filters: dict[str, Any], zone: datetime.tzinfo) -> QuerySet[Incident, Any]:
    """The incidents matching the list's filters, as dicts with the columns shown."""
    qs = Incident.objects.annotate(
        open_rank=Case(
            When(status=IncidentStatus.RESOLVED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    status = filters.get("status")
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    if filters.get("system"):
        qs = qs.filter(system_roles__system_id=filters["system"])
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    if filters.get("start"):
        qs = qs.filter(started_at__gte=_day_start(filters["start"], zone))
    if filters.get("end"):
        end = filters["end"] + datetime.timedelta(days=1)
        qs = qs.filter(started_at__lt=_day_start(end, zone))
    return qs.values(
        "id", "title", "status", "impact_level", "source", "started_at", "resolved_at",
        "open_rank", "flaps",
    )  # fmt: skip


def present_incident_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their cause systems (one query for the page), labels and links."""
    causes: dict[int, list[str]] = defaultdict(list)
    roles = IncidentSystem.objects.filter(
        incident_id__in=[r["id"] for r in rows],
        role__in=(IncidentRole.CAUSE, IncidentRole.JOINED),
    ).values_list("incident_id", "system__name")
    for incident_id, name in roles.order_by("role", "system__name"):
        causes[incident_id].append(name)
    levels = dict(Incident._meta.get_field("impact_level").choices or ())
    for row in rows:
        row["reference"] = f"INC-{row['id']:05d}"
        row["url"] = reverse("systems:incident_detail", args=[row["id"]])
        row["systems"] = ", ".join(causes.get(row["id"], ())) or "—"
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
        row["badge"] = STATUS_BADGES.get(row["status"], "")
        row["impact_label"] = levels.get(row["impact_level"], row["impact_level"])
    return rows


def incident_for_page(pk: int) -> Incident:
    return get_object_or_404(
        Incident.objects.select_related("acknowledged_by", "opened_by", "reviewed_by"), pk=pk
    )


def systems_by_role(incident: Incident) -> list[dict[str, Any]]:
    """Cause, joined and impacted systems, each group by tier then name."""
    groups: dict[str, list[System]] = defaultdict(list)
    rows = incident.system_roles.select_related("system").order_by("system__tier", "system__name")
    for row in rows:
        groups[row.role].append(row.system)
    return [
        {"role": role.value, "label": role.label, "systems": groups[role.value]}
        for role in IncidentRole
        if groups.get(role.value)
    ]


AUDIENCE_LABELS = dict(Audience.choices)


def impact_summary(incident: Incident) -> dict[str, Any]:
    """The stored impact snapshot with names instead of ids."""
    impact = incident.impact or {}
    failed, degraded = impact.get("failed", []), impact.get("degraded", [])
    names = dict(System.objects.filter(pk__in=[*failed, *degraded]).values_list("pk", "name"))
    site_ids = impact.get("sites", [])
    sites = list(
        Site.objects.filter(pk__in=site_ids).order_by("name").values_list("name", flat=True)
    )
    return {
        "known": bool(impact),
        "failed": sorted(names[i] for i in failed if i in names),
        "degraded": sorted(names[i] for i in degraded if i in names),
        "people": impact.get("people", 0),
        "sites": sites,
        "all_sites": impact.get("all_sites", False),
        "audiences": [AUDIENCE_LABELS.get(a, a) for a in impact.get("audiences", [])],
    }


def timeline(incident: Incident) -> QuerySet[IncidentUpdate]:
    return incident.updates.select_related("created_by").order_by("created_at", "id")


def linked_tickets(incident: Incident, user: User) -> list[dict[str, Any]]:
    """The tickets linked to the incident that the user may read, with their pages."""
    from hatrack.servicedesk.queries import tickets_visible_to

    links = (
        TicketLink.objects.filter(
            content_type=ContentType.objects.get_for_model(Incident),
            object_id=incident.pk,
            ticket__in=tickets_visible_to(user),
        )
        .select_related("ticket")
        .order_by("id")
    )
    return [
        {
            "reference": link.ticket.reference,
            "subject": link.ticket.subject,
            "status": link.ticket.get_status_display(),
            "url": reverse("servicedesk:ticket_detail", args=[link.ticket_id]),
        }
        for link in links
    ]


def alerts_sent(incident: Incident) -> QuerySet[Alert]:
    return Alert.objects.filter(incident=incident).order_by("-created_at", "-id")[:100]


# --- Maintenance ------------------------------------------------------------------------


def maintenance_groups(now: datetime.datetime | None = None) -> dict[str, list[MaintenanceWindow]]:
    """Windows that are active, upcoming, and the 50 most recent past or cancelled ones."""
    now = now or timezone.now()
    base = MaintenanceWindow.objects.prefetch_related("systems")
    live = base.filter(cancelled=False, ends_at__gt=now)
    return {
        "active": list(live.filter(starts_at__lte=now).order_by("ends_at", "id")),
        "upcoming": list(live.filter(starts_at__gt=now).order_by("starts_at", "id")),
        "past": list(
            base.exclude(cancelled=False, ends_at__gt=now).order_by("-ends_at", "-id")[:50]
        ),
    }
