"""A hat's tabs under the page title (devices, systems…): each hat lists its `Tab`s in
its navigation module, and its template tag renders `components/hat_tabs.html`."""

from __future__ import annotations

from collections.abc import Iterable
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


def visible_tabs(
    request: HttpRequest, tabs: Iterable[Tab], current: str
) -> list[dict[str, object]]:
    """The tabs this user may open, with `current` marked."""
    return [
        {"label": tab.label, "url": reverse(tab.url_name), "current": tab.key == current}
        for tab in tabs
        if can(request.user, tab.action)
    ]
