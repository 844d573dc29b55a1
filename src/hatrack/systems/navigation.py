"""The systems hat's own tabs, shown under the page title on every systems page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

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
    Tab("insights", "Insights", "systems:insights", "systems.insights"),
    Tab("alerting", "Alerting", "systems:alerting", "systems.manage"),
    Tab("status", "Status page", "status:page", "systems.view"),
)


def system_tabs(request: HttpRequest, current: str) -> list[dict[str, object]]:
    """The tabs this user may open, with `current` marked."""
    tabs = []
    for tab in TABS:
        if not can(request.user, tab.action):
            continue
        try:
            url = reverse(tab.url_name)
        except NoReverseMatch:
            # Only while the hat's areas are being built side by side; at integration
            # every name resolves and the lead removes this guard.
            continue
        tabs.append({"label": tab.label, "url": url, "current": tab.key == current})
    return tabs
