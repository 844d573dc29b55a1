"""Health checks over the API: read by every reader (targets included), added and
changed by technicians and leaders (`systems.checks`) through `systems.services.checks`,
and the last raw results of a check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.params import functions as param

from hatrack.accounts.models import User
from hatrack.core.api import (
    LIST_ERRORS,
    ONE_ERRORS,
    WRITE_ERRORS,
    api_page,
    api_requires,
    get_or_404,
    json_response,
    page_after,
    page_limit,
    related,
)
from hatrack.systems.api.common import CHECKS, VIEW, api_field_names
from hatrack.systems.api.schemas import (
    CheckFilters,
    CheckIn,
    CheckOut,
    CheckPage,
    CheckPatch,
    CheckResultList,
    CheckResultOut,
)
from hatrack.systems.models import Check, CheckResult, System
from hatrack.systems.services import checks as services

router = Router(tags=["checks"])
CHECK_ORDER = ("system_id", "name", "id")
CHECK_COLUMNS = tuple(CheckOut.model_fields)
RESULT_COLUMNS = tuple(CheckResultOut.model_fields)


def _one(pk: int) -> dict[str, Any]:
    row: dict[str, Any] = Check.objects.filter(pk=pk).values(*CHECK_COLUMNS).get()
    return row


@router.get("/checks", response={200: CheckPage, **LIST_ERRORS})
@api_requires(VIEW)
def list_checks(
    request: HttpRequest,
    filters: Query[CheckFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """Every check by system and name, or one system's, a page at a time."""
    checks = Check.objects.all()
    for name in ("kind", "state", "enabled"):
        if (value := getattr(filters, name)) is not None:
            checks = checks.filter(**{name: value})
    if filters.system is not None:
        checks = checks.filter(system_id=filters.system)
    rows = checks.values(*CHECK_COLUMNS)
    items, next_url = api_page(request, rows, order=CHECK_ORDER, limit=limit, after=after)
    return json_response({"items": items, "next": next_url})


@router.get("/checks/{check_id}", response={200: CheckOut, **ONE_ERRORS})
@api_requires(VIEW)
def get_check(request: HttpRequest, check_id: int) -> Any:
    return _one(get_or_404(Check, check_id).pk)


@router.get("/checks/{check_id}/results", response={200: CheckResultList, **ONE_ERRORS})
@api_requires(VIEW)
def list_check_results(
    request: HttpRequest,
    check_id: int,
    last: int = param.Query(50, ge=1, le=500, description="How many results, newest first."),
) -> HttpResponse:
    """The check's last raw results (kept 7 days, then rolled up by the hour)."""
    check = get_or_404(Check, check_id)
    rows = (
        CheckResult.objects.filter(check_ref=check)
        .order_by("-checked_at", "-id")
        .values(*RESULT_COLUMNS)[:last]
    )
    return json_response({"items": list(rows)})


@router.post("/checks", response={201: CheckOut, **WRITE_ERRORS})
@api_requires(CHECKS)
def create_check(request: HttpRequest, payload: CheckIn) -> Any:
    """Add a check to a system (technicians and leaders); it runs within seconds.
    Internal addresses are refused unless an administrator allowed them."""
    user: User = request.user  # type: ignore[assignment]
    values = payload.model_dump()
    with api_field_names():
        system = related(System, values.pop("system_id"), "system_id", "system")
        check = services.create_check(system=system, by=user, fields=values)
    return Status(201, _one(check.pk))


@router.patch("/checks/{check_id}", response={200: CheckOut, **ONE_ERRORS, **WRITE_ERRORS})
@api_requires(CHECKS)
def update_check(request: HttpRequest, check_id: int, payload: CheckPatch) -> Any:
    """Change what you send of a check (technicians and leaders)."""
    user: User = request.user  # type: ignore[assignment]
    check = get_or_404(Check, check_id)
    with api_field_names():
        services.update_check(check=check, by=user, fields=payload.model_dump(exclude_unset=True))
    return _one(check.pk)
