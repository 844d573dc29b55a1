"""The demo district's rooms, and what is in them or with its staff: classroom displays,
access points and switches, printers, and a laptop for every teacher and office worker."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from typing import Any

from hatrack.devices.demo.catalog import DISPLAY_WAVES, MAC_SHARE, STAFF_WAVES
from hatrack.devices.demo.fleet import ELEM, Fleet, SitePlace
from hatrack.devices.demo.repairs import pick
from hatrack.devices.models import Assignment, Status
from hatrack.directory.models import Person, Room, Site

RoomKind = Room.Kind
# Rooms every school has besides its classrooms: (name, kind, use).
SCHOOL_ROOMS = [
    ("Library", RoomKind.LIBRARY, "library"),
    ("Main Office", RoomKind.OFFICE, "office"),
    ("Teacher Workroom", RoomKind.OFFICE, "workroom"),
    ("Tech Storage", RoomKind.STORAGE, "storage"),
    ("MDF", RoomKind.NETWORK, "network"),
    ("IDF 1", RoomKind.NETWORK, "network"),
    ("Computer Lab 1", RoomKind.LAB, "lab"),
]
SECONDARY_ROOMS = [
    ("IDF 2", RoomKind.NETWORK, "network"),
    ("Computer Lab 2", RoomKind.LAB, "lab"),
]
OFFICE_ROOMS = [
    ("Tech Depot", RoomKind.STORAGE, "storage"),
    ("MDF", RoomKind.NETWORK, "network"),
    ("IDF 1", RoomKind.NETWORK, "network"),
    ("Board Room", RoomKind.OTHER, "meeting"),
    ("Conference Room A", RoomKind.OFFICE, "meeting"),
    ("Conference Room B", RoomKind.OFFICE, "meeting"),
    ("Training Lab", RoomKind.LAB, "lab"),
    ("Reception", RoomKind.OFFICE, "office"),
]
# Staff who get a laptop besides teachers and administrators: not custodians, cooks or
# bus drivers (they share the building's desktops).
NO_LAPTOP_DEPARTMENTS = {"FAC", "NUT", "TRANS"}
WINDOWS_OS = ("10.0.22631.4460", "10.0.22631.4391", "10.0.26100.2314")
MAC_OS = ("14.7.1", "15.1", "15.1.1")


def rooms(sites: list[tuple[Site, int]]) -> dict[int, SitePlace]:
    """Rooms for every site (a classroom per teacher), written; the places by site id."""
    made: list[Room] = []
    uses: list[tuple[int, str]] = []
    for site, teachers in sites:
        if site.kind == Site.Kind.OFFICE:
            plan = OFFICE_ROOMS
        else:
            plan = SCHOOL_ROOMS + ([] if site.kind == ELEM else SECONDARY_ROOMS)
            for n in range(teachers):
                floor, number = divmod(n, 24)
                made.append(Room(site=site, name=f"Room {(floor + 1) * 100 + number + 1}"))
                uses.append((site.pk, "classroom"))
        for name, kind, use in plan:
            made.append(Room(site=site, name=name, kind=kind))
            uses.append((site.pk, use))
    Room.objects.bulk_create(made)
    places = {
        site.pk: SitePlace(site.pk, site.code, site.kind, index)
        for index, (site, _) in enumerate(sites)
    }
    for room, (site_id, use) in zip(made, uses, strict=True):
        place = places[site_id]
        if use == "classroom":
            place.classrooms.append(room.pk)
        else:
            place.rooms.setdefault(use, []).append(room.pk)
    return places


def staff_laptops(fleet: Fleet, staff: list[dict[str, Any]], places: dict[int, SitePlace]) -> int:
    """A Windows laptop or a Mac for every teacher, administrator and office worker."""
    rng, count = fleet.rng, 0
    for person in staff:
        if not _gets_laptop(person):
            continue
        wave = pick(rng, STAFF_WAVES)
        mac = rng.random() < MAC_SHARE
        key = f"{'mac' if mac else 'win'}-{wave}"
        place = places[person["primary_site_id"]]
        row = fleet.device(key, wave, place, Status.DEPLOYED)
        given = dt.datetime.combine(
            row["purchased_on"] + dt.timedelta(days=rng.randrange(40, 60)), dt.time(14), dt.UTC
        )
        row.update(
            console="intune",
            console_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            os_version=rng.choice(MAC_OS if mac else WINDOWS_OS),
            console_user=person["email"],
            console_seen_at=fleet.seen_at,
            last_checkin_at=fleet.clock.now - dt.timedelta(minutes=rng.randrange(20, 4000)),
        )
        _deploy(fleet, row, place, given, holder=person["id"])
        count += 1
    return count


def _gets_laptop(person: dict[str, Any]) -> bool:
    if not person["active"] or person["role"] == Person.Role.AIDE:
        return False
    return not (
        person["role"] == Person.Role.STAFF and person["department__code"] in NO_LAPTOP_DEPARTMENTS
    )


def room_devices(fleet: Fleet, places: dict[int, SitePlace]) -> None:
    """Displays in classrooms, libraries, labs and meeting rooms; access points across
    the building, switches in the network closets, printers in the offices."""
    rng = fleet.rng
    for place in places.values():
        teaching = place.classrooms + place.rooms.get("library", []) + place.rooms.get("lab", [])
        for room in teaching + place.rooms.get("meeting", []):
            key, wave = _display(rng)
            _install(fleet, key, wave, place, room)
        newer = place.index % 2 == 0  # half the sites got the newer Wi-Fi two summers ago
        wave = 2 if newer else 5
        covered = place.classrooms[::2] + [
            r for use in ("library", "lab", "office", "meeting") for r in place.rooms.get(use, [])
        ]
        for room in covered:
            _install(fleet, f"ap-{wave}", wave, place, room)
        for n, closet in enumerate(place.rooms.get("network", [])):
            for _ in range(3 if n == 0 else 2):
                _install(fleet, f"sw-{wave}", wave, place, closet)
        for use in ("office", "workroom", "library"):
            for room in place.rooms.get(use, []):
                key = rng.choice(["prn-4", "prn-2"])
                _install(fleet, key, int(key[-1]), place, room)


def _display(rng: random.Random) -> tuple[str, int]:
    key, wave, _ = rng.choices(DISPLAY_WAVES, weights=[w for _, _, w in DISPLAY_WAVES])[0]
    return key, wave


def _install(fleet: Fleet, key: str, wave: int, place: SitePlace, room: int) -> None:
    row = fleet.device(key, wave, place, Status.DEPLOYED)
    installed = dt.datetime.combine(
        row["purchased_on"] + dt.timedelta(days=fleet.rng.randrange(20, 50)), dt.time(13), dt.UTC
    )
    _deploy(fleet, row, place, installed, room=room)


def _deploy(
    fleet: Fleet,
    row: dict[str, Any],
    place: SitePlace,
    at: dt.datetime,
    holder: int | None = None,
    room: int | None = None,
) -> None:
    fleet.ledger.add(
        "assignment",
        {
            "device_id": row["id"],
            "kind": Assignment.Kind.CHECKOUT,
            "holder_id": holder,
            "room_id": room,
            "site_id": place.id,
            "accessories_out": json.dumps(["charger"] if holder else []),
            "condition_out": "new",
            "checked_out_at": at,
            "checked_out_by_id": fleet.technician,
            "accessories_in": json.dumps([]),
        },
    )
    row.update(
        status=Status.DEPLOYED, holder_id=holder, room_id=room, holder_since=at, updated_at=at
    )
