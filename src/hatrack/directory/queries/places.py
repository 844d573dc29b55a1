"""The district, its sites and departments: their lists, their pages, and the people on them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse

from hatrack.core.search import text_filter
from hatrack.directory.models import Department, District, Person, Site
from hatrack.directory.queries.people import (
    PERSON_LIST_COLUMNS,
    PERSON_ORDER,
    present_person_rows,
)

SITE_ORDER = ("name", "id")
KIND_LABELS = dict(Site.Kind.choices)


# --- Sites ----------------------------------------------------------------------------


def _active_filter(qs: QuerySet[Any], active: str) -> QuerySet[Any]:
    return qs if active == "all" else qs.filter(active=active == "active")


def site_list_rows(filters: dict[str, Any]) -> QuerySet[Any]:
    qs = text_filter(Site.objects.all(), ("name", "code", "city"), filters.get("q", ""))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    qs = _active_filter(qs, filters.get("active", "active"))
    return qs.values(
        "id", "name", "code", "kind", "grade_low", "grade_high", "city", "nces_school_id", "active"
    )


def present_site_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = reverse("directory:site_list")
    for row in rows:
        row["url"] = f"{base}{row['id']}/"
        row["kind_label"] = KIND_LABELS.get(row["kind"], row["kind"])
        low, high = row["grade_low"], row["grade_high"]
        row["grades"] = f"{low}–{high}" if low and high else low or high or ""
    return rows


def site_people_by_role(site: Site) -> list[dict[str, Any]]:
    """Active people at a site counted by role, with a link to each filtered list."""
    counts = dict(
        Person.objects.filter(primary_site=site, active=True)
        .order_by()
        .values_list("role")
        .annotate(n=Count("id"))
    )
    base = reverse("directory:person_list")
    return [
        {
            "role": label if counts.get(value, 0) == 1 else ROLE_PLURALS[value],
            "count": counts.get(value, 0),
            "url": f"{base}?site={site.pk}&role={value}",
        }
        for value, label in Person.Role.choices
    ]


# "Staff" is its own plural; the template's |pluralize would say "Staffs".
ROLE_PLURALS: dict[str, str] = {
    Person.Role.STUDENT: "Students",
    Person.Role.TEACHER: "Teachers",
    Person.Role.STAFF: "Staff",
    Person.Role.ADMINISTRATOR: "Administrators",
    Person.Role.AIDE: "Aides",
}


def site_people_sample(site: Site, size: int = 10) -> list[dict[str, Any]]:
    rows = list(
        Person.objects.filter(primary_site=site, active=True)
        .exclude(role=Person.Role.STUDENT)
        .order_by(*PERSON_ORDER)
        .values(*PERSON_LIST_COLUMNS)[:size]
    )
    return present_person_rows(rows, {site.pk: site.name})


def site_departments(site: Site) -> list[Department]:
    return list(site.departments.only("id", "name", "code", "active"))


# --- Departments ------------------------------------------------------------------------


def department_list_rows(filters: dict[str, Any]) -> QuerySet[Any]:
    qs = text_filter(Department.objects.all(), ("name", "code"), filters.get("q", ""))
    if filters.get("site"):
        qs = qs.filter(site_id=filters["site"])
    qs = _active_filter(qs, filters.get("active", "active"))
    return qs.values(
        "id", "name", "code", "active", "site__name", "head__given_name", "head__family_name"
    )


def present_department_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = reverse("directory:department_list")
    for row in rows:
        row["url"] = f"{base}{row['id']}/"
        given, family = row["head__given_name"], row["head__family_name"]
        row["head"] = f"{given} {family}" if given else ""
        row["site"] = row["site__name"] or "District-wide"
    return rows


def department_detail(pk: int) -> Department:
    return Department.objects.select_related("site", "head").get(pk=pk)


def department_people(department: Department, size: int = 20) -> list[dict[str, Any]]:
    rows = list(
        Person.objects.filter(department=department, active=True)
        .order_by(*PERSON_ORDER)
        .values(*PERSON_LIST_COLUMNS)[:size]
    )
    return present_person_rows(rows)


# --- District -------------------------------------------------------------------------------


def district() -> District | None:
    return District.objects.filter(pk=1).first()
