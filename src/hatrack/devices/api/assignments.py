"""Who holds what over the API: assignments by device or holder, check-out and check-in
through `devices.services.assignments`, as the scanner and the device page do."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

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
from hatrack.devices.api.common import VIEW, WORK, api_field_names
from hatrack.devices.api.schemas import (
    AssignmentFilters,
    AssignmentOut,
    AssignmentPage,
    CheckInIn,
    CheckOutIn,
)
from hatrack.devices.models import Assignment, Kit
from hatrack.devices.queries.devices import get_device_for
from hatrack.devices.services.assignments import check_in_device, check_out_device
from hatrack.directory.models import Person, Room

router = Router(tags=["assignments"])
ORDER = ("-checked_out_at", "-id")
FIELDS = [f for f in AssignmentOut.model_fields if f != "holder_name"]
COLUMNS = (*FIELDS, "holder__given_name", "holder__family_name")


def present_assignment(row: dict[str, Any]) -> dict[str, Any]:
    """A `.values()` row (COLUMNS) as the API's assignment."""
    given, family = row.pop("holder__given_name"), row.pop("holder__family_name")
    row["holder_name"] = " ".join(p for p in (given, family) if p)
    return row


def _one(pk: int) -> dict[str, Any]:
    return present_assignment(Assignment.objects.filter(pk=pk).values(*COLUMNS).get())


def _page(
    request: HttpRequest, rows: Any, filters: AssignmentFilters, limit: int, after: str | None
) -> HttpResponse:
    if filters.open is not None:
        rows = rows.filter(checked_in_at__isnull=filters.open)
    values = rows.values(*COLUMNS)
    items, next_url = api_page(request, values, order=ORDER, limit=limit, after=after)
    return json_response({"items": [present_assignment(r) for r in items], "next": next_url})


@router.get(
    "/devices/{device_id}/assignments", response={200: AssignmentPage, **LIST_ERRORS, **ONE_ERRORS}
)
@api_requires(VIEW)
def list_device_assignments(
    request: HttpRequest,
    device_id: int,
    filters: Query[AssignmentFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """Who held the device, newest check-out first."""
    device = get_device_for(request.user, device_id)
    return _page(request, Assignment.objects.filter(device=device), filters, limit, after)


@router.get(
    "/people/{person_id}/assignments", response={200: AssignmentPage, **LIST_ERRORS, **ONE_ERRORS}
)
@api_requires(VIEW)
def list_person_assignments(
    request: HttpRequest,
    person_id: int,
    filters: Query[AssignmentFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """What the person held and holds, newest check-out first."""
    person = get_or_404(Person, person_id)
    return _page(request, Assignment.objects.filter(holder=person), filters, limit, after)


@router.post(
    "/devices/{device_id}/check-out",
    response={201: AssignmentOut, **ONE_ERRORS, **WRITE_ERRORS},
)
@api_requires(WORK)
def check_out(request: HttpRequest, device_id: int, payload: CheckOutIn) -> Any:
    """Hand the device to a person (`holder_id`) or deploy it to a room (`room_id`).
    Refused with 422 when it is already out, not available, or the holder inactive."""
    user: User = request.user  # type: ignore[assignment]
    device = get_device_for(user, device_id)
    with api_field_names():
        assignment = check_out_device(
            device=device,
            by=user,
            holder=related(Person, payload.holder_id, "holder_id", "person"),
            room=related(Room, payload.room_id, "room_id", "room"),
            kind=payload.kind,
            kit=related(Kit, payload.kit_id, "kit_id", "kit"),
            accessories=payload.accessories,
            condition=payload.condition,
            due_on=payload.due_on,
            notes=payload.notes,
        )
    return Status(201, _one(assignment.pk))


@router.post(
    "/assignments/{assignment_id}/check-in",
    response={200: AssignmentOut, **ONE_ERRORS, **WRITE_ERRORS},
)
@api_requires(WORK)
def check_in(request: HttpRequest, assignment_id: int, payload: CheckInIn) -> Any:
    """Close a check-out: take the device back with the condition and accessories
    returned; it becomes `status` (in stock unless told). The open assignment of a
    device is the first of `GET /devices/{id}/assignments?open=true`. Refused with 422
    when the assignment is already closed."""
    user: User = request.user  # type: ignore[assignment]
    assignment = get_or_404(Assignment, assignment_id)
    if assignment.checked_in_at is not None:
        raise ValidationError({NON_FIELD_ERRORS: "This check-out was already checked in."})
    device = get_device_for(user, assignment.device_id)
    with api_field_names():
        closed = check_in_device(
            device=device,
            by=user,
            condition=payload.condition,
            accessories=payload.accessories,
            status=payload.status,
            notes=payload.notes,
        )
    return _one(closed.pk)
