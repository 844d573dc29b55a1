"""Queues and their categories over the API.

Everyone may read them (a Staff user picks a queue and a category to open a ticket);
only Technology leaders create and change them (`servicedesk.manage`), through the same
services as the settings pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

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
)
from hatrack.directory.models import Department
from hatrack.servicedesk import services
from hatrack.servicedesk.api.common import api_field_names, related
from hatrack.servicedesk.models import Category, Queue
from hatrack.servicedesk.schemas import (
    CategoryFilters,
    CategoryIn,
    CategoryOut,
    CategoryPage,
    CategoryPatch,
    QueueFilters,
    QueueIn,
    QueueOut,
    QueuePage,
    QueuePatch,
)

router = Router()

READ = "servicedesk.request"
MANAGE = "servicedesk.manage"
QUEUE_COLUMNS = tuple(QueueOut.model_fields)
CATEGORY_COLUMNS = tuple(CategoryOut.model_fields)
QUEUE_RENAMES = {"department": "department_id"}
CATEGORY_RENAMES = {"parent": "parent_id", "queue": "queue_id"}


def present_queue(queue: Queue) -> dict[str, Any]:
    return {name: getattr(queue, name) for name in QUEUE_COLUMNS}


def present_category(category: Category) -> dict[str, Any]:
    return {name: getattr(category, name) for name in CATEGORY_COLUMNS}


def _queue_values(payload: QueueIn | QueuePatch, *, partial: bool) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=partial)
    if "department_id" in values:
        department_id = values.pop("department_id")
        values["department"] = related(Department, department_id, "department_id", "department")
    return values


def _category_values(payload: CategoryIn | CategoryPatch, *, partial: bool) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=partial)
    if "parent_id" in values:
        values["parent"] = related(Category, values.pop("parent_id"), "parent_id", "category")
    return values


# --- Queues -----------------------------------------------------------------------------


@router.get("/queues", response={200: QueuePage, **LIST_ERRORS}, tags=["queues"])
@api_requires(READ)
def list_queues(
    request: HttpRequest,
    filters: Query[QueueFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """The help queues (Technology, Facilities, ...) by name, a page at a time."""
    rows = Queue.objects.all()
    if filters.active is not None:
        rows = rows.filter(active=filters.active)
    items, next_url = api_page(
        request, rows.values(*QUEUE_COLUMNS), order=("name", "id"), limit=limit, after=after
    )
    return json_response({"items": items, "next": next_url})


@router.post("/queues", response={201: QueueOut, **WRITE_ERRORS}, tags=["queues"])
@api_requires(MANAGE)
def create_queue(request: HttpRequest, payload: QueueIn) -> Any:
    with api_field_names(QUEUE_RENAMES):
        values = _queue_values(payload, partial=False)
        queue = services.create_queue(by=request.user, **values)  # type: ignore[arg-type]
    return Status(201, present_queue(queue))


@router.get("/queues/{queue_id}", response={200: QueueOut, **ONE_ERRORS}, tags=["queues"])
@api_requires(READ)
def get_queue(request: HttpRequest, queue_id: int) -> Any:
    return present_queue(get_or_404(Queue, queue_id))


@router.patch(
    "/queues/{queue_id}", response={200: QueueOut, **ONE_ERRORS, **WRITE_ERRORS}, tags=["queues"]
)
@api_requires(MANAGE)
def update_queue(request: HttpRequest, queue_id: int, payload: QueuePatch) -> Any:
    """Change a queue; `{"active": false}` stops it taking new tickets."""
    queue = get_or_404(Queue, queue_id)
    with api_field_names(QUEUE_RENAMES):
        values = _queue_values(payload, partial=True)
        queue = services.update_queue(queue=queue, by=request.user, **values)  # type: ignore[arg-type]
    return present_queue(queue)


# --- Categories ---------------------------------------------------------------------------


@router.get(
    "/queues/{queue_id}/categories",
    response={200: CategoryPage, **ONE_ERRORS, **LIST_ERRORS},
    tags=["categories"],
)
@api_requires(READ)
def list_categories(
    request: HttpRequest,
    queue_id: int,
    filters: Query[CategoryFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """A queue's categories by name; `parent_id` builds the tree (Hardware > Chromebook)."""
    queue = get_or_404(Queue, queue_id)
    rows = Category.objects.filter(queue=queue)
    if filters.active is not None:
        rows = rows.filter(active=filters.active)
    items, next_url = api_page(
        request, rows.values(*CATEGORY_COLUMNS), order=("name", "id"), limit=limit, after=after
    )
    return json_response({"items": items, "next": next_url})


@router.post(
    "/queues/{queue_id}/categories",
    response={201: CategoryOut, **ONE_ERRORS, **WRITE_ERRORS},
    tags=["categories"],
)
@api_requires(MANAGE)
def create_category(request: HttpRequest, queue_id: int, payload: CategoryIn) -> Any:
    """A new category of the queue, at the top or under `parent_id`."""
    queue = get_or_404(Queue, queue_id)
    with api_field_names(CATEGORY_RENAMES):
        values = _category_values(payload, partial=False)
        category = services.create_category(queue=queue, by=request.user, **values)  # type: ignore[arg-type]
    return Status(201, present_category(category))


@router.patch(
    "/categories/{category_id}",
    response={200: CategoryOut, **ONE_ERRORS, **WRITE_ERRORS},
    tags=["categories"],
)
@api_requires(MANAGE)
def update_category(request: HttpRequest, category_id: int, payload: CategoryPatch) -> Any:
    """Rename, move within its queue, or retire (`{"active": false}`) a category."""
    category = get_or_404(Category, category_id)
    with api_field_names(CATEGORY_RENAMES):
        values = _category_values(payload, partial=True)
        category = services.update_category(category=category, by=request.user, **values)  # type: ignore[arg-type]
    return present_category(category)
