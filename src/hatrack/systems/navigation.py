"""The systems hat's own tabs, shown under the page title on every systems page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from hatrack.core.permissions import can


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str
    action: str


TABS: tuple[Tab, ...] = (
    Tab("systems", "Systems", "systems:system_list", "systems.view"),
    Tab("impact", "Impact", "systems:impact", "systems.view"),
    Tab("map", "Map", "systems:map", "systems.view"),
    Tab("checks", "Checks", "systems:check_list", "systems.view"),
    Tab("incidents", "Incidents", "systems:incident_list", "systems.view"),
    Tab("maintenance", "Maintenance", "systems:maintenance_list", "systems.view"),
    Tab("insights", "Resilience report", "systems:insights", "systems.insights"),
    Tab("alerting", "Alerting", "systems:alerting", "systems.manage"),
    Tab("status", "Status page", "status:page", "systems.view"),
)


def system_tabs(request: HttpRequest, current: str) -> list[dict[str, object]]:
    """The tabs this user may open, with `current` marked."""
    tabs = []
    for tab in TABS:
        if not can(request.user, tab.action):
            continue
        url = reverse(tab.url_name)
        tabs.append({"label": tab.label, "url": url, "current": tab.key == current})
    return tabs
