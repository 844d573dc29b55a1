"""What the devices endpoints share: payload lookups and the service's field names."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager

from hatrack.core.api import fields_renamed

VIEW = "devices.view"
WORK = "devices.work"
MANAGE = "devices.manage"
# The services' field names as the API calls them.
RENAMES = {
    "model": "model_id",
    "site": "site_id",
    "room": "room_id",
    "funding_source": "funding_source_id",
    "vendor": "vendor_id",
    "holder": "holder_id",
    "kit": "kit_id",
    "device": "device_id",
    "ticket": "ticket_id",
}


def api_field_names(renames: Mapping[str, str] = RENAMES) -> AbstractContextManager[None]:
    """Service errors under the API's field names (`room` -> `room_id`)."""
    return fields_renamed(renames)
