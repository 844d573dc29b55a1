"""Every change to the district model made by a person: the district profile, sites,
departments and people.

Each function is keyword-only, validates the whole record (field validators, unique
columns, constraints) before writing, writes in one transaction and records the audit
entry in that same transaction, so a change and its trail land together or not at all.
Invalid input raises `django.core.exceptions.ValidationError` (with a message per field)
and leaves the database untouched. Imports apply rows through their own batch service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction

from hatrack.core import audit
from hatrack.directory.models import GRADE_ORDER, Department, District, Person, Site
from hatrack.workspace.navigation import forget_district_name

if TYPE_CHECKING:
    from hatrack.accounts.models import User

# The home dashboard caches the district's headline numbers under this key.
SUMMARY_CACHE_KEY = "directory:summary"


class PersonValues(TypedDict, total=False):
    given_name: str
    middle_name: str
    family_name: str
    email: str
    role: str
    grade: str
    sis_id: str
    username: str
    source_id: str | None
    primary_site: Site | None
    department: Department | None


class SiteValues(TypedDict, total=False):
    name: str
    code: str
    kind: str
    nces_school_id: str | None
    source_id: str | None
    grade_low: str
    grade_high: str
    street: str
    city: str
    state: str
    postal_code: str
    phone: str
    active: bool


class DepartmentValues(TypedDict, total=False):
    name: str
    code: str
    site: Site | None
    head: Person | None
    description: str
    source_id: str | None
    active: bool


class DistrictValues(TypedDict, total=False):
    name: str
    nces_lea_id: str
    state: str
    enrollment: int
    locale: str
    time_zone: str
    website: str
    email_domains: str


# Unique, nullable columns: an empty value means "none", stored as NULL so that
# many records may leave it empty.
_NULLABLE_UNIQUE = ("source_id", "nces_school_id")


def _assign(obj: models.Model, values: dict[str, object]) -> None:
    known = {f.name for f in obj._meta.get_fields()}
    for name, value in values.items():
        if name not in known:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
        if name in _NULLABLE_UNIQUE and value == "":
            value = None
        setattr(obj, name, value)


def forget_directory_summary() -> None:
    """Let the home dashboard count again once the current transaction commits.

    Every service here calls it; an import calls it once after applying its batch.
    """
    transaction.on_commit(lambda: cache.delete(SUMMARY_CACHE_KEY))


def _check_grade_span(site: Site) -> None:
    low, high = site.grade_low, site.grade_high
    if low and high and GRADE_ORDER[low] > GRADE_ORDER[high]:
        raise ValidationError(
            {"grade_high": "The highest grade comes before the lowest grade; swap them."}
        )


# --- People ------------------------------------------------------------------


def _save_person(person: Person) -> None:
    person.email = person.email.strip()
    person.set_name_keys()
    person.full_clean()
    person.save()


def create_person(*, by: User | None, **values: Unpack[PersonValues]) -> Person:
    """Add a person to the directory (active). Raises ValidationError on bad values."""
    person = Person()
    _assign(person, dict(values))
    with transaction.atomic():
        _save_person(person)
        audit.record_create(person, by=by)
        forget_directory_summary()
    return person


def update_person(*, person: Person, by: User | None, **values: Unpack[PersonValues]) -> Person:
    """Change a person's facts. Audited with before/after; nothing is written on error."""
    before = audit.snapshot(person)
    _assign(person, dict(values))
    with transaction.atomic():
        _save_person(person)
        audit.record_update(person, before, by=by)
        forget_directory_summary()
    return person


def set_person_active(*, person: Person, active: bool, by: User | None) -> Person:
    """Deactivate or reactivate a person. People are never deleted, only deactivated."""
    if person.active == active:
        return person
    before = audit.snapshot(person)
    person.active = active
    with transaction.atomic():
        person.save(update_fields=["active", "updated_at"])
        audit.record_update(person, before, by=by)
        forget_directory_summary()
    return person


# --- Sites ---------------------------------------------------------------------


def _save_site(site: Site) -> None:
    site.code = site.code.strip()
    site.full_clean()
    _check_grade_span(site)
    site.save()


def create_site(*, by: User | None, **values: Unpack[SiteValues]) -> Site:
    """Add a school or office. Raises ValidationError (duplicate code, bad NCES id...)."""
    site = Site()
    _assign(site, dict(values))
    with transaction.atomic():
        _save_site(site)
        audit.record_create(site, by=by)
        forget_directory_summary()
    return site


def update_site(*, site: Site, by: User | None, **values: Unpack[SiteValues]) -> Site:
    """Change a site's facts (including `active`). Audited with before/after."""
    before = audit.snapshot(site)
    _assign(site, dict(values))
    with transaction.atomic():
        _save_site(site)
        audit.record_update(site, before, by=by)
        forget_directory_summary()
    return site


# --- Departments -----------------------------------------------------------------


def _save_department(department: Department) -> None:
    department.code = department.code.strip()
    department.full_clean()
    department.save()


def create_department(*, by: User | None, **values: Unpack[DepartmentValues]) -> Department:
    """Add a department or team. Raises ValidationError (duplicate code...)."""
    department = Department()
    _assign(department, dict(values))
    with transaction.atomic():
        _save_department(department)
        audit.record_create(department, by=by)
    return department


def update_department(
    *, department: Department, by: User | None, **values: Unpack[DepartmentValues]
) -> Department:
    """Change a department's facts (including `active`). Audited with before/after."""
    before = audit.snapshot(department)
    _assign(department, dict(values))
    with transaction.atomic():
        _save_department(department)
        audit.record_update(department, before, by=by)
    return department


# --- District ----------------------------------------------------------------------


def update_district(*, by: User | None, **values: Unpack[DistrictValues]) -> District:
    """Create the district profile (the single row) or change it. Audited either way."""
    with transaction.atomic():
        district = District.objects.select_for_update().filter(pk=1).first()
        created = district is None
        district = district or District(pk=1)
        before = audit.snapshot(district)
        _assign(district, dict(values))
        district.email_domains = _tidy_domains(district.email_domains)
        district.full_clean()
        district.save()
        if created:
            audit.record_create(district, by=by)
        else:
            audit.record_update(district, before, by=by)
        transaction.on_commit(forget_district_name)
    return district


def _tidy_domains(text: str) -> str:
    """'Mvusd.org,  staff.mvusd.org ' -> 'mvusd.org, staff.mvusd.org' (lower case, no '@')."""
    domains = [d.strip().lstrip("@").lower() for d in text.replace(";", ",").split(",")]
    bad = [d for d in domains if d and ("." not in d or " " in d)]
    if bad:
        raise ValidationError({"email_domains": f"Not an email domain: {', '.join(bad)}."})
    return ", ".join(dict.fromkeys(d for d in domains if d))
