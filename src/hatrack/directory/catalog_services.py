"""Changes to the district's shared lists: rooms at sites, vendors and funding sources.

Like the directory's other services: keyword-only, the whole record validated before
writing (field validators, unique names, constraints), one transaction with its audit
entry. Invalid input raises ValidationError with a message per field and writes nothing.
These rows are never deleted (devices, repairs and budgets name them); `active=False`
takes one out of the pickers.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypedDict, TypeVar, Unpack

from django.core.exceptions import ValidationError
from django.db import models, transaction

from hatrack.core import audit
from hatrack.directory.models import FundingSource, Room, Site, Vendor

if TYPE_CHECKING:
    from hatrack.accounts.models import User

Record = TypeVar("Record", Room, Vendor, FundingSource)


class RoomValues(TypedDict, total=False):
    name: str
    kind: str
    active: bool


class VendorValues(TypedDict, total=False):
    name: str
    website: str
    email: str
    phone: str
    account_number: str
    notes: str
    active: bool


class FundingSourceValues(TypedDict, total=False):
    name: str
    code: str
    kind: str
    recurring: bool
    ends_on: datetime.date | None
    active: bool


def _assign(obj: models.Model, values: dict[str, object]) -> None:
    known = {f.name for f in obj._meta.get_fields()}
    for name, value in values.items():
        if name not in known:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def _check_name_free(obj: Record, others: models.QuerySet[Record], what: str) -> None:
    """Names differing only in case would look like one record in a picker."""
    if others.filter(name__iexact=obj.name).exclude(pk=obj.pk).exists():
        raise ValidationError({"name": f"{what} is already called {obj.name}."})


def _save(obj: Record, others: models.QuerySet[Record], what: str) -> None:
    _check_name_free(obj, others, what)
    obj.full_clean()
    obj.save()


def _create(obj: Record, others: models.QuerySet[Record], what: str, by: User | None) -> Record:
    with transaction.atomic():
        _save(obj, others, what)
        audit.record_create(obj, by=by)
    return obj


def _update(
    obj: Record,
    values: dict[str, object],
    others: models.QuerySet[Record],
    what: str,
    by: User | None,
) -> Record:
    before = audit.snapshot(obj)
    _assign(obj, values)
    with transaction.atomic():
        _save(obj, others, what)
        audit.record_update(obj, before, by=by)
    return obj


# --- Rooms ------------------------------------------------------------------------------


def create_room(*, site: Site, by: User | None, **values: Unpack[RoomValues]) -> Room:
    """Add a room to `site`. Raises ValidationError when the site already has a room of
    that name (in any case) or the name is empty."""
    room = Room(site=site)
    _assign(room, dict(values))
    return _create(room, Room.objects.filter(site=site), "Another room at this site", by)


def update_room(*, room: Room, by: User | None, **values: Unpack[RoomValues]) -> Room:
    """Rename a room, change its kind, or take it out of use. A room stays at its site."""
    others = Room.objects.filter(site_id=room.site_id)
    return _update(room, dict(values), others, "Another room at this site", by)


# --- Vendors ---------------------------------------------------------------------------


def create_vendor(*, by: User | None, **values: Unpack[VendorValues]) -> Vendor:
    """Add a vendor. Raises ValidationError (name taken, bad email or website...)."""
    vendor = Vendor()
    _assign(vendor, dict(values))
    return _create(vendor, Vendor.objects.all(), "Another vendor", by)


def update_vendor(*, vendor: Vendor, by: User | None, **values: Unpack[VendorValues]) -> Vendor:
    """Change a vendor's facts (including `active`). Audited with before/after."""
    return _update(vendor, dict(values), Vendor.objects.all(), "Another vendor", by)


# --- Funding sources -------------------------------------------------------------------


def create_funding_source(
    *, by: User | None, **values: Unpack[FundingSourceValues]
) -> FundingSource:
    """Add a funding source. Raises ValidationError (name taken...)."""
    source = FundingSource()
    _assign(source, dict(values))
    return _create(source, FundingSource.objects.all(), "Another funding source", by)


def update_funding_source(
    *, source: FundingSource, by: User | None, **values: Unpack[FundingSourceValues]
) -> FundingSource:
    """Change a funding source's facts (including `active`). Audited with before/after."""
    return _update(source, dict(values), FundingSource.objects.all(), "Another funding source", by)
