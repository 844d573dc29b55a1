"""The catalog over the API: systems and the dependencies between them, read by every
reader (`systems.view`), changed by Technology leaders (`systems.manage`) through
`systems.services.catalog`, exactly as the catalog pages change them."""

from __future__ import annotations

from typing import Any

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
    related_many,
)
from hatrack.directory.models import FundingSource, Person, Site, Vendor
from hatrack.systems.api.common import MANAGE, VIEW, api_field_names
from hatrack.systems.api.schemas import (
    DependencyFilters,
    DependencyIn,
    DependencyOut,
    DependencyPage,
    SystemFilters,
    SystemIn,
    SystemOut,
    SystemPage,
    SystemPatch,
    SystemRowOut,
)
from hatrack.systems.models import Dependency, System
from hatrack.systems.services import catalog as services

router = Router(tags=["systems"])
SYSTEM_ORDER = ("tier", "name", "id")
SYSTEM_COLUMNS = tuple(SystemRowOut.model_fields)
DEPENDENCY_ORDER = ("id",)
DEPENDENCY_COLUMNS = tuple(DependencyOut.model_fields)
RELATED = {
    "vendor_id": (Vendor, "vendor", "vendor"),
    "owner_id": (Person, "owner", "person"),
    "backup_owner_id": (Person, "backup_owner", "person"),
    "funding_source_id": (FundingSource, "funding_source", "funding source"),
}


def present_system(system: System) -> dict[str, Any]:
    """One system in full, its sites' ids read in one query."""
    out = {name: getattr(system, name) for name in SystemOut.model_fields if name != "site_ids"}
    out["site_ids"] = sorted(system.sites.values_list("id", flat=True))
    return out


def _values(payload: dict[str, Any]) -> dict[str, Any]:
    """Payload fields as service values, related ids looked up (422 on an unknown id)."""
    values = dict(payload)
    for field, (model, name, label) in RELATED.items():
        if field in values:
            values[name] = related(model, values.pop(field), field, label)
    if "site_ids" in values:
        values["sites"] = related_many(Site, values.pop("site_ids"), "site_ids", "site")
    return values


@router.get("/systems", response={200: SystemPage, **LIST_ERRORS})
@api_requires(VIEW)
def list_systems(
    request: HttpRequest,
    filters: Query[SystemFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """The catalog by tier and name, a page at a time (active systems unless told)."""
    systems = System.objects.all()
    if filters.active is not None:
        systems = systems.filter(active=filters.active)
    for name in ("kind", "tier", "state"):
        if (value := getattr(filters, name)) is not None:
            systems = systems.filter(**{name: value})
    if filters.q.strip():
        systems = systems.filter(name__icontains=filters.q.strip())
    rows = systems.values(*SYSTEM_COLUMNS)
    items, next_url = api_page(request, rows, order=SYSTEM_ORDER, limit=limit, after=after)
    return json_response({"items": items, "next": next_url})


@router.get("/systems/{system_id}", response={200: SystemOut, **ONE_ERRORS})
@api_requires(VIEW)
def get_system(request: HttpRequest, system_id: int) -> Any:
    return present_system(get_or_404(System, system_id))


@router.post("/systems", response={201: SystemOut, **WRITE_ERRORS})
@api_requires(MANAGE)
def create_system(request: HttpRequest, payload: SystemIn) -> Any:
    """Add a system to the catalog (Technology leaders)."""
    user: User = request.user  # type: ignore[assignment]
    with api_field_names():
        system = services.create_system(by=user, **_values(payload.model_dump()))
    return Status(201, present_system(system))


@router.patch("/systems/{system_id}", response={200: SystemOut, **ONE_ERRORS, **WRITE_ERRORS})
@api_requires(MANAGE)
def update_system(request: HttpRequest, system_id: int, payload: SystemPatch) -> Any:
    """Change what you send of a system's facts (Technology leaders); `active: false`
    retires it."""
    user: User = request.user  # type: ignore[assignment]
    system = get_or_404(System, system_id)
    with api_field_names():
        changed = services.update_system(
            system=system, by=user, **_values(payload.model_dump(exclude_unset=True))
        )
    return present_system(changed)


@router.get("/dependencies", response={200: DependencyPage, **LIST_ERRORS})
@api_requires(VIEW)
def list_dependencies(
    request: HttpRequest,
    filters: Query[DependencyFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """Every dependency, or those of one system (`system`) or on one (`depends_on`)."""
    edges = Dependency.objects.all()
    if filters.system is not None:
        edges = edges.filter(system_id=filters.system)
    if filters.depends_on is not None:
        edges = edges.filter(depends_on_id=filters.depends_on)
    rows = edges.values(*DEPENDENCY_COLUMNS)
    items, next_url = api_page(request, rows, order=DEPENDENCY_ORDER, limit=limit, after=after)
    return json_response({"items": items, "next": next_url})


@router.post("/dependencies", response={201: DependencyOut, **WRITE_ERRORS})
@api_requires(MANAGE)
def create_dependency(request: HttpRequest, payload: DependencyIn) -> Any:
    """Record that `system_id` depends on `depends_on_id` (Technology leaders). Cycles
    are allowed; a duplicate or a system depending on itself answers 422."""
    user: User = request.user  # type: ignore[assignment]
    with api_field_names():
        dependency = services.add_dependency(
            system=related(System, payload.system_id, "system_id", "system"),
            depends_on=related(System, payload.depends_on_id, "depends_on_id", "system"),
            kind=payload.kind,
            effect=payload.effect,
            note=payload.note,
            by=user,
        )
    return Status(201, dependency)


@router.delete("/dependencies/{dependency_id}", response={204: None, **ONE_ERRORS})
@api_requires(MANAGE)
def delete_dependency(request: HttpRequest, dependency_id: int) -> Any:
    """Remove a dependency (Technology leaders); the audit log keeps what it was."""
    user: User = request.user  # type: ignore[assignment]
    services.remove_dependency(dependency=get_or_404(Dependency, dependency_id), by=user)
    return Status(204, None)
