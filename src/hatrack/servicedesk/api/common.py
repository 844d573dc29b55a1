"""What the service desk's endpoints share beyond core.api: payload lookups, field names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from hatrack.core.api import error_fields


def related(model: type[Model], pk: int | None, field: str, label: str) -> Any:
    """The record a payload's `..._id` names, or a 422 on that field in words."""
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {label} has the id {pk}."})
    return found


@contextmanager
def api_field_names(renames: Mapping[str, str]) -> Iterator[None]:
    """Service errors under the API's field names (`category` -> `category_id`)."""
    try:
        yield
    except ValidationError as exc:
        raise error_fields(exc, renames) from exc


def aware(moment: datetime) -> datetime:
    """A time sent without an offset, read in the server's time zone."""
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
