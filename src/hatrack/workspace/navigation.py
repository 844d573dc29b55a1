"""The layout's navigation: the directory, the hats of the product, and administration."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from hatrack.core.permissions import can

DISTRICT_NAME_CACHE_KEY = "workspace:district-name"


@dataclass(frozen=True)
class Hat:
    """One section of the workspace. `coming` describes a hat not built yet."""

    key: str
    label: str
    url_name: str
    action: str
    group: str
    coming: str = ""


HATS: tuple[Hat, ...] = (
    Hat("home", "Home", "home", "home.view", "workspace"),
    Hat("help", "Get help", "portal:home", "servicedesk.request", "workspace"),
    Hat("people", "People", "directory:person_list", "directory.view", "district"),
    Hat("sites", "Sites", "directory:site_list", "directory.view", "district"),
    Hat("departments", "Departments", "directory:department_list", "directory.view", "district"),
    Hat("calendar", "School calendar", "directory:calendar", "directory.view", "district"),
    Hat("vendors", "Vendors", "directory:vendor_list", "directory.view", "district"),
    Hat("funding", "Funding sources", "directory:funding_list", "directory.view", "district"),
    Hat("tickets", "Tickets", "servicedesk:queue", "servicedesk.view", "servicedesk"),
    Hat(
        "knowledge", "Knowledge base", "servicedesk:article_list", "knowledge.write", "servicedesk"
    ),
    Hat("metrics", "Metrics", "servicedesk:metrics", "servicedesk.metrics", "servicedesk"),
    Hat(
        "desk_settings",
        "Desk settings",
        "servicedesk:settings",
        "servicedesk.manage",
        "servicedesk",
    ),
    Hat("devices", "Devices", "devices:device_list", "devices.view", "devices"),
    Hat("systems", "Systems", "systems:system_list", "systems.view", "systems"),
    Hat("incidents", "Incidents", "systems:incident_list", "systems.view", "systems"),
    Hat("resilience", "Resilience report", "systems:insights", "systems.insights", "systems"),
    Hat("status", "Status page", "status:page", "hats.view", "systems"),
    Hat(
        "planning",
        "Planning",
        "hats:planning",
        "hats.view",
        "hats",
        "Multi-year budgets by funding source, total cost of ownership, device refresh "
        "forecasts and the funding cliff.",
    ),
    Hat(
        "security",
        "Security & privacy",
        "hats:security",
        "hats.view",
        "hats",
        "The apps that touch student data and their privacy agreements, app requests, "
        "the risk register and security incidents.",
    ),
    Hat(
        "policies",
        "Policies & learning",
        "hats:policies",
        "hats.view",
        "hats",
        "Policies with versions and acknowledgments, professional development, and the "
        "leader's own growth plan.",
    ),
    Hat(
        "reports",
        "Reports",
        "hats:reports",
        "hats.view",
        "hats",
        "Dashboards and a board-ready report on service, uptime, security, spending and plans.",
    ),
    Hat(
        "peers",
        "Peer network",
        "hats:peers",
        "hats.view",
        "hats",
        "Anonymous benchmarks against similar districts, peer questions, mentors, shared "
        "resources and early warning of attacks seen elsewhere.",
    ),
    Hat("accounts", "Accounts", "accounts:user_list", "accounts.manage", "admin"),
    Hat("audit", "Audit log", "audit:list", "audit.view", "admin"),
    Hat("tasks", "Background work", "tasks:list", "tasks.view", "admin"),
)

GROUP_LABELS = {
    "workspace": "",
    "district": "District",
    "servicedesk": "Service desk",
    "devices": "Devices",
    "systems": "Systems",
    "hats": "Hats",
    "admin": "Administration",
}


def hat(key: str) -> Hat:
    return next(h for h in HATS if h.key == key)


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    """The navigation groups this user may see, with the current section marked."""
    visible = [(h, reverse(h.url_name)) for h in HATS if can(request.user, h.action)]
    current = current_url(request.path, [url for _, url in visible])
    groups: list[dict[str, object]] = []
    for group, label in GROUP_LABELS.items():
        items = [
            {"label": h.label, "url": url, "current": url == current}
            for h, url in visible
            if h.group == group
        ]
        if items:
            groups.append({"label": label, "items": items})
    return groups


def current_url(path: str, urls: list[str]) -> str | None:
    """The navigation entry the page belongs to: the longest URL the path starts with
    (/servicedesk/metrics/ is under Metrics, not under Tickets at /servicedesk/)."""
    matches = [url for url in urls if (path == url if url == "/" else path.startswith(url))]
    return max(matches, key=len, default=None)


def district_name() -> str:
    name = cache.get(DISTRICT_NAME_CACHE_KEY)
    if name is None:
        from hatrack.directory.models import District

        name = District.objects.filter(pk=1).values_list("name", flat=True).first() or ""
        cache.set(DISTRICT_NAME_CACHE_KEY, name, 300)
    return str(name)


def forget_district_name() -> None:
    cache.delete(DISTRICT_NAME_CACHE_KEY)
