"""The demo's devices: how each is made (serial numbers, purchase, console fields) and the
1:1 Chromebook program, year by year.

Every student in grades 3 to 12 holds one Chromebook, bought for their class the summer
they started at their school (grade 3, 6 or 9) and kept there until they leave it:
handed out at the start of every school year, collected at its end, repaired when it
breaks (a loaner meanwhile). About one in 25 a year loses theirs, has it stolen or
breaks it beyond repair, and holds an older spare since. Students who left the district
returned theirs, which wait in stock. Before this program, the district's first 1:1
fleet is retired or recycled.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import string
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hatrack.devices.demo.catalog import (
    ACCESSORIES,
    CHROMEBOOK_WAVES,
    ESSER_FROM,
    FUNDS,
    LOST_DEVICE_FEE,
    MODEL_PLANS,
    ModelPlan,
)
from hatrack.devices.demo.ledger import NO_ITEMS, Clock, Ledger, Row
from hatrack.devices.demo.repairs import RepairShop, pick
from hatrack.devices.models import Assignment, Category, DamageType, Status
from hatrack.directory.models import Site

ELEM, MID, HIGH = Site.Kind.ELEMENTARY, Site.Kind.MIDDLE, Site.Kind.HIGH
LEVELS: dict[str, tuple[int, int]] = {ELEM: (3, 5), MID: (6, 8), HIGH: (9, 12)}
REPAIRS_PER_YEAR: dict[str, float] = {ELEM: 0.10, MID: 0.17, HIGH: 0.13}
SETTLED = dt.timedelta(days=30)  # repairs end before a holding that ended does
DRIFT_PER_YEAR = 0.04  # chance a year that a student loses or breaks their device for good
FATES = (("retired", 62), ("lost", 28), ("stolen", 10))
LOANER_POOL, SPARES = 0.02, 0.04
SPARE_WAVES = ((4, 45), (3, 30), (2, 25))
OLD_FLEET = {6: 0.30, 5: 0.22}
ESSER_ENDS = dt.date(2024, 9, 30)
KIT_ITEMS = json.dumps(ACCESSORIES)
NO_CUSTOM = json.dumps({})
ALNUM = string.ascii_uppercase + string.digits
CONSOLE_MAJOR_AT = dt.date(2023, 12, 5)  # ChromeOS 120 reached stable
OUI = {
    "lenovo": "8c:16:45",
    "dell": "b0:7b:25",
    "hp": "98:e7:43",
    "acer": "b4:a9:fc",
    "apple": "f0:18:98",
    "meraki": "e0:55:3d",
    "aruba": "20:4c:03",
    "epson": "64:eb:8c",
    "viewsonic": "00:18:fc",
    "promethean": "00:0c:8a",
    "xerox": "9c:93:4e",
}


@dataclass
class SitePlace:
    """A site as the fleet needs it: its rooms by use, and its order (spreads the days
    schools hand out and collect devices)."""

    id: int
    code: str
    kind: str
    index: int
    classrooms: list[int] = field(default_factory=list)
    rooms: dict[str, list[int]] = field(default_factory=dict)

    def room(self, use: str) -> int | None:
        found = self.rooms.get(use)
        return found[0] if found else None


class Fleet:
    """Makes device rows and the holdings (check-outs, repairs) of each."""

    def __init__(
        self,
        rng: random.Random,
        clock: Clock,
        ledger: Ledger,
        shop: RepairShop,
        catalog: dict[str, int],
        vendors: dict[str, int],
        funds: dict[str, int],
        kit: int,
        technician: int | None,
    ) -> None:
        self.rng, self.clock, self.ledger, self.shop = rng, clock, ledger, shop
        self.catalog, self.vendors, self.funds = catalog, vendors, funds
        self.kit, self.technician = kit, technician
        self.serials: set[str] = set()
        self.next_tag = 100001
        self.purchases: dict[tuple[str, int], tuple[dt.date, str]] = {}
        self.sessions: dict[tuple[int, int], Row] = {}
        self.session_starts: dict[tuple[int, int, str], dt.datetime] = {}
        self.seen_at = clock.now - dt.timedelta(hours=5)  # last night's console import
        self.plans = {pk: MODEL_PLANS[key] for key, pk in catalog.items()}

    # --- One device -----------------------------------------------------------------------

    def device(self, key: str, wave: int, site: SitePlace, status: str, **fields: Any) -> Row:
        plan = MODEL_PLANS[key]
        bought, order = self._purchase(key, wave)
        created = dt.datetime.combine(bought + dt.timedelta(days=12), dt.time(15), dt.UTC)
        row: Row = {
            "serial_number": self._serial(plan.serial),
            "asset_tag": f"CH{self.next_tag}",
            "model_id": self.catalog[key],
            "status": status,
            "condition": "good",
            "site_id": site.id,
            "purchase_order": order,
            "purchased_on": bought,
            "cost": plan.price,
            "funding_source_id": self.funds[self._fund(plan, bought, wave)],
            "vendor_id": self.vendors[plan.vendor],
            "warranty_ends_on": bought.replace(year=bought.year + 3),
            "wifi_mac": self._mac(plan.serial),
            "custom": NO_CUSTOM,
            "created_at": created,
            "updated_at": created,
        }
        self.next_tag += 1
        if plan.category in (Category.SWITCH, Category.PRINTER, Category.DISPLAY):
            row["ethernet_mac"], row["wifi_mac"] = row["wifi_mac"], ""
        if key == "cb-3" and self.rng.random() < 0.25:  # its Intel board: a later date
            row["auto_update_expiration"] = dt.date(self.clock.year + 3, 6, 1)
        row.update(fields)
        return self.ledger.add("device", row)

    def _purchase(self, key: str, wave: int) -> tuple[dt.date, str]:
        if (key, wave) not in self.purchases:
            year = self.clock.year - wave
            day = dt.date(year, 6, 20) + dt.timedelta(days=self.rng.randrange(35))
            order = f"PO-{year % 100:02d}-{self.rng.randrange(1000, 9999)}"
            self.purchases[key, wave] = (day, order)
        return self.purchases[key, wave]

    def _fund(self, plan: ModelPlan, bought: dt.date, wave: int) -> str:
        if plan.category in (Category.ACCESS_POINT, Category.SWITCH):
            return "erate"
        esser = dt.date.fromisoformat(ESSER_FROM) <= bought <= ESSER_ENDS
        if esser and plan.category in (Category.CHROMEBOOK, Category.DISPLAY):
            return "esser"
        if plan.category == Category.DISPLAY or (
            plan.category == Category.CHROMEBOOK and wave == 1
        ):
            return "bond"
        if plan.key == "cb-0e":
            return "grant"
        return "general"

    def _serial(self, shape: str) -> str:
        rng = self.rng

        def chars(n: int, alphabet: str = ALNUM) -> str:
            return "".join(rng.choice(alphabet) for _ in range(n))

        while True:
            serial = {
                "lenovo": lambda: "PF" + chars(6),
                "dell": lambda: chars(7),
                "hp": lambda: "5CD" + chars(3, string.digits) + chars(4),
                "acer": lambda: "NXAHFAA" + chars(15, string.digits),
                "apple": lambda: chars(10),
                "meraki": lambda: f"Q2{chars(2)}-{chars(4)}-{chars(4)}",
                "aruba": lambda: "CN" + chars(8),
                "epson": lambda: "X4" + chars(8),
                "viewsonic": lambda: "W8S" + chars(10),
                "promethean": lambda: "AP975" + chars(9, string.digits),
                "xerox": lambda: "3394" + chars(6, string.digits),
            }[shape]()
            if serial not in self.serials:
                self.serials.add(serial)
                return serial

    def _mac(self, shape: str) -> str:
        tail = ":".join(f"{self.rng.randrange(256):02x}" for _ in range(3))
        return f"{OUI[shape]}:{tail}"

    def chrome_console(self, row: Row, org_unit: str, user: str, seen: dt.datetime) -> None:
        """What Google Admin shows: the OS a model last got (frozen at its AUE)."""
        plan_aue = row.get("auto_update_expiration") or self._aue(row["model_id"])
        day = min(self.clock.today, plan_aue) if plan_aue else self.clock.today
        major = 120 + (day - CONSOLE_MAJOR_AT).days // 28
        build = 6099 + 45 * (major - 120)
        row.update(
            console="google",
            console_id=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            org_unit=org_unit,
            console_user=user,
            last_checkin_at=seen,
            os_version=f"{major}.0.{build}.{self.rng.randrange(40, 250)}",
            console_seen_at=self.seen_at,
        )

    def _aue(self, model_id: int) -> dt.date | None:
        aue = self.plans[model_id].aue
        return None if aue is None else dt.date(self.clock.year + aue, 6, 1)

    # --- Holdings -------------------------------------------------------------------------

    def hold(
        self,
        device: Row,
        person: int,
        site: SitePlace,
        start: dt.datetime,
        end: dt.datetime | None,
        *,
        handed_out: bool = False,
    ) -> str:
        """`person` holds `device` from `start` until `end` (None: still today), school
        year by school year, with the repairs of the way. Returns "open", "repair" (in
        repair today, a loaner out) or "closed"."""
        plan = self.plans[device["model_id"]]
        rate = REPAIRS_PER_YEAR[site.kind] if end is None or end - start > SETTLED else 0.0
        outcome = "closed"
        first = True
        for seg_start, seg_end, given, taken in self._years(site, start, end, handed_out):
            repair_end = seg_end or self.clock.now
            if end is not None:
                repair_end = min(repair_end, end - SETTLED)
            breaks = self.shop.breakdowns(
                device, plan, person, seg_start, repair_end, rate, self.kit
            )
            current, back = seg_start, True
            for item in breaks:
                if item.keeps_device:
                    continue
                self._assign(
                    device, person, site, current, item.opened, given, None, first, broken=True
                )
                given, first = None, False
                if item.closed is None:
                    return "repair"
                current = item.closed
                if seg_end is not None and current >= seg_end:
                    back = False  # came back from repair after the year ended
                    break
            if back:
                self._assign(device, person, site, current, seg_end, given, taken, first)
                first = False
                outcome = "open" if seg_end is None else "closed"
        return outcome

    def _years(
        self, site: SitePlace, start: dt.datetime, end: dt.datetime | None, handed_out: bool
    ) -> list[tuple[dt.datetime, dt.datetime | None, int | None, int | None]]:
        """(from, to, year handed out by a session, year collected by one) per school year."""
        clock, rng = self.clock, self.rng
        ago = clock.years_ago(start)
        pieces: list[tuple[dt.datetime, dt.datetime | None, int | None, int | None]] = []
        given: int | None = ago if handed_out else None
        while True:
            closes = None if ago <= 0 else self._session_time(site, ago, "collect", rng)
            if end is not None and (closes is None or end <= closes):
                pieces.append((start, end, given, None))
                return pieces
            if closes is not None and closes <= start:  # began over the summer
                ago -= 1
                start, given = self._session_time(site, ago, "distribute", rng), ago
                continue
            pieces.append((start, closes, given, ago if closes else None))
            if closes is None:
                return pieces
            ago -= 1
            start, given = self._session_time(site, ago, "distribute", rng), ago
            if end is not None and start >= end:
                return pieces

    def _session_time(
        self, site: SitePlace, ago: int, kind: str, rng: random.Random
    ) -> dt.datetime:
        """A moment of the school's distribution (or collection) day, when a scan happened."""
        return self._session_start(site, ago, kind) + dt.timedelta(seconds=rng.randrange(5 * 3600))

    def _session_start(self, site: SitePlace, ago: int, kind: str) -> dt.datetime:
        key = (site.index, ago, kind)
        if key not in self.session_starts:
            fixed = random.Random(f"{site.index}:{ago}:{kind}")  # noqa: S311 (demo data)
            if kind == "distribute":
                begins = self.clock.hand_out(ago, site.index, fixed)
            else:
                begins = self.clock.collect(ago, site.index, fixed)
            self.session_starts[key] = begins.replace(minute=0, second=0)
        return self.session_starts[key]

    def _assign(
        self,
        device: Row,
        person: int,
        site: SitePlace,
        start: dt.datetime,
        end: dt.datetime | None,
        given: int | None,
        taken: int | None,
        first: bool,
        broken: bool = False,
    ) -> Row:
        rng = self.rng
        new = first and device["purchased_on"] > start.date() - dt.timedelta(days=90)
        returned = rng.choice(["good", "good", "good", "fair"])
        row = self.ledger.add(
            "assignment",
            {
                "device_id": device["id"],
                "kind": Assignment.Kind.CHECKOUT,
                "holder_id": person,
                "site_id": site.id,
                "kit_id": self.kit,
                "accessories_out": KIT_ITEMS,
                "condition_out": "new" if new else "good",
                "checked_out_at": start,
                "checked_out_by_id": self.technician,
                "session_id": self._session(site, given, "distribute", start),
                "checked_in_at": end,
                "checked_in_by_id": self.technician if end else None,
                "return_session_id": self._session(site, taken, "collect", end),
                "accessories_in": KIT_ITEMS if end and not broken else NO_ITEMS,
                "condition_in": ("broken" if broken else returned) if end else "",
                "notes": "In for repair." if broken else "",
            },
        )
        if end is None:
            device.update(
                status=Status.DEPLOYED,
                holder_id=person,
                holder_since=start,
                condition="new" if new else "good",
                updated_at=start,
            )
        return row

    def _session(self, site: SitePlace, ago: int | None, kind: str, at: Any) -> int | None:
        """The scan session of a school's distribution this year or collection last June."""
        wanted = 0 if kind == "distribute" else 1
        if ago != wanted or self.technician is None or at is None:
            return None
        session = self.sessions.get((site.id, wanted))
        if session is None:
            begins = self._session_start(site, wanted, kind)
            session = self.ledger.add(
                "session",
                {
                    "kind": kind,
                    "site_id": site.id,
                    "kit_id": self.kit,
                    "condition": "good",
                    "started_by_id": self.technician,
                    "started_at": begins,
                    "finished_at": begins + dt.timedelta(hours=6),
                    "succeeded": 0,
                    "failed": 0,
                },
            )
            self.sessions[site.id, wanted] = session
        session["succeeded"] += 1
        return int(session["id"])

    # --- Students -------------------------------------------------------------------------

    def student(self, person: tuple[int, int, str, str, bool], site: SitePlace) -> None:
        """One student's Chromebook since they came to this school (and any lost one)."""
        pk, _, grade_code, email, active = person
        low, high = LEVELS[site.kind]
        grade = int(grade_code)
        if not low <= grade <= high:
            return
        years = min(grade - low, 3)
        start = self._session_time(site, years, "distribute", self.rng)
        device = self._chromebook(years, site, email, grade)
        if not active:
            self._withdrawn(device, pk, site, start)
            return
        if self.rng.random() < DRIFT_PER_YEAR * years:
            ended = self._lost_or_broken(device, pk, site, start)
            if ended is not None:
                older = min(5, years + self.rng.choice([1, 2]))
                device = self._chromebook(older, site, email, grade)
                self._settle(
                    device, self.hold(device, pk, site, ended + dt.timedelta(hours=2), None)
                )
                return
        self._settle(device, self.hold(device, pk, site, start, None, handed_out=True))

    def _chromebook(self, wave: int, site: SitePlace, email: str, grade: int) -> Row:
        key = CHROMEBOOK_WAVES[wave][0 if site.kind == ELEM else 1]
        row = self.device(key, wave, site, Status.IN_STOCK)
        seen = self.clock.now - dt.timedelta(minutes=self.rng.randrange(30, 60 * 60))
        self.chrome_console(row, f"/Students/{site.code}/Grade {grade}", email, seen)
        return row

    def _settle(self, device: Row, outcome: str) -> None:
        if outcome == "repair":
            device.update(status=Status.IN_REPAIR, holder_id=None, condition="broken")

    def _withdrawn(self, device: Row, pk: int, site: SitePlace, start: dt.datetime) -> None:
        """A student who left the district: the device came back and waits in stock."""
        last = self.clock.now - dt.timedelta(days=20)
        if last <= start + dt.timedelta(days=20):
            return
        left = self.clock.at(
            self.clock.school_day(self.rng, (start + dt.timedelta(days=20)).date(), last.date()),
            self.rng,
        )
        self.hold(device, pk, site, start, left, handed_out=True)
        device.update(
            room_id=site.room("storage"),
            last_checkin_at=left,
            updated_at=left,
            org_unit=f"/Devices/Spares/{site.code}",
        )

    def _lost_or_broken(
        self, device: Row, pk: int, site: SitePlace, start: dt.datetime
    ) -> dt.datetime | None:
        """Lose, have stolen or break the student's device at some point; when it was."""
        clock, rng = self.clock, self.rng
        first, last = start + dt.timedelta(days=40), clock.now - dt.timedelta(days=12)
        if last <= first:
            return None
        when = clock.at(clock.school_day(rng, first.date(), last.date()), rng)
        self.hold(device, pk, site, start, when, handed_out=True)
        fate = pick(rng, FATES)
        if fate == "retired":
            done = self.shop.beyond_repair(device, pk, when)
            disposed = done < clock.now - dt.timedelta(days=400)
            device.update(
                status=Status.DISPOSED if disposed else Status.RETIRED,
                condition="broken",
                org_unit="/Devices/Retired",
                updated_at=done,
            )
            self._last_assignment(device)["condition_in"] = "broken"
        else:
            words = "lost" if fate == "lost" else "stolen; police report filed"
            device.update(status=fate, org_unit="/Devices/Disabled", updated_at=when)
            closing = self._last_assignment(device)
            closing.update(
                notes=f"Reported {words}. Closed without return.",
                accessories_in=NO_ITEMS,
                condition_in="",
            )
            if fate == "lost" and rng.random() < 0.6:
                self.shop.fee(
                    pk,
                    device["id"],
                    None,
                    DamageType.OTHER,
                    LOST_DEVICE_FEE,
                    when + dt.timedelta(days=2),
                    "Replacement cost of a lost Chromebook, per the device agreement.",
                )
        device["last_checkin_at"] = when
        return when

    def _last_assignment(self, device: Row) -> Row:
        return next(
            r for r in reversed(self.ledger.of("assignment")) if r["device_id"] == device["id"]
        )

    # --- What no student holds --------------------------------------------------------------

    def school_stock(self, site: SitePlace, students: int) -> None:
        """Loaners, spares, and the first 1:1 fleet: retired or recycled."""
        rng, clock = self.rng, self.clock
        kind = 0 if site.kind == ELEM else 1
        for _ in range(max(4, round(students * LOANER_POOL))):
            wave = rng.choice([3, 4])
            row = self.device(
                CHROMEBOOK_WAVES[wave][kind],
                wave,
                site,
                Status.IN_STOCK,
                room_id=site.room("library"),
                custom=json.dumps({"pool": "loaner"}),
                notes="Loaner pool: the library's cart.",
            )
            seen = clock.now - dt.timedelta(hours=rng.randrange(2, 400))
            self.chrome_console(row, f"/Devices/Loaners/{site.code}", "", seen)
            self.shop.add_loaner(site.id, row)
        for _ in range(round(students * SPARES)):
            wave = pick(rng, SPARE_WAVES)
            row = self.device(
                CHROMEBOOK_WAVES[wave][kind],
                wave,
                site,
                Status.IN_STOCK,
                room_id=site.room("storage"),
            )
            seen = clock.now - dt.timedelta(days=rng.randrange(3, 90))
            self.chrome_console(row, f"/Devices/Spares/{site.code}", "", seen)
        for wave, share in OLD_FLEET.items():
            for _ in range(round(students * share)):
                self._old(wave, site)

    def _old(self, wave: int, site: SitePlace) -> None:
        rng, clock = self.rng, self.clock
        fate = pick(
            rng,
            ((Status.DISPOSED, 85), (Status.RETIRED, 15))
            if wave == 6
            else ((Status.RETIRED, 55), (Status.DISPOSED, 35), (Status.IN_STOCK, 10)),
        )
        row = self.device(
            CHROMEBOOK_WAVES[wave][0],
            wave,
            site,
            fate,
            condition="fair",
            room_id=site.room("storage"),
        )
        if fate == Status.DISPOSED:
            pickup = clock.school_year(wave - 3).last_day + dt.timedelta(days=21)
            row["notes"] = (
                f"Recycled by an R2-certified e-waste vendor on {pickup:%B %-d, %Y}; "
                f"certificate of destruction CD-{rng.randrange(10000, 99999)}."
            )
            row["room_id"] = None
            return
        seen = clock.now - dt.timedelta(days=rng.randrange(100, 500))
        where = "/Devices/Retired" if fate == Status.RETIRED else f"/Devices/Spares/{site.code}"
        self.chrome_console(row, where, "", seen)
        if fate == Status.RETIRED:
            row["notes"] = "Past its auto-update expiration; waiting for the e-waste pickup."

    def finish_loaners(self) -> None:
        """Loaners out today stay with their holders; the rest sit on the library cart."""
        for slots in self.shop.pools.values():
            for device, _ in slots:
                if device["status"] != Status.LOANER:
                    device["condition"] = "good"

    def cost(self) -> Decimal:
        return sum((row["cost"] for row in self.ledger.of("device")), Decimal(0))


def funds_by_key(rows: dict[str, int]) -> dict[str, int]:
    return {plan.key: rows[plan.name] for plan in FUNDS}
