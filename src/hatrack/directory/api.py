"""The directory over the API: the district profile, sites, departments and people.

Reading is for Viewers, Technicians and Leaders (`directory.view`); creating and
changing is for Leaders (`directory.change`). People are never deleted: PATCH
`{"active": false}` deactivates them. Lists share the pages' queries
(`directory.queries`) and writes go through `directory.services`, so the API is
audited and validated exactly like the pages. Lists are written straight from
`.values()` rows to JSON (the hot path); the schema tests hold them to `...Page`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from hatrack.core.api import (
    LIST_ERRORS,
    ONE_ERRORS,
    WRITE_ERRORS,
    api_page,
    api_requires,
    error_fields,
    get_or_404,
    json_response,
    page_after,
    page_limit,
)
from hatrack.directory import queries, services
from hatrack.directory.models import Department, District, Person, Site
from hatrack.directory.schemas import (
    DepartmentFilters,
    DepartmentIn,
    DepartmentOut,
    DepartmentPage,
    DepartmentPatch,
    DistrictOut,
    DistrictPatch,
    PersonFilters,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonPatch,
    SiteFilters,
    SiteIn,
    SiteOut,
    SitePage,
    SitePatch,
)

router = Router()

READ = "directory.view"
WRITE = "directory.change"
# Choice fields whose empty value the API shows as null.
NULL_WHEN_BLANK = {
    District: ("locale",),
    Site: ("grade_low", "grade_high", "state"),
    Department: (),
    Person: ("grade",),
}
DISTRICT_COLUMNS = tuple(DistrictOut.model_fields)
SITE_COLUMNS = tuple(SiteOut.model_fields)
DEPARTMENT_COLUMNS = tuple(DepartmentOut.model_fields)
PERSON_COLUMNS = tuple(PersonOut.model_fields)


def _present(model: type[Model], columns: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    """A function from a `.values()` row or an instance to the API's item."""
    blanks = NULL_WHEN_BLANK[model]

    def item(row: Any) -> dict[str, Any]:
        get = row.__getitem__ if isinstance(row, Mapping) else row.__getattribute__
        out = {name: get(name) for name in columns}
        for name in blanks:
            out[name] = out[name] or None
        return out

    return item


present_district = _present(District, DISTRICT_COLUMNS)
present_site = _present(Site, SITE_COLUMNS)
present_department = _present(Department, DEPARTMENT_COLUMNS)
present_person = _present(Person, PERSON_COLUMNS)


def _blank_for_null(values: dict[str, Any], model: type[Model]) -> dict[str, Any]:
    for name in NULL_WHEN_BLANK[model]:
        if name in values and values[name] is None:
            values[name] = ""
    return values


def _related(model: type[Model], pk: int | None, field: str, label: str) -> Any:
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {label} has the id {pk}."})
    return found


def _active_choice(active: bool | None) -> str:
    return "all" if active is None else ("active" if active else "inactive")


@contextmanager
def _api_field_names(renames: Mapping[str, str]) -> Iterator[None]:
    """Service errors under the API's field names (`primary_site` -> `primary_site_id`)."""
    try:
        yield
    except ValidationError as exc:
        raise error_fields(exc, renames) from exc


# --- District ----------------------------------------------------------------------------


@router.get("/district", response={200: DistrictOut, **ONE_ERRORS}, tags=["district"])
@api_requires(READ)
def get_district(request: HttpRequest) -> Any:
    """The district profile (404 until a leader has set it up)."""
    district = queries.district()
    if district is None:
        raise Http404
    return present_district(district)


@router.patch("/district", response={200: DistrictOut, **WRITE_ERRORS}, tags=["district"])
@api_requires(WRITE)
def update_district(request: HttpRequest, payload: DistrictPatch) -> Any:
    """Change the district profile; the first change creates it (name and state needed)."""
    values = _blank_for_null(payload.model_dump(exclude_unset=True), District)
    district = services.update_district(by=request.user, **values)  # type: ignore[arg-type]
    return present_district(district)


# --- Sites ----------------------------------------------------------------------------------


@router.get("/sites", response={200: SitePage, **LIST_ERRORS}, tags=["sites"])
@api_requires(READ)
def list_sites(
    request: HttpRequest,
    filters: Query[SiteFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """Schools and offices by name, a page at a time."""
    chosen = {"q": filters.q, "kind": filters.kind, "active": _active_choice(filters.active)}
    rows = queries.site_list_rows(chosen).values(*SITE_COLUMNS)
    items, next_url = api_page(request, rows, order=queries.SITE_ORDER, limit=limit, after=after)
    return json_response({"items": [present_site(r) for r in items], "next": next_url})


@router.post("/sites", response={201: SiteOut, **WRITE_ERRORS}, tags=["sites"])
@api_requires(WRITE)
def create_site(request: HttpRequest, payload: SiteIn) -> Any:
    values = _blank_for_null(payload.model_dump(), Site)
    site = services.create_site(by=request.user, **values)  # type: ignore[arg-type]
    return Status(201, present_site(site))


@router.get("/sites/{site_id}", response={200: SiteOut, **ONE_ERRORS}, tags=["sites"])
@api_requires(READ)
def get_site(request: HttpRequest, site_id: int) -> Any:
    return present_site(get_or_404(Site, site_id))


@router.patch(
    "/sites/{site_id}", response={200: SiteOut, **ONE_ERRORS, **WRITE_ERRORS}, tags=["sites"]
)
@api_requires(WRITE)
def update_site(request: HttpRequest, site_id: int, payload: SitePatch) -> Any:
    """Change a site; `{"active": false}` closes it."""
    site = get_or_404(Site, site_id)
    values = _blank_for_null(payload.model_dump(exclude_unset=True), Site)
    site = services.update_site(site=site, by=request.user, **values)  # type: ignore[arg-type]
    return present_site(site)


# --- Departments -------------------------------------------------------------------------------

DEPARTMENT_RENAMES = {"site": "site_id", "head": "head_id"}


def _department_values(payload: DepartmentIn | DepartmentPatch, *, partial: bool) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=partial)
    if "site_id" in values:
        values["site"] = _related(Site, values.pop("site_id"), "site_id", "site")
    if "head_id" in values:
        values["head"] = _related(Person, values.pop("head_id"), "head_id", "person")
    return values


@router.get("/departments", response={200: DepartmentPage, **LIST_ERRORS}, tags=["departments"])
@api_requires(READ)
def list_departments(
    request: HttpRequest,
    filters: Query[DepartmentFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """Departments and teams by name, a page at a time."""
    chosen = {"q": filters.q, "site": filters.site, "active": _active_choice(filters.active)}
    rows = queries.department_list_rows(chosen).values(*DEPARTMENT_COLUMNS)
    items, next_url = api_page(request, rows, order=("name", "id"), limit=limit, after=after)
    return json_response({"items": [present_department(r) for r in items], "next": next_url})


@router.post("/departments", response={201: DepartmentOut, **WRITE_ERRORS}, tags=["departments"])
@api_requires(WRITE)
def create_department(request: HttpRequest, payload: DepartmentIn) -> Any:
    with _api_field_names(DEPARTMENT_RENAMES):
        values = _department_values(payload, partial=False)
        department = services.create_department(by=request.user, **values)  # type: ignore[arg-type]
    return Status(201, present_department(department))


@router.get(
    "/departments/{department_id}",
    response={200: DepartmentOut, **ONE_ERRORS},
    tags=["departments"],
)
@api_requires(READ)
def get_department(request: HttpRequest, department_id: int) -> Any:
    return present_department(get_or_404(Department, department_id))


@router.patch(
    "/departments/{department_id}",
    response={200: DepartmentOut, **ONE_ERRORS, **WRITE_ERRORS},
    tags=["departments"],
)
@api_requires(WRITE)
def update_department(request: HttpRequest, department_id: int, payload: DepartmentPatch) -> Any:
    department = get_or_404(Department, department_id)
    with _api_field_names(DEPARTMENT_RENAMES):
        values = _department_values(payload, partial=True)
        department = services.update_department(
            department=department,
            by=request.user,  # type: ignore[arg-type]
            **values,
        )
    return present_department(department)


# --- People ----------------------------------------------------------------------------------

PERSON_RENAMES = {"primary_site": "primary_site_id", "department": "department_id"}
PERSON_ROWS = (*PERSON_COLUMNS, "family_key", "given_key")


def _person_values(payload: PersonIn | PersonPatch, *, partial: bool) -> dict[str, Any]:
    values = _blank_for_null(payload.model_dump(exclude_unset=partial), Person)
    if "primary_site_id" in values:
        site_id = values.pop("primary_site_id")
        values["primary_site"] = _related(Site, site_id, "primary_site_id", "site")
    if "department_id" in values:
        department_id = values.pop("department_id")
        values["department"] = _related(Department, department_id, "department_id", "department")
    return values


@router.get("/people", response={200: PersonPage, **LIST_ERRORS}, tags=["people"])
@api_requires(READ)
def list_people(
    request: HttpRequest,
    filters: Query[PersonFilters],
    limit: int = page_limit(),
    after: str | None = page_after(),
) -> HttpResponse:
    """Students and staff by family name, then given name, a page at a time."""
    chosen = {
        "q": filters.q,
        "role": filters.role,
        "site": filters.site,
        "grade": filters.grade,
        "active": _active_choice(filters.active),
    }
    people = queries.people_matching(chosen)
    if (since := filters.updated_since) is not None:
        since = since if timezone.is_aware(since) else timezone.make_aware(since)
        people = people.filter(updated_at__gte=since)
    rows = people.values(*PERSON_ROWS)
    items, next_url = api_page(request, rows, order=queries.PERSON_ORDER, limit=limit, after=after)
    return json_response({"items": [present_person(r) for r in items], "next": next_url})


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS}, tags=["people"])
@api_requires(WRITE)
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    with _api_field_names(PERSON_RENAMES):
        values = _person_values(payload, partial=False)
        person = services.create_person(by=request.user, **values)  # type: ignore[arg-type]
    return Status(201, present_person(person))


@router.get("/people/{person_id}", response={200: PersonOut, **ONE_ERRORS}, tags=["people"])
@api_requires(READ)
def get_person(request: HttpRequest, person_id: int) -> Any:
    return present_person(get_or_404(Person, person_id))


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, **ONE_ERRORS, **WRITE_ERRORS},
    tags=["people"],
)
@api_requires(WRITE)
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Any:
    """Change a person; `{"active": false}` deactivates them (people are never deleted)."""
    person = get_or_404(Person, person_id)
    active = payload.model_dump(exclude_unset=True).get("active")
    with _api_field_names(PERSON_RENAMES), transaction.atomic():
        values = _person_values(payload, partial=True)
        values.pop("active", None)
        if values:
            person = services.update_person(person=person, by=request.user, **values)  # type: ignore[arg-type]
        if active is not None:
            person = services.set_person_active(person=person, active=active, by=request.user)  # type: ignore[arg-type]
    return present_person(person)
