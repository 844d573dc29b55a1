"""The devices hat's own tabs, shown under the page title on every devices page."""

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
    tabs = []
    for tab in TABS:
        if not can(request.user, tab.action):
            continue
        url = reverse(tab.url_name)
        tabs.append({"label": tab.label, "url": url, "current": tab.key == current})
    return tabs
