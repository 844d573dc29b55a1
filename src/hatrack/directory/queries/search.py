"""The directory's sources for the global search: people, sites and departments."""

from __future__ import annotations

from urllib.parse import quote_plus

from django.urls import reverse

from hatrack.core.search import Group, Hit, text_filter
from hatrack.directory.models import Department, Person, Site
from hatrack.directory.queries.people import (
    PERSON_LIST_COLUMNS,
    PERSON_ORDER,
    person_search,
    present_person_rows,
)
from hatrack.directory.queries.places import present_department_rows, present_site_rows


def search_people(text: str, limit: int) -> Group:
    rows = list(
        Person.objects.filter(person_search(text))
        .order_by(*PERSON_ORDER)
        .values(*PERSON_LIST_COLUMNS)[: limit + 1]
    )
    shown = present_person_rows(rows[:limit])
    hits = [
        Hit(
            title=f"{raw['given_name']} {raw['family_name']}",
            url=row["url"],
            detail=" · ".join(
                v for v in (row["role"], row["grade"], row["site"], row["email"]) if v
            )
            + ("" if row["active"] else " · inactive"),
        )
        for raw, row in zip(rows[:limit], shown, strict=True)
    ]
    more_url = f"{reverse('directory:person_list')}?q={quote_plus(text)}&active=all"
    return Group("people", "People", hits, more_url=more_url, more=len(rows) > limit)


def search_sites(text: str, limit: int) -> Group:
    rows = present_site_rows(
        list(
            text_filter(Site.objects.all(), ("name", "code", "city"), text)
            .order_by("-active", "name", "id")
            .values("id", "name", "code", "kind", "grade_low", "grade_high", "city", "active")[
                : limit + 1
            ]
        )
    )
    hits = [
        Hit(
            title=row["name"],
            url=row["url"],
            detail=" · ".join(v for v in (row["code"], row["kind_label"], row["city"]) if v),
        )
        for row in rows[:limit]
    ]
    more_url = f"{reverse('directory:site_list')}?q={quote_plus(text)}&active=all"
    return Group("sites", "Sites", hits, more_url=more_url, more=len(rows) > limit)


def search_departments(text: str, limit: int) -> Group:
    rows = present_department_rows(
        list(
            text_filter(Department.objects.all(), ("name", "code"), text)
            .order_by("-active", "name", "id")
            .values(
                "id", "name", "code", "active", "site__name", "head__given_name",
                "head__family_name",
            )[: limit + 1]
        )
    )  # fmt: skip
    hits = [
        Hit(title=row["name"], url=row["url"], detail=f"{row['code']} · {row['site']}")
        for row in rows[:limit]
    ]
    more_url = f"{reverse('directory:department_list')}?q={quote_plus(text)}&active=all"
    return Group("departments", "Departments", hits, more_url=more_url, more=len(rows) > limit)
