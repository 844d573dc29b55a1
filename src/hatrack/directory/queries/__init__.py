"""Reads of the district model that pages, the API, search and the dashboard share.

One module per sub-domain: `people` (search, list, CSV, one record), `places` (the
district, sites, departments), `search` (global search sources), `summary` (the
dashboard). Callers import from the package: `from hatrack.directory import queries`.
"""

from typing import Any

from django.db.models import Model

from hatrack.core.audit import history_of
from hatrack.core.audit_changes import describe_changes
from hatrack.directory.queries.people import (
    GRADE_LABELS,
    PERSON_CSV_HEADER,
    PERSON_LIST_COLUMNS,
    PERSON_ORDER,
    ROLE_LABELS,
    people_matching,
    person_account,
    person_csv_rows,
    person_detail,
    person_list_rows,
    person_search,
    present_person_rows,
    site_choices,
)
from hatrack.directory.queries.places import (
    KIND_LABELS,
    ROLE_PLURALS,
    SITE_ORDER,
    department_detail,
    department_list_rows,
    department_people,
    district,
    present_department_rows,
    present_site_rows,
    site_departments,
    site_list_rows,
    site_people_by_role,
    site_people_sample,
)
from hatrack.directory.queries.search import search_departments, search_people, search_sites
from hatrack.directory.queries.summary import directory_summary, latest_import


def history(obj: Model) -> list[dict[str, Any]]:
    """The audit trail of one record, newest first, in words for its page."""
    return [
        {
            "at": entry.at,
            "actor_name": entry.actor_name,
            "action_label": entry.get_action_display(),
            "summary": entry.summary,
            "changes": describe_changes(entry, type(obj)),
        }
        for entry in history_of(obj)
    ]


__all__ = [
    "GRADE_LABELS",
    "KIND_LABELS",
    "PERSON_CSV_HEADER",
    "PERSON_LIST_COLUMNS",
    "PERSON_ORDER",
    "ROLE_LABELS",
    "ROLE_PLURALS",
    "SITE_ORDER",
    "department_detail",
    "department_list_rows",
    "department_people",
    "directory_summary",
    "district",
    "history",
    "latest_import",
    "people_matching",
    "person_account",
    "person_csv_rows",
    "person_detail",
    "person_list_rows",
    "person_search",
    "present_department_rows",
    "present_person_rows",
    "present_site_rows",
    "search_departments",
    "search_people",
    "search_sites",
    "site_choices",
    "site_departments",
    "site_list_rows",
    "site_people_by_role",
    "site_people_sample",
]
