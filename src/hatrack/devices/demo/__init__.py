"""The demo district's devices: Cedar Hollow's 1:1 Chromebooks, staff laptops, classroom
displays, network gear and printers, with six years of purchases, check-outs, repairs,
loaners and fees.

Deterministic for a given day (the generator is seeded; purchase waves and auto-update
expirations count from the current school year, so the fleet's age mix is the same
whenever it is loaded) and fast: devices, check-outs, repairs and fees are built as
plain rows with their ids and written in a few bulk inserts (COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from hatrack.devices.demo import campus
from hatrack.devices.demo.catalog import (
    ACCESSORIES,
    FUNDS,
    MODELS,
    VENDORS,
)
from hatrack.devices.demo.fleet import Fleet, funds_by_key
from hatrack.devices.demo.ledger import Clock, Ledger
from hatrack.devices.demo.repairs import RepairShop
from hatrack.devices.models import (
    Assignment,
    Category,
    Device,
    DeviceModel,
    Fee,
    FeePayment,
    Kit,
    Repair,
    RepairPart,
    ScanSession,
)
from hatrack.directory.models import FundingSource, Person, Vendor
from hatrack.servicedesk.demo import insert_rows

# The ledger's kinds of row, in the order they are written (each may point at the ones
# before): the model and whether the ids were given (the sequence moves past them).
TABLES: list[tuple[str, type[models.Model]]] = [
    ("device", Device),
    ("session", ScanSession),
    ("assignment", Assignment),
    ("repair", Repair),
    ("part", RepairPart),
    ("fee", Fee),
    ("payment", FeePayment),
]
DOMAIN = "cedarhollow.example"


def load(rng: random.Random, context: Any) -> None:
    """Catalog, vendors, funding sources and rooms; then the fleet and its history."""
    district = context.records["district"]
    zone = ZoneInfo(district.time_zone)
    today = timezone.now().astimezone(zone).date()
    clock = Clock(dt.datetime.combine(today, dt.time.min, zone).astimezone(dt.UTC), zone)
    catalog = _catalog(clock)
    vendors = _vendors()
    funds = funds_by_key(_funds())
    kit = Kit.objects.create(
        name="Chromebook kit", category=Category.CHROMEBOOK, accessories=ACCESSORIES
    )
    users = context.records.get("users", {})
    staff_users = {role: getattr(users.get(role), "pk", None) for role in ("technician", "leader")}
    ledger = Ledger({kind: _next_id(model) for kind, model in TABLES})
    shop = RepairShop(rng, clock, ledger, vendors, staff_users)
    fleet = Fleet(
        rng, clock, ledger, shop, catalog, vendors, funds, kit.pk, staff_users["technician"]
    )
    places, students, staff = _people(context)
    for place in places.values():
        fleet.school_stock(place, students.count_at(place.id))
    for person in students.rows:
        fleet.student(person, places[person[1]])
    fleet.finish_loaners()
    laptops = campus.staff_laptops(fleet, staff, places)
    campus.room_devices(fleet, places)
    _write(ledger)
    statuses = Counter(row["status"] for row in ledger.of("device"))
    context.records["device_kit"] = kit
    context.counts.update(
        devices=len(ledger.of("device")),
        **{
            "devices deployed": statuses["deployed"],
            "staff laptops": laptops,
            "device check-outs": len(ledger.of("assignment")),
            "repairs": len(ledger.of("repair")),
            "device fees": len(ledger.of("fee")),
        },
    )


class Students:
    def __init__(self, rows: list[tuple[int, int, str, str, bool]]) -> None:
        self.rows = rows
        self.per_site = Counter(site for _, site, _, _, active in rows if active)

    def count_at(self, site: int) -> int:
        return self.per_site[site]


def _people(context: Any) -> tuple[dict[int, Any], Students, list[dict[str, Any]]]:
    sites = list(context.records["sites"].values())
    columns = ("id", "primary_site_id", "role", "department__code", "email", "active")
    staff = [dict(row) for row in Person.objects.staff().order_by("id").values(*columns)]
    teachers = Counter(p["primary_site_id"] for p in staff if p["role"] == Person.Role.TEACHER)
    places = campus.rooms([(site, teachers[site.pk]) for site in sites])
    rows = list(
        Person.objects.filter(role=Person.Role.STUDENT, grade__in=GRADES_WITH_DEVICES)
        .order_by("id")
        .values_list("id", "primary_site_id", "grade", "email", "active")
    )
    return places, Students(rows), staff


GRADES_WITH_DEVICES = ["03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]


def _catalog(clock: Clock) -> dict[str, int]:
    made = DeviceModel.objects.bulk_create(
        [
            DeviceModel(
                manufacturer=plan.manufacturer,
                name=plan.name,
                category=plan.category,
                expected_life_years=plan.life,
                replacement_cost=plan.price,
                auto_update_expiration=None
                if plan.aue is None
                else dt.date(clock.year + plan.aue, 6, 1),
                active=plan.aue is None or plan.aue >= 0,
            )
            for plan in MODELS
        ]
    )
    return {plan.key: model.pk for plan, model in zip(MODELS, made, strict=True)}


def _vendors() -> dict[str, int]:
    made = Vendor.objects.bulk_create(
        [
            Vendor(
                name=plan.name,
                website=plan.website,
                phone=plan.phone,
                account_number=plan.account,
                notes=plan.notes,
                email=f"k12-support@{plan.name.split()[0].lower().replace('-', '')}.example",
            )
            for plan in VENDORS
        ]
    )
    return {vendor.name: vendor.pk for vendor in made}


def _funds() -> dict[str, int]:
    made = FundingSource.objects.bulk_create(
        [
            FundingSource(
                name=plan.name,
                code=plan.code,
                kind=plan.kind,
                recurring=plan.recurring,
                ends_on=dt.date.fromisoformat(plan.ends_on) if plan.ends_on else None,
                active=not plan.ends_on or plan.ends_on > "2024-09-30",
            )
            for plan in FUNDS
        ]
    )
    return {fund.name: fund.pk for fund in made}


def _next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(top=Max("id"))["top"] or 0) + 1


def _write(ledger: Ledger) -> None:
    """Every row, table by table; then each id sequence moves past the ids given."""
    for kind, model in TABLES:
        insert_rows(model, ledger.of(kind))
    with connection.cursor() as cursor:
        models_written = [model for _, model in TABLES]
        for statement in connection.ops.sequence_reset_sql(no_style(), models_written):
            cursor.execute(statement)
