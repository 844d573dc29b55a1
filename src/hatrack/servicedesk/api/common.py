"""What the service desk's endpoints share: page parameters, error shapes, lookups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from ninja.params import functions as param

from hatrack.core.api import ErrorOut, ValidationErrorOut, error_fields
from hatrack.core.lists import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

LIST_ERRORS = {400: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS = {422: ValidationErrorOut}
ONE_ERRORS = {404: ErrorOut}


def page_limit() -> Any:
    return param.Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows per page.")


def page_after() -> Any:
    return param.Query(None, description="The cursor from the previous page's `next` link.")


def get_or_404(model: type[Model], pk: int) -> Any:
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


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
