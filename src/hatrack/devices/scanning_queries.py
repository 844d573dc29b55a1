"""Reads for the scanner, the one-device check-out and the end-of-year collection report.

The collection report lists open check-outs to people, sorted by the holder's name, with
only the columns it shows (`values()`); a site filter seeks the partial index of open
assignments by site. Exports stream the same query without a page limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hatrack.devices.models import Assignment, Scan, ScanSession
from hatrack.directory.models import Grade, Person
from hatrack.directory.queries.people import PERSON_ORDER, people_matching

LOG_SIZE = 25
PICKER_SIZE = 10
REPORT_ORDER = ("holder__family_key", "holder__given_key", "id")
REPORT_COLUMNS = (
    "id",
    "kind",
    "checked_out_at",
    "due_on",
    "holder_id",
    "holder__family_key",
    "holder__given_key",
    "holder__given_name",
    "holder__family_name",
    "holder__grade",
    "holder__sis_id",
    "device_id",
    "device__asset_tag",
    "device__serial_number",
    "device__model__manufacturer",
    "device__model__name",
    "site__name",
)
GRADE_LABELS = dict(Grade.choices)
KIND_LABELS = dict(Assignment.Kind.choices)


def recent_sessions() -> QuerySet[ScanSession]:
    return ScanSession.objects.select_related("site", "kit", "started_by").only(
        "kind", "started_at", "finished_at", "succeeded", "failed",
        "site__name", "kit__name", "started_by__username",
        "started_by__first_name", "started_by__last_name",
    )  # fmt: skip


def session_log(session: ScanSession, size: int = LOG_SIZE) -> list[Any]:
    """The session's newest scans, newest first, as the page's log shows them."""
    return list(
        Scan.objects.filter(session=session)
        .order_by("-id")
        .values("id", "value", "outcome", "message", "undone", "scanned_at")[:size]
    )


def people_for_picker(text: str) -> list[Person]:
    """Active people a check-out's search names (name, SIS id or email), first 10."""
    if not text.strip():
        return []
    people = people_matching({"q": text}).filter(active=True)
    return list(
        people.order_by(*PERSON_ORDER).only(
            "given_name", "family_name", "sis_id", "grade", "role", "email"
        )[:PICKER_SIZE]
    )


def open_assignments(filters: dict[str, Any]) -> QuerySet[Any]:
    """Devices still out with a person: open check-outs and loaners, filtered."""
    qs = Assignment.objects.filter(checked_in_at__isnull=True, holder__isnull=False)
    if filters.get("site"):
        qs = qs.filter(site=filters["site"])
    if filters.get("grade"):
        qs = qs.filter(holder__grade=filters["grade"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("category"):
        qs = qs.filter(device__model__category=filters["category"])
    rows: QuerySet[Any] = qs.values(*REPORT_COLUMNS)
    return rows


def _device_model(row: dict[str, Any]) -> str:
    maker, name = row["device__model__manufacturer"], row["device__model__name"]
    return name if name.lower().startswith(maker.lower()) else f"{maker} {name}"


def present_report_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "holder": f"{row['holder__family_name']}, {row['holder__given_name']}",
        "holder_id": row["holder_id"],
        "sis_id": row["holder__sis_id"],
        "grade": GRADE_LABELS.get(row["holder__grade"], ""),
        "device": row["device__asset_tag"] or row["device__serial_number"],
        "serial_number": row["device__serial_number"],
        "device_id": row["device_id"],
        "model": _device_model(row),
        "site": row["site__name"] or "",
        "kind": KIND_LABELS.get(row["kind"], ""),
        "since": row["checked_out_at"],
        "due_on": row["due_on"],
    }


def present_report_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [present_report_row(row) for row in rows]


REPORT_CSV_HEADER = (
    "Holder", "SIS id", "Grade", "Site", "Asset tag", "Serial number", "Model",
    "Kind", "Since", "Due back",
)  # fmt: skip


def report_csv_rows(filters: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    for raw in open_assignments(filters).order_by(*REPORT_ORDER).iterator(chunk_size=2000):
        row = present_report_row(raw)
        yield (
            row["holder"], row["sis_id"], row["grade"], row["site"], row["device"],
            row["serial_number"], row["model"], row["kind"],
            timezone.localtime(row["since"]).date(), row["due_on"] or "",
        )  # fmt: skip


def chosen_person(value: Any) -> Person | None:
    """The person a check-out form already picked (kept when the form comes back)."""
    if not value or not str(value).isdigit():
        return None
    return (
        Person.objects.filter(pk=int(value), active=True)
        .only("given_name", "family_name", "sis_id", "grade", "role", "email")
        .first()
    )
