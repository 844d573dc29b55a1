"""What the systems endpoints share: the actions, payload lookups and field names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from hatrack.core.api import error_fields

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


def related(model: type[Model], pk: int | None, field: str, label: str) -> Any:
    """The record a payload's `..._id` names (None for None), or a 422 on that field."""
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {label} has the id {pk}."})
    return found


def related_many(model: type[Model], pks: list[int], field: str, label: str) -> list[Any]:
    """The records a payload's list of ids names, in that order, or a 422 on the field
    naming the first unknown id."""
    found = model._default_manager.in_bulk(pks)
    missing = [pk for pk in pks if pk not in found]
    if missing:
        raise ValidationError({field: f"No {label} has the id {missing[0]}."})
    return [found[pk] for pk in dict.fromkeys(pks)]


@contextmanager
def api_field_names(renames: Mapping[str, str] = RENAMES) -> Iterator[None]:
    """Service errors under the API's field names (`depends_on` -> `depends_on_id`)."""
    try:
        yield
    except ValidationError as exc:
        raise error_fields(exc, renames) from exc
