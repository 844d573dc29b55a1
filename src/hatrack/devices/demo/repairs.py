"""The demo's repair desk: what breaks while a student holds a device, the loaner handed
out meanwhile, the parts and labour, the warranty claims and the fees charged home."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hatrack.devices.demo.catalog import (
    DAMAGE_WEIGHTS,
    FEE_SHARE,
    FEES,
    LABOR_RATE,
    PARTS,
    PROBLEMS,
    RESOLUTIONS,
    TOUCH_SCREEN,
    WAIVER_REASONS,
    ModelPlan,
)
from hatrack.devices.demo.ledger import NO_ITEMS, Clock, Ledger, Row
from hatrack.devices.models import Assignment, DamageType, Fee, FeePayment, Repair

RepairStatus = Repair.Status
IN_HOUSE_DAYS = (1, 6)
PARTS_WAIT_DAYS = (7, 16)
VENDOR_DAYS = (10, 28)
LOANER_DUE = dt.timedelta(days=14)
LOANER_SHARE = 0.85
PAYMENT_METHODS = (
    (FeePayment.Method.ONLINE, 45),
    (FeePayment.Method.CHECK, 25),
    (FeePayment.Method.CASH, 20),
    (FeePayment.Method.CARD, 10),
)
OLD_FEE_OUTCOMES = (("paid", 55), ("partial", 12), ("unpaid", 18), ("waived", 15))
NEW_FEE_OUTCOMES = (("paid", 20), ("partial", 10), ("unpaid", 70))


def pick(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


@dataclass
class Breakdown:
    """A repair that takes the device away from its holder from `opened` to `closed`
    (None: still open today). `keeps_device`: nothing to hand in (a lost charger)."""

    opened: dt.datetime
    closed: dt.datetime | None
    keeps_device: bool


class RepairShop:
    def __init__(
        self,
        rng: random.Random,
        clock: Clock,
        ledger: Ledger,
        vendors: dict[str, int],
        staff_users: dict[str, int | None],
    ) -> None:
        self.rng, self.clock, self.ledger = rng, clock, ledger
        self.vendors = vendors
        self.technician = staff_users.get("technician")
        self.leader = staff_users.get("leader") or self.technician
        # Loaner pools by site: [device row, free from] (None: out today)
        self.pools: dict[int, list[list[Any]]] = {}

    def add_loaner(self, site_id: int, device: Row) -> None:
        self.pools.setdefault(site_id, []).append(
            [device, self.clock.now - dt.timedelta(days=3650)]
        )

    # --- Ordinary breakdowns --------------------------------------------------------------

    def breakdowns(
        self,
        device: Row,
        plan: ModelPlan,
        holder: int,
        start: dt.datetime,
        end: dt.datetime,
        rate: float,
        kit: int | None,
    ) -> list[Breakdown]:
        """Repairs of `device` while `holder` had it from `start` to `end` (today when the
        holding is still open), each written with its parts, loaner and fee."""
        rng, clock = self.rng, self.clock
        expected = rate * max(0, (end - start).days) / 290
        count = int(expected + rng.random())
        if count and rng.random() < 0.12:
            count += 1
        first = (start + dt.timedelta(days=4)).astimezone(clock.zone).date()
        last = (end - dt.timedelta(days=1)).astimezone(clock.zone).date()
        if count == 0 or last <= first:
            return []
        opened = sorted(clock.at(clock.school_day(rng, first, last), rng) for _ in range(count))
        made: list[Breakdown] = []
        free = start
        for moment in opened:
            if moment <= free:
                continue
            breakdown = self._repair(device, plan, holder, moment, kit)
            made.append(breakdown)
            if breakdown.closed is None:
                break
            free = breakdown.closed + dt.timedelta(days=1)
        return made

    def _repair(
        self, device: Row, plan: ModelPlan, holder: int, opened: dt.datetime, kit: int | None
    ) -> Breakdown:
        rng = self.rng
        damage = pick(rng, DAMAGE_WEIGHTS)
        under_warranty = opened.date() <= device["warranty_ends_on"]
        warranty = damage == DamageType.NONE and under_warranty
        at_vendor = warranty or damage == DamageType.LIQUID
        if damage == DamageType.CHARGER:
            days = 0
        elif at_vendor:
            days = rng.randint(*VENDOR_DAYS)
        else:
            days = rng.randint(*IN_HOUSE_DAYS)
        waited = not at_vendor and days and rng.random() < 0.2
        if waited:
            days = rng.randint(*PARTS_WAIT_DAYS)
        closed: dt.datetime | None = opened + dt.timedelta(days=days, hours=rng.randrange(1, 5))
        if closed is not None and closed >= self.clock.now:
            closed = None
        status = RepairStatus.REPAIRED
        if closed is None:
            status = (
                RepairStatus.AT_VENDOR
                if at_vendor
                else (RepairStatus.WAITING_PARTS if waited else RepairStatus.OPEN)
            )
        repair = self._write(device, holder, damage, opened, closed, status)
        if warranty:
            repair.update(
                vendor_id=device["vendor_id"],
                warranty_claim=True,
                claim_number=f"{plan.manufacturer[:2].upper()}{rng.randrange(10**8, 10**9)}",
            )
        elif at_vendor:
            repair["vendor_id"] = self.vendors["Lakeshore Device Repair"]
            repair["labor_cost"] = Decimal("65.00")
        else:
            quarter_hours = rng.randint(1, 4)
            repair["labor_cost"] = LABOR_RATE * quarter_hours / 4
        if not warranty:
            self._parts(repair, damage, plan)
        keeps = damage == DamageType.CHARGER
        if not keeps and rng.random() < LOANER_SHARE:
            repair["loaner_id"] = self._loaner(device["site_id"], holder, opened, closed, kit)
        if damage in FEES and not warranty and rng.random() < FEE_SHARE:
            self.fee(holder, device["id"], repair["id"], damage, FEES[damage], closed or opened)
        return Breakdown(opened, closed, keeps)

    def _write(
        self,
        device: Row,
        holder: int,
        damage: str,
        opened: dt.datetime,
        closed: dt.datetime | None,
        status: str,
    ) -> Row:
        return self.ledger.add(
            "repair",
            {
                "device_id": device["id"],
                "status": status,
                "damage_type": damage,
                "problem": self.rng.choice(PROBLEMS[damage]),
                "holder_id": holder,
                "resolution": RESOLUTIONS[damage] if closed else "",
                "opened_at": opened,
                "opened_by_id": self.technician,
                "closed_at": closed,
                "updated_at": closed or opened,
                "labor_cost": Decimal("0.00"),
                "parts_cost": Decimal("0.00"),
                "warranty_claim": False,
            },
        )

    def _parts(self, repair: Row, damage: str, plan: ModelPlan) -> None:
        if damage not in PARTS:
            return
        description, prefix, low, high = PARTS[damage]
        if damage == DamageType.SCREEN and plan.touch:
            description, prefix, low, high = TOUCH_SCREEN
        unit = Decimal(self.rng.randint(low * 100, high * 100)) / 100
        self.ledger.add(
            "part",
            {
                "repair_id": repair["id"],
                "description": description,
                "quantity": 1,
                "part_number": f"{prefix}-{plan.key.upper()}-{self.rng.randrange(100, 999)}",
                "unit_cost": unit,
            },
        )
        repair["parts_cost"] += unit

    # --- Loaners --------------------------------------------------------------------------

    def _loaner(
        self,
        site: int,
        holder: int,
        opened: dt.datetime,
        closed: dt.datetime | None,
        kit: int | None,
    ) -> int | None:
        for slot in self.pools.get(site, []):
            device, free_from = slot
            if free_from is None or free_from > opened or device["purchased_on"] > opened.date():
                continue
            slot[1] = None if closed is None else closed + dt.timedelta(hours=1)
            row = self.ledger.add(
                "assignment",
                {
                    "device_id": device["id"],
                    "kind": Assignment.Kind.LOANER,
                    "holder_id": holder,
                    "site_id": site,
                    "kit_id": kit,
                    "accessories_out": json.dumps(["charger"]),
                    "condition_out": "good",
                    "due_on": (opened + LOANER_DUE).date(),
                    "checked_out_at": opened,
                    "checked_out_by_id": self.technician,
                    "checked_in_at": closed,
                    "checked_in_by_id": self.technician if closed else None,
                    "accessories_in": json.dumps(["charger"]) if closed else NO_ITEMS,
                    "condition_in": "good" if closed else "",
                    "notes": "Loaner while the student's device is in repair.",
                },
            )
            if closed is None:
                device.update(status="loaner", holder_id=holder, holder_since=opened, room_id=None)
            return int(row["id"])
        return None

    # --- Endings: beyond repair, fees ------------------------------------------------------

    def beyond_repair(self, device: Row, holder: int, opened: dt.datetime) -> dt.datetime:
        """A device the holder broke beyond repair: the repair that retired it."""
        damage = self.rng.choice([DamageType.LIQUID, DamageType.LIQUID, DamageType.SCREEN])
        closed = opened + dt.timedelta(days=self.rng.randint(2, 6))
        repair = self._write(device, holder, damage, opened, closed, RepairStatus.UNREPAIRABLE)
        repair["resolution"] = (
            "Beyond economical repair: the board is corroded and the panel cracked. "
            "Retired; the student received a spare."
        )
        repair["labor_cost"] = LABOR_RATE / 2
        if self.rng.random() < FEE_SHARE:
            self.fee(holder, device["id"], repair["id"], damage, FEES[damage], closed)
        return closed

    def fee(
        self,
        person: int,
        device: int,
        repair: int | None,
        damage: str,
        amount: Decimal,
        charged: dt.datetime,
        notes: str = "",
    ) -> None:
        rng, now = self.rng, self.clock.now
        old = now - charged > dt.timedelta(days=30)
        outcome = pick(rng, OLD_FEE_OUTCOMES if old else NEW_FEE_OUTCOMES)
        row = self.ledger.add(
            "fee",
            {
                "person_id": person,
                "device_id": device,
                "repair_id": repair,
                "damage_type": damage,
                "amount": amount,
                "amount_paid": Decimal("0.00"),
                "status": Fee.Status.UNPAID,
                "notes": notes,
                "charged_at": charged,
                "charged_by_id": self.technician,
                "updated_at": charged,
            },
        )
        if outcome == "waived":
            row.update(
                status=Fee.Status.WAIVED,
                waived_reason=rng.choice(WAIVER_REASONS),
                waived_by_id=self.leader,
                updated_at=charged + dt.timedelta(days=rng.randint(3, 20)),
            )
            return
        if outcome == "unpaid":
            return
        paid = amount if outcome == "paid" else (amount / 2).quantize(Decimal("0.01"))
        on = max(charged, min(charged + dt.timedelta(days=rng.randint(2, 40)), now))
        method = pick(rng, PAYMENT_METHODS)
        reference = {
            "check": f"Check {rng.randint(1000, 9999)}",
            "online": f"TXN-{rng.randrange(10**9, 10**10)}",
        }.get(method, "")
        self.ledger.add(
            "payment",
            {
                "fee_id": row["id"],
                "amount": paid,
                "method": method,
                "reference": reference,
                "paid_on": on.astimezone(self.clock.zone).date(),
                "recorded_at": on,
                "recorded_by_id": self.technician,
            },
        )
        row.update(
            amount_paid=paid,
            updated_at=on,
            status=Fee.Status.PAID if paid == amount else Fee.Status.PARTIAL,
        )
