"""Maintenance windows: planned work on systems, announced ahead on the status page.

While a window is active, confirmed failures of its systems (and of systems that depend
on them) open no incident and raise no alert (`incidents.check_confirmed_down` asks
`in_maintenance`). Every change is audited and refreshes the systems' states.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hatrack.core.audit import record_create, record_event, record_update, snapshot
from hatrack.systems.models import MaintenanceWindow, System
from hatrack.systems.services.alerts import announce_maintenance
from hatrack.systems.services.states import refresh_system_states

if TYPE_CHECKING:
    from hatrack.accounts.models import User


def in_maintenance(system_ids: Iterable[int], at: datetime) -> set[int]:
    """The systems among `system_ids` a window (not cancelled) covers at `at`, directly."""
    ids = list(set(system_ids))
    if not ids:
        return set()
    through = MaintenanceWindow.systems.through
    rows = through.objects.filter(
        system_id__in=ids,
        maintenancewindow__cancelled=False,
        maintenancewindow__starts_at__lte=at,
        maintenancewindow__ends_at__gt=at,
    ).values_list("system_id", flat=True)
    return set(rows)


def _validate(
    *, title: str, systems: Sequence[System], starts_at: datetime, ends_at: datetime
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the window a title."
    if not systems:
        errors["systems"] = "Choose at least one system the work affects."
    if ends_at <= starts_at:
        errors["ends_at"] = "The window must end after it starts."
    elif ends_at <= timezone.now():
        errors["ends_at"] = "This time has already passed; a window is planned ahead."
    if errors:
        raise ValidationError(errors)


def _announce(window: MaintenanceWindow) -> None:
    if window.public:
        announce_maintenance(window)


def schedule_maintenance(
    *,
    title: str,
    description: str,
    systems: Sequence[System],
    starts_at: datetime,
    ends_at: datetime,
    public: bool,
    by: User | None,
) -> MaintenanceWindow:
    """Plan a window; a public one is announced to status page subscribers on commit.
    Raises ValidationError (by field) for a missing title or systems, or bad times."""
    _validate(title=title, systems=systems, starts_at=starts_at, ends_at=ends_at)
    with transaction.atomic():
        window = MaintenanceWindow.objects.create(
            title=title.strip(),
            description=description.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            public=public,
            created_by=by,
        )
        window.systems.set(systems)
        record_create(window, by=by)
        _announce(window)
        refresh_system_states(s.pk for s in systems)
    return window


def update_maintenance(
    *,
    window: MaintenanceWindow,
    title: str,
    description: str,
    systems: Sequence[System],
    starts_at: datetime,
    ends_at: datetime,
    public: bool,
    by: User | None,
) -> MaintenanceWindow:
    """Change a window that is not cancelled; made public now, it is announced then."""
    if window.cancelled:
        raise ValidationError("This window was cancelled; schedule a new one instead.")
    _validate(title=title, systems=systems, starts_at=starts_at, ends_at=ends_at)
    with transaction.atomic():
        before = snapshot(window)
        old_ids = set(window.systems.values_list("pk", flat=True))
        was_public = window.public
        window.title, window.description = title.strip(), description.strip()
        window.starts_at, window.ends_at, window.public = starts_at, ends_at, public
        window.save()
        window.systems.set(systems)
        new_ids = {s.pk for s in systems}
        record_update(window, before, by=by)
        if old_ids != new_ids:
            record_event(
                window,
                by=by,
                summary="Changed the systems the work affects",
                changes={"systems": [sorted(old_ids), sorted(new_ids)]},
            )
        if public and not was_public:
            _announce(window)
        refresh_system_states(old_ids | new_ids)
    return window


def cancel_maintenance(*, window: MaintenanceWindow, by: User | None) -> MaintenanceWindow:
    """Call the work off; its systems' states are recomputed. Cancelling twice is a no-op."""
    if window.cancelled:
        return window
    with transaction.atomic():
        before = snapshot(window)
        window.cancelled = True
        window.save(update_fields=["cancelled", "updated_at"])
        record_update(window, before, by=by)
        refresh_system_states(window.systems.values_list("pk", flat=True))
    return window
