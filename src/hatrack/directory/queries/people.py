"""People: the search that names them, the list's filters, rows and CSV, and one record.

List queries select only the columns a page shows (`values()`), in the order the
indexes of `directory.models` serve: people by (family_key, given_key, id), alone or
behind an equality on role or primary site, so a page of 50 is one index range scan.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from hatrack.core.search import key_prefix
from hatrack.directory.models import Grade, Person, Site
from hatrack.directory.names import name_key, prefix_range

PERSON_ORDER = ("family_key", "given_key", "id")
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
