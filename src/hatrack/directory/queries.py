"""Reads of the district model that pages, search and the dashboard share.

List queries select only the columns a page shows (`values()`), in the order the
indexes of `directory.models` serve: people by (family_key, given_key, id), alone or
behind an equality on role or primary site, so a page of 50 is one index range scan.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from hatrack.core.audit import history_of
from hatrack.core.models import ImportRun
from hatrack.core.search import Group, Hit, key_prefix, text_filter
from hatrack.directory.models import Department, District, Grade, Person, Site
from hatrack.directory.names import name_key, prefix_range
from hatrack.directory.services import SUMMARY_CACHE_KEY

PERSON_ORDER = ("family_key", "given_key", "id")
SITE_ORDER = ("name", "id")
PERSON_LIST_COLUMNS = (
    "id",
    "family_key",
    "given_key",
    "given_name",
    "family_name",
    "role",
    "grade",
    "email",
    "sis_id",
    "active",
    "primary_site_id",
)
ROLE_LABELS = dict(Person.Role.choices)
GRADE_LABELS = dict(Grade.choices)
KIND_LABELS = dict(Site.Kind.choices)


# --- People: search and filters -------------------------------------------------------


def _range(column: str, text: str) -> Q:
    return key_prefix(column, prefix_range(text))


def _raw_prefix(column: str, text: str) -> Q:
    return Q(**{f"{column}__gte": text, f"{column}__lt": text + "\U0010ffff"})


def _given_also(text: str) -> Q:
    # A filter, not a range: the family name range leads, so the database scans one
    # index range in list order instead of guessing between two.
    return Q(given_key__startswith=name_key(text))


def _email_prefix(text: str) -> Q:
    lowered = text.lower()
    match = _raw_prefix("email", lowered)
    return match | _raw_prefix("email", text) if lowered != text else match


def _family_exists(text: str) -> bool:
    return Person.objects.filter(_range("family_key", text)).exists()


def person_search(text: str) -> Q:
    """Who a query names, as one index range (each form is anchored on one column).

    'smith, jo'  family name starts with 'smith', given name with 'jo';
    'smi'        family name starts with 'smi' (the given name when no family name does);
    'jo smi'     given 'jo', family 'smi' (a family name of two words such as
                 'van der' when one starts so);
    'jo@mv…', 'jo.smith'  email starts so; '100234' SIS id starts so.
    """
    text = " ".join(text.split())
    if not text:
        return Q()
    if "@" in text or ("." in text and " " not in text):
        return _email_prefix(text)
    if "," in text:
        family, _, given = (part.strip() for part in text.partition(","))
        if not family:
            return _range("given_key", given)
        match = _range("family_key", family)
        return match & _given_also(given) if given else match
    tokens = text.split()
    if len(tokens) == 1:
        if any(ch.isdigit() for ch in text):
            return _raw_prefix("sis_id", text)
        return _range("family_key" if _family_exists(text) else "given_key", text)
    if _family_exists(text):
        return _range("family_key", text)
    return _range("family_key", " ".join(tokens[1:])) & _given_also(tokens[0])


def people_matching(filters: dict[str, Any]) -> QuerySet[Person]:
    """People that a list's search and filters select (no ordering, no columns chosen)."""
    qs = Person.objects.all()
    if filters.get("q"):
        qs = qs.filter(person_search(filters["q"]))
    if filters.get("role"):
        qs = qs.filter(role=filters["role"])
    if filters.get("site"):
        qs = qs.filter(primary_site_id=filters["site"])
    if filters.get("grade"):
        qs = qs.filter(grade=filters["grade"])
    active = filters.get("active", "active")
    if active != "all":
        qs = qs.filter(active=active == "active")
    return qs


def person_list_rows(people: QuerySet[Person]) -> QuerySet[Any]:
    """The columns the people list shows, as dicts. Site names come from `site_choices()`
    (a district has tens of sites): no join, so the page query reads one index range."""
    rows: QuerySet[Any] = people.values(*PERSON_LIST_COLUMNS)
    return rows


def present_person_rows(
    rows: list[dict[str, Any]], site_names: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """Pre-format list rows so the template only prints strings."""
    base = reverse("directory:person_list")
    if site_names is None:
        site_names = dict(site_choices())
    return [
        {
            "url": f"{base}{row['id']}/",
            "name": f"{row['family_name']}, {row['given_name']}",
            "role": ROLE_LABELS.get(row["role"], row["role"]),
            "grade": GRADE_LABELS.get(row["grade"], row["grade"]) if row["grade"] else "",
            "site": site_names.get(row["primary_site_id"], ""),
            "email": row["email"],
            "sis_id": row["sis_id"],
            "active": row["active"],
        }
        for row in rows
    ]


PERSON_CSV_HEADER = [
    "Family name",
    "Given name",
    "Middle name",
    "Role",
    "Grade",
    "Site",
    "Site code",
    "Department",
    "Email",
    "SIS id",
    "Username",
    "SIS sourcedId",
    "Active",
]


def person_csv_rows(filters: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """Every person the filters select, in list order, streamed from the database."""
    rows = (
        people_matching(filters)
        .order_by(*PERSON_ORDER)
        .values_list(
            "family_name",
            "given_name",
            "middle_name",
            "role",
            "grade",
            "primary_site__name",
            "primary_site__code",
            "department__name",
            "email",
            "sis_id",
            "username",
            "source_id",
            "active",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        *values, active = row
        yield (*values, "yes" if active else "no")


def site_choices() -> list[tuple[int, str]]:
    return list(Site.objects.order_by("name").values_list("id", "name"))


# --- People: one record -----------------------------------------------------------------


def person_detail(pk: int) -> Person:
    """A person with their site and department; raises Person.DoesNotExist."""
    return Person.objects.select_related("primary_site", "department").get(pk=pk)


def person_account(person: Person) -> Any:
    from hatrack.accounts.models import User

    return User.objects.filter(person=person).only("id", "username", "role", "is_active").first()


def history(obj: Any) -> list[Any]:
    return list(history_of(obj))


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


# --- Global search sources ----------------------------------------------------------------------


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
    more_url = f"{reverse('directory:person_list')}?q={_quote(text)}&active=all"
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
    more_url = f"{reverse('directory:site_list')}?q={_quote(text)}&active=all"
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
    more_url = f"{reverse('directory:department_list')}?q={_quote(text)}&active=all"
    return Group("departments", "Departments", hits, more_url=more_url, more=len(rows) > limit)


def _quote(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(text)


# --- Dashboard ----------------------------------------------------------------------------------


def directory_summary() -> dict[str, Any]:
    """The district's headline numbers, from one grouped scan of people and one of sites.

    A full scan of people, so it is cached for five minutes and cleared by the services
    (and imports) that change the directory: the home page stays cheap on a district of
    half a million people.
    """
    summary: dict[str, Any] | None = cache.get(SUMMARY_CACHE_KEY)
    if summary is None:
        summary = _summarize()
        cache.set(SUMMARY_CACHE_KEY, summary, 300)
    return summary


def _summarize() -> dict[str, Any]:
    groups = (
        Person.objects.order_by()
        .values_list("primary_site_id", "role", "active")
        .annotate(n=Count("id"))
    )
    students = staff = inactive = 0
    per_site: dict[int | None, dict[str, int]] = {}
    for site_id, role, active, n in groups:
        if not active:
            inactive += n
            continue
        is_student = role == Person.Role.STUDENT
        students += n if is_student else 0
        staff += 0 if is_student else n
        bucket = per_site.setdefault(site_id, {"students": 0, "staff": 0})
        bucket["students" if is_student else "staff"] += n
    sites: list[dict[str, Any]] = [
        dict(row) for row in Site.objects.filter(active=True).values("id", "name", "code", "kind")
    ]
    kinds = _count_by_kind(sites)
    return {
        "students": students,
        "staff": staff,
        "active": students + staff,
        "inactive": inactive,
        "site_count": len(sites),
        "sites_by_kind": kinds,
        "per_site": [
            {**site, **per_site.get(site["id"], {"students": 0, "staff": 0})} for site in sites
        ],
        "unassigned": per_site.get(None, {"students": 0, "staff": 0}),
    }


def _count_by_kind(sites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for site in sites:
        counts[site["kind"]] = counts.get(site["kind"], 0) + 1
    base = reverse("directory:site_list")
    return [
        {"label": label, "count": counts[value], "url": f"{base}?kind={value}"}
        for value, label in Site.Kind.choices
        if counts.get(value)
    ]


def latest_import() -> ImportRun | None:
    return (
        ImportRun.objects.filter(kind="oneroster")
        .only("id", "status", "source_name", "created_at", "finished_at", "counts", "error_count")
        .first()
    )
