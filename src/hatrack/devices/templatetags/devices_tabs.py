"""`{% device_tabs "repairs" %}`: the devices hat's tabs, with the current one marked."""

from __future__ import annotations

from typing import Any

from django import template

from hatrack.devices.navigation import device_tabs as tabs_for

register = template.Library()


@register.inclusion_tag("components/hat_tabs.html", takes_context=True)
def device_tabs(context: dict[str, Any], current: str) -> dict[str, Any]:
    return {"tabs": tabs_for(context["request"], current), "label": "Devices"}
