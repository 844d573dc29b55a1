"""The devices hat's own tabs, shown under the page title on every devices page."""

from __future__ import annotations

from django.http import HttpRequest

from hatrack.core.tabs import Tab, visible_tabs

TABS: tuple[Tab, ...] = (
    Tab("devices", "Devices", "devices:device_list", "devices.view"),
    Tab("scan", "Hand out & collect", "devices:scan_list", "devices.work"),
    Tab("repairs", "Repairs", "devices:repair_list", "devices.view"),
    Tab("fees", "Fees", "devices:fee_list", "devices.fees"),
    Tab("audits", "Audits", "devices:audit_list", "devices.view"),
    Tab("imports", "Imports", "devices:import_list", "devices.import"),
    Tab("models", "Models & kits", "devices:model_list", "devices.view"),
    Tab("lifecycle", "Lifecycle", "devices:lifecycle", "devices.lifecycle"),
)


def device_tabs(request: HttpRequest, current: str) -> list[dict[str, object]]:
    """The tabs this user may open, with `current` marked."""
    return visible_tabs(request, TABS, current)
