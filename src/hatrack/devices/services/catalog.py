"""The catalog: device models and kits, added and changed by the technology leader.

Each function is keyword-only, validates the whole record (field validators, the unique
make and model, the constraints) before writing, writes in one transaction and records
the audit entry in it. Invalid input raises ValidationError with a message per field and
writes nothing. Models and kits are never deleted (devices and past check-outs name
them); `active=False` takes them out of the pickers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import models, transaction

from hatrack.core import audit
from hatrack.devices.models import Category, DeviceModel, Kit

if TYPE_CHECKING:
    from hatrack.accounts.models import User

MAX_ACCESSORIES = 10
MAX_ACCESSORY_LENGTH = 40


class DeviceModelValues(TypedDict, total=False):
    manufacturer: str
    name: str
    category: str
    auto_update_expiration: datetime.date | None
    expected_life_years: int
    replacement_cost: Decimal | None
    notes: str
    active: bool


class KitValues(TypedDict, total=False):
    name: str
    category: str
    accessories: Iterable[str]
    active: bool


def _assign(obj: models.Model, values: dict[str, object]) -> None:
    known = {f.name for f in obj._meta.get_fields()}
    for name, value in values.items():
        if name not in known:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def clean_accessories(items: Iterable[str]) -> list[str]:
    """['Charger ', 'charger', 'Case'] -> ['charger', 'case']: trimmed, lower case, each
    once, in the order given. Raises ValidationError (field `accessories`) past 10 items
    or for one longer than 40 characters."""
    cleaned = list(dict.fromkeys(i.strip().lower() for i in items if i and i.strip()))
    too_long = [i for i in cleaned if len(i) > MAX_ACCESSORY_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "accessories": f"Keep each accessory to {MAX_ACCESSORY_LENGTH} characters "
                f"(“{too_long[0][:MAX_ACCESSORY_LENGTH]}…” is longer)."
            }
        )
    if len(cleaned) > MAX_ACCESSORIES:
        raise ValidationError(
            {"accessories": f"A kit holds at most {MAX_ACCESSORIES} accessories."}
        )
    return cleaned


# --- Device models ------------------------------------------------------------------


def _check_chromeos_date(device_model: DeviceModel) -> None:
    if device_model.auto_update_expiration and device_model.category not in (
        Category.CHROMEBOOK,
        Category.TABLET,
        Category.DESKTOP,
        Category.OTHER,
    ):
        raise ValidationError(
            {
                "auto_update_expiration": "Only ChromeOS models (Chromebooks, Chromebox "
                "desktops, ChromeOS tablets) have an auto-update expiration."
            }
        )


def _save_device_model(device_model: DeviceModel) -> None:
    device_model.full_clean()
    _check_chromeos_date(device_model)
    device_model.save()


def create_device_model(*, by: User | None, **values: Unpack[DeviceModelValues]) -> DeviceModel:
    """Add a make and model to the catalog. Raises ValidationError (already in the
    catalog, expected life outside 1-20 years, negative cost...)."""
    device_model = DeviceModel()
    _assign(device_model, dict(values))
    with transaction.atomic():
        _save_device_model(device_model)
        audit.record_create(device_model, by=by)
    return device_model


def update_device_model(
    *, device_model: DeviceModel, by: User | None, **values: Unpack[DeviceModelValues]
) -> DeviceModel:
    """Change a model's facts (including `active`). Audited with before/after."""
    before = audit.snapshot(device_model)
    _assign(device_model, dict(values))
    with transaction.atomic():
        _save_device_model(device_model)
        audit.record_update(device_model, before, by=by)
    return device_model


# --- Kits ------------------------------------------------------------------------------


def _save_kit(kit: Kit, accessories: Iterable[str] | None) -> None:
    if accessories is not None:
        kit.accessories = clean_accessories(accessories)
    # Names differing only in case would look like one kit in the scanner's picker.
    if Kit.objects.filter(name__iexact=kit.name).exclude(pk=kit.pk).exists():
        raise ValidationError({"name": f"Another kit is already called {kit.name}."})
    kit.full_clean()
    kit.save()


def create_kit(*, by: User | None, **values: Unpack[KitValues]) -> Kit:
    """Add a kit: a name, the kind of device it goes with (or any) and its accessories,
    cleaned by `clean_accessories`. Raises ValidationError (name taken, too many...)."""
    fields = dict(values)
    accessories = fields.pop("accessories", ())
    kit = Kit()
    _assign(kit, fields)
    with transaction.atomic():
        _save_kit(kit, accessories)  # type: ignore[arg-type]
        audit.record_create(kit, by=by)
    return kit


def update_kit(*, kit: Kit, by: User | None, **values: Unpack[KitValues]) -> Kit:
    """Change a kit. Check-outs already made keep the accessories they went out with."""
    before = audit.snapshot(kit)
    fields = dict(values)
    accessories = fields.pop("accessories", None)
    _assign(kit, fields)
    with transaction.atomic():
        _save_kit(kit, accessories)  # type: ignore[arg-type]
        audit.record_update(kit, before, by=by)
    return kit
