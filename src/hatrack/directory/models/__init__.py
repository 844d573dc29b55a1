"""The district model: district, sites, departments and people, and the school calendar."""

from hatrack.directory.models.calendar import Closure, WorkingHours
from hatrack.directory.models.district import (
    GRADE_ORDER,
    STATE_CHOICES,
    US_STATES,
    Department,
    District,
    Grade,
    Locale,
    Person,
    PersonQuerySet,
    Site,
    SiteQuerySet,
    nces_lea_id,
    nces_school_id,
    site_code,
)

__all__ = [
    "GRADE_ORDER",
    "STATE_CHOICES",
    "US_STATES",
    "Closure",
    "Department",
    "District",
    "Grade",
    "Locale",
    "Person",
    "PersonQuerySet",
    "Site",
    "SiteQuerySet",
    "WorkingHours",
    "nces_lea_id",
    "nces_school_id",
    "site_code",
]
