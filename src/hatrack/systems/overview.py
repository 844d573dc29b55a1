"""The systems at a glance, for the home dashboard: how many are down or degraded now,
and the open incidents (two queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse

from hatrack.systems.models import Incident, State, System

OPEN_INCIDENTS_SHOWN = 5


def systems_now() -> dict[str, Any]:
    """Counts of active systems by state, and the latest open incidents."""
    counts = dict(System.objects.active().values_list("state").annotate(n=Count("id")).order_by())
    incidents = [
        {
            "reference": incident.reference,
            "title": incident.title,
            "status": incident.get_status_display(),
            "url": reverse("systems:incident_detail", args=[incident.pk]),
            "started_at": incident.started_at,
        }
        for incident in Incident.objects.open()
        .only("id", "title", "status", "started_at")
        .order_by("-started_at", "-id")[:OPEN_INCIDENTS_SHOWN]
    ]
    return {
        "total": sum(counts.values()),
        "down": counts.get(State.DOWN, 0),
        "degraded": counts.get(State.DEGRADED, 0),
        "maintenance": counts.get(State.MAINTENANCE, 0),
        "incidents": incidents,
    }
