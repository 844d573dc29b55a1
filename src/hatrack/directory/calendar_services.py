"""Changes to the school calendar: working hours (the district's and a site's own) and
closures (holidays, breaks, snow days).

Like the directory's other services: keyword-only, validated before writing, one
transaction, every row created, changed or removed audited in it. Invalid input raises
`ValidationError` with a message per field and writes nothing. Service-level targets of
tickets already open keep their due times; new targets count on the new calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction

from hatrack.core import audit
from hatrack.directory.models import Closure, Site, WorkingHours

if TYPE_CHECKING:
    from hatrack.accounts.models import User

# weekday (0 = Monday) -> (opens, closes); a weekday left out is closed.
WeekHours = Mapping[int, tuple[dt.time, dt.time]]


def _check_week(week: WeekHours) -> None:
    errors = {}
    for weekday, (opens, closes) in week.items():
        if weekday not in WorkingHours.Weekday.values:
            raise ValueError(f"No weekday {weekday!r}")
        if closes <= opens:
            name = WorkingHours.Weekday(weekday).label
            errors[f"day_{weekday}"] = f"{name}: closing time must be after opening time."
    if errors:
        raise ValidationError(errors)


def set_working_hours(*, site: Site | None, week: WeekHours | None, by: User | None) -> None:
    """Set the week of working hours of `site` (None: the district's default hours).

    `week` None (for a site) removes the site's own hours, so it follows the district's
    again. Rows for days that keep their hours are left untouched; each added, changed or
    removed day is audited.
    """
    if site is None and week is None:
        raise ValueError("The district's hours can be emptied, not removed: pass {}.")
    wanted = dict(week or {})
    _check_week(wanted)
    with transaction.atomic():
        # Ordered by weekday alone: the model's ordering joins the nullable site, and
        # PostgreSQL refuses FOR UPDATE on an outer join.
        rows = WorkingHours.objects.select_for_update().filter(site=site).order_by("weekday")
        current = {row.weekday: row for row in rows}
        for weekday, row in current.items():
            if weekday not in wanted:
                audit.record_delete(row, by=by)
                row.delete()
        for weekday, (opens, closes) in wanted.items():
            _put_day(current.get(weekday), site, weekday, opens, closes, by)


def _put_day(
    row: WorkingHours | None,
    site: Site | None,
    weekday: int,
    opens: dt.time,
    closes: dt.time,
    by: User | None,
) -> None:
    if row is None:
        row = WorkingHours(site=site, weekday=weekday, opens=opens, closes=closes)
        row.full_clean()
        row.save()
        audit.record_create(row, by=by)
        return
    if (row.opens, row.closes) == (opens, closes):
        return
    before = audit.snapshot(row)
    row.opens, row.closes = opens, closes
    row.full_clean()
    row.save()
    audit.record_update(row, before, by=by)


class ClosureValues(TypedDict, total=False):
    name: str
    kind: str
    start_date: dt.date
    end_date: dt.date
    site: Site | None


def _save_closure(closure: Closure) -> None:
    closure.name = closure.name.strip()
    if closure.start_date and closure.end_date and closure.end_date < closure.start_date:
        raise ValidationError({"end_date": "The last day comes before the first; swap them."})
    closure.full_clean()
    closure.save()


def create_closure(*, by: User | None, **values: Unpack[ClosureValues]) -> Closure:
    """Add a closure (both dates included) for the district, or one site. Audited."""
    closure = Closure(**values)
    with transaction.atomic():
        _save_closure(closure)
        audit.record_create(closure, by=by)
    return closure


def update_closure(
    *, closure: Closure, by: User | None, **values: Unpack[ClosureValues]
) -> Closure:
    """Change a closure's name, kind, dates or site. Audited with before and after."""
    before = audit.snapshot(closure)
    for name, value in values.items():
        setattr(closure, name, value)
    with transaction.atomic():
        _save_closure(closure)
        audit.record_update(closure, before, by=by)
    return closure


def delete_closure(*, closure: Closure, by: User | None) -> None:
    """Remove a closure entered by mistake (a snow day that never came). Audited first,
    so the trail keeps what it was."""
    with transaction.atomic():
        audit.record_delete(closure, by=by)
        closure.delete()
