"""What the devices endpoints share: payload lookups and the service's field names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from hatrack.core.api import error_fields

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


def related(model: type[Model], pk: int | None, field: str, label: str) -> Any:
    """The record a payload's `..._id` names (None for None), or a 422 on that field."""
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {label} has the id {pk}."})
    return found


@contextmanager
def api_field_names(renames: Mapping[str, str] = RENAMES) -> Iterator[None]:
    """Service errors under the API's field names (`room` -> `room_id`)."""
    try:
        yield
    except ValidationError as exc:
        raise error_fields(exc, renames) from exc
