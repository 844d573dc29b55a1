"""A synthetic device fleet for the benchmarks: models, rooms, devices and who holds them.

    from synthetic_district import start_django
    from synthetic_fleet import build_fleet

    start_django(name="fleet")      # a temporary SQLite file, or DATABASE_URL (recreated)
    build_fleet(600_000)            # migrates, loads people, then the fleet

`build_fleet(devices, seed=...)` migrates the benchmark database, loads the synthetic
district of `synthetic_district` (40 sites; one person for every 4/3 devices, so most
students hold a Chromebook), then writes, the same for the same seed:

- 30 device models (Chromebooks with auto-update expiration dates from 2021 on, Windows
  laptops, Macs, iPads, displays, printers, access points, switches, phones, hotspots);
- 4 vendors, 5 funding sources, 30 rooms per site;
- `devices` devices, spread like a 1:1 district: about 70% deployed (85% of those to a
  person of their site, the rest to a room), 12% in stock, 2% on loan, 3% in repair,
  2% lost, 1% stolen, 7% retired and 3% disposed; bought over seven years with costs,
  warranties and console data; serial numbers scattered (not in insertion order) behind
  a prefix per manufacturer, asset tags `MV1000000`... on 95% of them;
- one open `Assignment` for every deployed or loaner device, as check-out writes it.

Rows go in with COPY on PostgreSQL and batched `executemany` on SQLite, then ANALYZE
(VACUUM ANALYZE on PostgreSQL). Serial numbers are `<prefix><9 digits>`: the digits are
`n * 2654435761 mod 10**9`, unique for n below a billion; `serial_for(n)` and
`asset_tag_for(n)` give device n's codes, for scripts that need known devices.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from synthetic_district import load_people

BATCH = 10_000
ROOMS_PER_SITE = 30
# (manufacturer, name, category, serial prefix, weight, AUE year or None, cost)
MODELS: tuple[tuple[str, str, str, str, int, int | None, str], ...] = (
    ("Lenovo", "300e Chromebook Gen 2", "chromebook", "PF", 60, 2024, "279.00"),
    ("Lenovo", "300e Chromebook Gen 3", "chromebook", "PF", 90, 2029, "299.00"),
    ("Lenovo", "100e Chromebook Gen 4", "chromebook", "PF", 80, 2033, "259.00"),
    ("Dell", "Chromebook 3100", "chromebook", "DL", 70, 2026, "289.00"),
    ("Dell", "Chromebook 3110", "chromebook", "DL", 70, 2031, "309.00"),
    ("HP", "Chromebook 11 G8 EE", "chromebook", "5CD", 60, 2027, "269.00"),
    ("HP", "Chromebook 11 G9 EE", "chromebook", "5CD", 60, 2032, "289.00"),
    ("Acer", "Chromebook Spin 511", "chromebook", "NX", 50, 2030, "319.00"),
    ("Acer", "Chromebook 311", "chromebook", "NX", 40, 2021, "229.00"),
    ("Google", "Pixelbook Go", "chromebook", "GG", 2, 2026, "649.00"),
    ("Dell", "Latitude 3440", "windows", "DL", 20, None, "899.00"),
    ("Dell", "Latitude 5440", "windows", "DL", 15, None, "1149.00"),
    ("Lenovo", "ThinkPad L14", "windows", "PF", 12, None, "999.00"),
    ("HP", "ProBook 440 G10", "windows", "5CD", 10, None, "949.00"),
    ("Apple", "MacBook Air 13-inch M2", "mac", "C02", 6, None, "1099.00"),
    ("Apple", "MacBook Pro 14-inch", "mac", "C02", 2, None, "1999.00"),
    ("Apple", "iPad 10th generation", "tablet", "DMP", 25, None, "349.00"),
    ("Apple", "iPad 9th generation", "tablet", "DMP", 15, None, "329.00"),
    ("Samsung", "Galaxy Tab A8", "tablet", "R9", 5, None, "229.00"),
    ("Dell", "OptiPlex 7010", "desktop", "DL", 10, None, "849.00"),
    ("HP", "EliteDesk 800 G9", "desktop", "5CD", 6, None, "899.00"),
    ("Epson", "BrightLink 725Wi", "display", "X4", 4, None, "1899.00"),
    ("Promethean", "ActivPanel 9 75-inch", "display", "PRM", 6, None, "3999.00"),
    ("Brother", "HL-L6200DW", "printer", "U6", 3, None, "379.00"),
    ("HP", "LaserJet Pro M404", "printer", "VNB", 3, None, "429.00"),
    ("Ubiquiti", "UniFi U6 Pro", "access_point", "UB", 5, None, "159.00"),
    ("Aruba", "AP-515", "access_point", "CNH", 4, None, "699.00"),
    ("Cisco", "Catalyst 9200L-48P", "switch", "FOC", 2, None, "4299.00"),
    ("Yealink", "T54W", "phone", "YL", 4, None, "199.00"),
    ("Kajeet", "SmartSpot 500", "hotspot", "KJ", 3, None, "149.00"),
)
STATUSES = (
    ("deployed", 70),
    ("in_stock", 12),
    ("loaner", 2),
    ("in_repair", 3),
    ("lost", 2),
    ("stolen", 1),
    ("retired", 7),
    ("disposed", 3),
)
CONDITIONS = (("good", 70), ("new", 10), ("fair", 15), ("poor", 4), ("broken", 1))
FUNDS = (
    ("General fund", "general", True),
    ("E-Rate 2024", "erate", True),
    ("ESSER III", "one_time", False),
    ("Technology bond 2022", "bond", False),
    ("Digital equity grant", "grant", False),
)
VENDORS = ("CDW-G", "SHI", "Dell Technologies", "Apple Education")
DEVICE_FIELDS = (
    "serial_number", "asset_tag", "model_id", "status", "condition", "site_id", "room_id",
    "holder_id", "holder_since", "purchase_order", "purchased_on", "cost",
    "funding_source_id", "vendor_id", "warranty_ends_on", "auto_update_expiration",
    "wifi_mac", "ethernet_mac", "console", "console_id", "org_unit", "os_version",
    "last_checkin_at", "console_user", "console_seen_at", "notes", "custom", "created_at",
    "updated_at",
)  # fmt: skip
ASSIGNMENT_FIELDS = (
    "device_id", "kind", "holder_id", "room_id", "site_id", "accessories_out",
    "condition_out", "checked_out_at", "accessories_in", "condition_in", "notes",
)  # fmt: skip
NOW = dt.datetime(2026, 11, 1, 15, 0, tzinfo=dt.UTC)


def serial_for(n: int, prefix: str = "") -> str:
    """Device n's serial number digits behind `prefix` (its manufacturer's)."""
    return f"{prefix}{(n * 2654435761) % 10**9:09d}"


def asset_tag_for(n: int) -> str | None:
    """Device n's asset tag; every twentieth device has none yet."""
    return None if n % 20 == 19 else f"MV{1_000_000 + n}"


def use_existing(database_url: str) -> None:
    """Point Django at a database a previous `build_fleet` filled, without recreating it
    (for re-running a benchmark: building 600,000 devices takes minutes)."""
    import os
    import sys
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ["HATRACK_DATA_DIR"] = tempfile.mkdtemp(prefix="hatrack-fleet-")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hatrack.settings")
    import django

    django.setup()
    print(f"database: {database_url.split('@')[-1]} (existing)")


def build_fleet(devices: int, *, seed: int = 1) -> None:
    """Migrate, load the district's people, and write a fleet of `devices` devices."""
    people = max(1_000, devices * 3 // 4)
    load_people(people, seed=seed)
    started = time.perf_counter()
    lookups = _load_catalog(seed)
    _load_devices(devices, seed, lookups)
    _analyze()
    elapsed = time.perf_counter() - started
    print(f"loaded {devices:,} devices in {elapsed:.1f} s ({devices / elapsed:,.0f} rows/s)")


def _load_catalog(seed: int) -> dict[str, Any]:
    """Models, vendors, funding sources and rooms; the ids the device rows refer to."""
    from hatrack.devices.models import DeviceModel
    from hatrack.directory.models import FundingSource, Person, Room, Site, Vendor

    DeviceModel.objects.bulk_create(
        DeviceModel(
            manufacturer=maker, name=name, category=category,
            auto_update_expiration=dt.date(aue, 6, 1) if aue else None,
            expected_life_years=5 if category == "chromebook" else 6,
            replacement_cost=Decimal(cost),
        )
        for maker, name, category, _, _, aue, cost in MODELS
    )  # fmt: skip
    Vendor.objects.bulk_create(Vendor(name=name) for name in VENDORS)
    FundingSource.objects.bulk_create(
        FundingSource(name=name, kind=kind, recurring=recurring) for name, kind, recurring in FUNDS
    )
    sites = list(Site.objects.order_by("id").values_list("id", flat=True))
    Room.objects.bulk_create(
        Room(site_id=site, name=f"Room {100 + n}", kind="classroom" if n else "storage")
        for site in sites
        for n in range(ROOMS_PER_SITE)
    )
    rooms: dict[int, list[int]] = {}
    for room, site in Room.objects.values_list("id", "site_id"):
        rooms.setdefault(site, []).append(room)
    holders: dict[int, list[int]] = {}
    active = Person.objects.filter(active=True).values_list("id", "primary_site_id")
    for person, site in active.iterator(chunk_size=BATCH):
        holders.setdefault(site, []).append(person)
    model_ids = dict(DeviceModel.objects.values_list("name", "id"))  # unique in MODELS
    return {
        "sites": sites,
        "rooms": rooms,
        "holders": holders,
        "models": [(model_ids[m[1]], m) for m in MODELS],
        "vendors": list(Vendor.objects.order_by("id").values_list("id", flat=True)),
        "funds": list(FundingSource.objects.order_by("id").values_list("id", flat=True)),
    }


def _device_rows(
    count: int, seed: int, lookups: dict[str, Any], assignments: list[tuple[Any, ...]]
) -> Iterator[tuple[Any, ...]]:
    """`count` device rows (DEVICE_FIELDS); appends (serial, holder, room, site, status,
    since) for every device that is out, to become its open assignment."""
    rng = random.Random(seed)
    models = lookups["models"]
    model_weights = list(itertools.accumulate(m[1][4] for m in models))
    statuses, status_weights = _cumulative(STATUSES)
    conditions, condition_weights = _cumulative(CONDITIONS)
    sites, rooms, holders = lookups["sites"], lookups["rooms"], lookups["holders"]
    when, day = _formats()
    for n in range(count):
        model = rng.choices(models, cum_weights=model_weights)[0]
        model_id, (_, _, category, prefix, _, _, cost) = model
        status = rng.choices(statuses, cum_weights=status_weights)[0]
        site = sites[rng.randrange(len(sites))]
        bought = dt.date(2019, 7, 1) + dt.timedelta(days=rng.randrange(7 * 365))
        holder = room = since = None
        if status in ("deployed", "loaner"):
            since = NOW - dt.timedelta(days=rng.randrange(1, 400), minutes=rng.randrange(600))
            if category in ("chromebook", "windows", "mac", "tablet", "hotspot") and (
                rng.random() < 0.85 and holders.get(site)
            ):
                holder = rng.choice(holders[site])
            else:
                room = rng.choice(rooms[site])
        elif status in ("in_stock", "in_repair"):
            room = rooms[site][0]  # the site's storage room
        chromebook = category == "chromebook"
        mac = f"{rng.getrandbits(48):012x}"
        serial = serial_for(n, prefix)
        if since is not None:
            assignments.append((serial, holder, room, site, status, when(since)))
        yield (
            serial,
            asset_tag_for(n),
            model_id,
            status,
            rng.choices(conditions, cum_weights=condition_weights)[0],
            site,
            room,
            holder,
            when(since),
            f"PO-{bought.year}-{rng.randrange(1, 400):04d}",
            day(bought),
            cost,
            rng.choice(lookups["funds"]),
            rng.choice(lookups["vendors"]),
            day(bought + dt.timedelta(days=365 * rng.choice((1, 3, 3, 4)))),
            None,
            ":".join(mac[i : i + 2] for i in range(0, 12, 2)),
            "",
            "google" if chromebook else ("intune" if category == "windows" else ""),
            f"{rng.getrandbits(64):016x}" if chromebook or category == "windows" else "",
            f"/Students/Site {site}" if chromebook else "",
            f"{120 + rng.randrange(12)}.0.{rng.randrange(6000, 7000)}" if chromebook else "",
            when(NOW - dt.timedelta(hours=rng.randrange(1, 2000))) if chromebook else None,
            "",
            None,
            "",
            "{}",
            when(NOW),
            when(NOW),
        )


def _load_devices(count: int, seed: int, lookups: dict[str, Any]) -> None:
    from django.db import connection, transaction

    from hatrack.devices.models import Device

    out: list[tuple[Any, ...]] = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Random serial numbers land all over the indexes: keep them in memory.
            cursor.execute("PRAGMA cache_size=-1000000")
    with transaction.atomic():
        insert("devices_device", DEVICE_FIELDS, _device_rows(count, seed, lookups, out))
        ids = dict(Device.objects.values_list("serial_number", "id").iterator(chunk_size=BATCH))
        rows = (
            (ids[serial], "loaner" if status == "loaner" else "checkout", holder, room, site,
             '["charger"]', "good", since, "[]", "", "")
            for serial, holder, room, site, status, since in out
        )  # fmt: skip
        insert("devices_assignment", ASSIGNMENT_FIELDS, rows)


def insert(table: str, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write plain rows: COPY on PostgreSQL, executemany in batches on SQLite."""
    from django.db import connection

    columns = ", ".join(fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Table and column names are constants of this module, never input.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        cursor.executemany(sql, batch)


def _cumulative(pairs: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [p for p, _ in pairs], list(itertools.accumulate(w for _, w in pairs))


def _formats() -> tuple[Any, Any]:
    """How times and dates go in: as they are for COPY; on SQLite as Django stores them
    (UTC as naive ISO text, dates as ISO text), converted once here rather than per value."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return (lambda value: value), (lambda value: value)

    def when(value: dt.datetime | None) -> str | None:
        return None if value is None else value.replace(tzinfo=None).isoformat(" ")

    return when, dt.date.isoformat


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # What autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) does after a load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


__all__ = ["asset_tag_for", "build_fleet", "serial_for", "use_existing"]
