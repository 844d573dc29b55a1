"""Device models over the API: the catalog of makes and models."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

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
)
from hatrack.devices.api.common import MANAGE, VIEW, api_field_names
from hatrack.devices.api.schemas import (
    DeviceCategory,
    DeviceModelIn,
    DeviceModelOut,
    DeviceModelPage,
    DeviceModelPatch,
)
from hatrack.devices.models import DeviceModel
from hatrack.devices.services import catalog as services

router = Router(tags=["device models"])
MODEL_ORDER = ("manufacturer", "name", "id")
MODEL_COLUMNS = tuple(DeviceModelOut.model_fields)


@router.get("/device-models", response={200: DeviceModelPage, **LIST_ERRORS})
@api_requires(VIEW)
def list_device_models(
    request: HttpRequest,
    category: DeviceCategory | None = None,
    active: bool | None = None,
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """The catalog by manufacturer and name, a page at a time."""
    models = DeviceModel.objects.all()
    if category:
        models = models.filter(category=category)
    if active is not None:
        models = models.filter(active=active)
    rows = models.values(*MODEL_COLUMNS)
    items, next_url = api_page(request, rows, order=MODEL_ORDER, limit=limit, after=after)
    return json_response({"items": items, "next": next_url})


@router.get("/device-models/{model_id}", response={200: DeviceModelOut, **ONE_ERRORS})
@api_requires(VIEW)
def get_device_model(request: HttpRequest, model_id: int) -> Any:
    return get_or_404(DeviceModel, model_id)


@router.post("/device-models", response={201: DeviceModelOut, **WRITE_ERRORS})
@api_requires(MANAGE)
def create_device_model(request: HttpRequest, payload: DeviceModelIn) -> Any:
    """Add a make and model to the catalog (Technology leaders)."""
    user: User = request.user  # type: ignore[assignment]
    with api_field_names():
        created = services.create_device_model(by=user, **payload.model_dump())
    return Status(201, created)


@router.patch(
    "/device-models/{model_id}",
    response={200: DeviceModelOut, **ONE_ERRORS, **WRITE_ERRORS},
)
@api_requires(MANAGE)
def update_device_model(request: HttpRequest, model_id: int, payload: DeviceModelPatch) -> Any:
    """Change what you send of a model's facts (Technology leaders)."""
    user: User = request.user  # type: ignore[assignment]
    device_model = get_or_404(DeviceModel, model_id)
    with api_field_names():
        return services.update_device_model(
            device_model=device_model, by=user, **payload.model_dump(exclude_unset=True)
        )
