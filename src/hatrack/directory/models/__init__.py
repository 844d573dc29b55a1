"""The district model: district, sites, rooms, departments, people, vendors and funding
sources, and the school calendar."""

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
from hatrack.directory.models.places import Room
from hatrack.directory.models.vendors import FundingSource, Vendor

__all__ = [
    "GRADE_ORDER",
    "STATE_CHOICES",
    "US_STATES",
    "Closure",
    "Department",
    "District",
    "FundingSource",
    "Grade",
    "Locale",
    "Person",
    "PersonQuerySet",
    "Room",
    "Site",
    "SiteQuerySet",
    "Vendor",
    "WorkingHours",
    "nces_lea_id",
    "nces_school_id",
    "site_code",
]
