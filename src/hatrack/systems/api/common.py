"""What the systems endpoints share: the actions, payload lookups and field names."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager

from hatrack.core.api import fields_renamed

VIEW = "systems.view"
WORK = "systems.work"
CHECKS = "systems.checks"
MANAGE = "systems.manage"
# The services' field names as the API calls them.
RENAMES = {
    "system": "system_id",
    "depends_on": "depends_on_id",
    "vendor": "vendor_id",
    "owner": "owner_id",
    "backup_owner": "backup_owner_id",
    "funding_source": "funding_source_id",
    "sites": "site_ids",
    "systems": "system_ids",
}


def api_field_names(renames: Mapping[str, str] = RENAMES) -> AbstractContextManager[None]:
    """Service errors under the API's field names (`depends_on` -> `depends_on_id`)."""
    return fields_renamed(renames)
