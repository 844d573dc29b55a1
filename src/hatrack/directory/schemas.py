"""The shapes of the directory API: what it returns (`...Out`), creates (`...In`) and
changes (`...Patch`: only the fields sent are changed).

Optional choices (a grade, a state, a locale) are `null` when not set, never "".
Related records are referred to by id (`primary_site_id`). Unknown fields are refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from hatrack.directory.models import Grade, Locale, Person, Site


def unchanged(**constraints: Any) -> Any:
    """A PATCH field: left out, the value stays as it is; sent, it must be valid."""
    return Field(None, **constraints)


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


# --- District ------------------------------------------------------------------------


class DistrictOut(Schema):
    name: str
    nces_lea_id: str
    state: str
    enrollment: int
    locale: Locale | None
    time_zone: str
    website: str
    email_domains: str
    updated_at: datetime


class DistrictPatch(StrictIn):
    name: str = unchanged(max_length=200)
    nces_lea_id: str = unchanged(description="7 digits, or empty.")
    state: str = unchanged(description="Two-letter state code.")
    enrollment: int = unchanged(ge=0)
    locale: Locale | None = None
    time_zone: str = unchanged()
    website: str = unchanged()
    email_domains: str = unchanged(description="Comma separated, e.g. 'mvusd.org'.")


# --- Sites -------------------------------------------------------------------------------


class SiteOut(Schema):
    id: int
    name: str
    code: str
    kind: Site.Kind
    nces_school_id: str | None
    source_id: str | None
    grade_low: Grade | None
    grade_high: Grade | None
    street: str
    city: str
    state: str | None
    postal_code: str
    phone: str
    active: bool
    created_at: datetime
    updated_at: datetime


class SiteFields(StrictIn):
    nces_school_id: str | None = Field(None, description="12 digits, or null.")
    source_id: str | None = Field(None, description="The SIS sourcedId, or null.")
    grade_low: Grade | None = None
    grade_high: Grade | None = None
    street: str = ""
    city: str = ""
    state: str | None = Field(None, description="Two-letter state code, or null.")
    postal_code: str = ""
    phone: str = ""
    active: bool = True


class SiteIn(SiteFields):
    name: str = Field(..., min_length=1, max_length=200)
    code: str = Field(..., min_length=1, max_length=20, description="Short code, e.g. LHS.")
    kind: Site.Kind


class SitePatch(SiteFields):
    name: str = unchanged(min_length=1, max_length=200)
    code: str = unchanged(min_length=1, max_length=20)
    kind: Site.Kind = unchanged()


class SiteFilters(Schema):
    q: str = Field("", description="Name, code or city contains this text.")
    kind: Site.Kind | None = None
    active: bool | None = Field(None, description="Omit for active and inactive sites.")


# --- Departments --------------------------------------------------------------------------


class DepartmentOut(Schema):
    id: int
    name: str
    code: str
    site_id: int | None
    head_id: int | None
    description: str
    source_id: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


class DepartmentFields(StrictIn):
    site_id: int | None = Field(None, description="The site it belongs to; null: district-wide.")
    head_id: int | None = Field(None, description="The person who heads it.")
    description: str = ""
    source_id: str | None = None
    active: bool = True


class DepartmentIn(DepartmentFields):
    name: str = Field(..., min_length=1, max_length=200)
    code: str = Field(..., min_length=1, max_length=20)


class DepartmentPatch(DepartmentFields):
    name: str = unchanged(min_length=1, max_length=200)
    code: str = unchanged(min_length=1, max_length=20)


class DepartmentFilters(Schema):
    q: str = Field("", description="Name or code contains this text.")
    site: int | None = Field(None, description="Departments of this site id.")
    active: bool | None = Field(None, description="Omit for active and inactive departments.")


# --- People ----------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    given_name: str
    middle_name: str
    family_name: str
    email: str
    role: Person.Role
    grade: Grade | None
    sis_id: str
    username: str
    source_id: str | None
    primary_site_id: int | None
    department_id: int | None
    active: bool
    created_at: datetime
    updated_at: datetime


class PersonFields(StrictIn):
    middle_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    grade: Grade | None = None
    sis_id: str = Field("", max_length=64)
    username: str = Field("", max_length=150)
    source_id: str | None = Field(None, max_length=255)
    primary_site_id: int | None = None
    department_id: int | None = None


class PersonIn(PersonFields):
    given_name: str = Field(..., min_length=1, max_length=100)
    family_name: str = Field(..., min_length=1, max_length=100)
    role: Person.Role


class PersonPatch(PersonFields):
    given_name: str = unchanged(min_length=1, max_length=100)
    family_name: str = unchanged(min_length=1, max_length=100)
    role: Person.Role = unchanged()
    active: bool = unchanged(description="false deactivates; people are never deleted.")


class PersonFilters(Schema):
    q: str = Field(
        "",
        description="Starts of names ('smi', 'jo smi', 'smith, jo'), an email or a SIS id.",
    )
    role: Person.Role | None = None
    site: int | None = Field(None, description="People whose primary site is this id.")
    grade: Grade | None = None
    active: bool | None = Field(None, description="Omit for active and inactive people.")
    updated_since: datetime | None = Field(
        None,
        description="Changed at or after this time (ISO 8601; without an offset, in the "
        "server's time zone).",
    )


# --- Pages ----------------------------------------------------------------------------------


class PageOut(Schema):
    next: str | None = Field(..., description="URL of the next page; null on the last.")


class SitePage(PageOut):
    items: list[SiteOut]


class DepartmentPage(PageOut):
    items: list[DepartmentOut]


class PersonPage(PageOut):
    items: list[PersonOut]
