"""The systems hat's own tabs, shown under the page title on every systems page."""

from __future__ import annotations

from django.http import HttpRequest

from hatrack.core.tabs import Tab, visible_tabs

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
    return visible_tabs(request, TABS, current)
