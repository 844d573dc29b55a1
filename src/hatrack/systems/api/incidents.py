"""Incidents over the API: read by every reader, with their systems and timeline;
opened, updated and acknowledged by technicians and leaders (`systems.work`) through
`systems.services.incidents`, exactly as the incident pages do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from hatrack.accounts.models import User
from hatrack.core.api import (
    LIST_ERRORS,
    ONE_ERRORS,
    WRITE_ERRORS,
    api_page,
    api_requires,
    get_or_404,
    json_response,
    page_after,
    page_limit,
    related_many,
)
from hatrack.systems.api.common import VIEW, WORK, api_field_names
from hatrack.systems.api.schemas import (
    IncidentFilters,
    IncidentIn,
    IncidentOut,
    IncidentPage,
    IncidentRowOut,
    IncidentUpdateIn,
    IncidentUpdateOut,
)
from hatrack.systems.models import OPEN_STATUSES, Incident, IncidentSystem, IncidentUpdate, System
from hatrack.systems.services import incidents as services

router = Router(tags=["incidents"])
ORDER = ("-started_at", "-id")
ROW_COLUMNS = tuple(f for f in IncidentRowOut.model_fields if f != "reference")
DETAIL_COLUMNS = tuple(
    f for f in IncidentOut.model_fields if f not in ("reference", "systems", "timeline")
)
UPDATE_COLUMNS = tuple(IncidentUpdateOut.model_fields)


def _reference(row: dict[str, Any]) -> dict[str, Any]:
    row["reference"] = f"INC-{row['id']:05d}"
    return row


def present_incident(pk: int) -> dict[str, Any]:
    """One incident in full: three queries (the incident, its systems, its timeline)."""
    out = _reference(Incident.objects.filter(pk=pk).values(*DETAIL_COLUMNS).get())
    out["systems"] = [
        {"system_id": s, "name": name, "role": role}
        for s, name, role in IncidentSystem.objects.filter(incident_id=pk)
        .order_by("role", "system__tier", "system__name")
        .values_list("system_id", "system__name", "role")
    ]
    out["timeline"] = list(
        IncidentUpdate.objects.filter(incident_id=pk)
        .order_by("created_at", "id")
        .values(*UPDATE_COLUMNS)
    )
    return out


@router.get("/incidents", response={200: IncidentPage, **LIST_ERRORS})
@api_requires(VIEW)
def list_incidents(
    request: HttpRequest,
    filters: Query[IncidentFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """Incidents, newest first; `status=open` for those not resolved."""
    incidents = Incident.objects.all()
    if filters.status == "open":
        incidents = incidents.filter(status__in=OPEN_STATUSES)
    elif filters.status is not None:
        incidents = incidents.filter(status=filters.status)
    if filters.system is not None:
        incidents = incidents.filter(system_roles__system_id=filters.system)
    rows = incidents.values(*ROW_COLUMNS)
    items, next_url = api_page(request, rows, order=ORDER, limit=limit, after=after)
    return json_response({"items": [_reference(r) for r in items], "next": next_url})


@router.get("/incidents/{incident_id}", response={200: IncidentOut, **ONE_ERRORS})
@api_requires(VIEW)
def get_incident(request: HttpRequest, incident_id: int) -> Any:
    """One incident with its systems (cause, failed with it, impacted) and timeline."""
    return present_incident(get_or_404(Incident, incident_id).pk)


@router.post("/incidents", response={201: IncidentOut, **WRITE_ERRORS})
@api_requires(WORK)
def open_incident(request: HttpRequest, payload: IncidentIn) -> Any:
    """Open an incident by hand (technicians and leaders): its impact is computed from
    the dependencies and the on-duty staff are alerted."""
    user: User = request.user  # type: ignore[assignment]
    with api_field_names():
        systems = related_many(System, payload.system_ids, "system_ids", "system")
        incident = services.open_incident(
            title=payload.title,
            systems=systems,
            by=user,
            impact_level=payload.impact_level,
            message=payload.message,
            public=payload.public,
            started_at=payload.started_at,
            public_title=payload.public_title,
        )
    return Status(201, present_incident(incident.pk))


@router.post(
    "/incidents/{incident_id}/updates",
    response={201: IncidentUpdateOut, **ONE_ERRORS, **WRITE_ERRORS},
)
@api_requires(WORK)
def post_update(request: HttpRequest, incident_id: int, payload: IncidentUpdateIn) -> Any:
    """Add an update to the timeline, moving the incident to `status` when given."""
    user: User = request.user  # type: ignore[assignment]
    incident = get_or_404(Incident, incident_id)
    with api_field_names():
        update = services.post_update(
            incident=incident,
            by=user,
            body=payload.body,
            status=payload.status,
            public=payload.public,
        )
    return Status(201, IncidentUpdate.objects.filter(pk=update.pk).values(*UPDATE_COLUMNS).get())


@router.post(
    "/incidents/{incident_id}/acknowledge",
    response={200: IncidentOut, **ONE_ERRORS, **WRITE_ERRORS},
)
@api_requires(WORK)
def acknowledge(request: HttpRequest, incident_id: int) -> Any:
    """Say someone is on it: stops the escalation. Acknowledging twice keeps the first."""
    user: User = request.user  # type: ignore[assignment]
    incident = get_or_404(Incident, incident_id)
    with api_field_names():
        services.acknowledge_incident(incident=incident, by=user)
    return present_incident(incident.pk)
