"""The shapes of the devices API: device models, devices, assignments and repairs.

`...Out` is what the API returns, `...In` what it creates from, `...Patch` a partial
change (only the fields sent change). Related records are referred to by id; unknown
fields are refused. Choices are plain string literals (the schema names enums by class,
and "Status" and "Category" already name the service desk's). Money is a decimal string.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from hatrack.directory.schemas import PageOut, StrictIn, unchanged

DeviceCategory = Literal[
    "chromebook", "windows", "mac", "tablet", "desktop", "display", "printer",
    "access_point", "switch", "phone", "hotspot", "other",
]  # fmt: skip
DeviceStatus = Literal[
    "in_stock", "deployed", "loaner", "in_repair", "lost", "stolen", "retired", "disposed"
]
DeviceStatusFilter = Literal[
    "fleet", "in_stock", "deployed", "loaner", "in_repair", "lost", "stolen", "retired",
    "disposed",
]  # fmt: skip
ManualStatus = Literal["in_stock", "lost", "stolen", "retired", "disposed"]
DeviceCondition = Literal["new", "good", "fair", "poor", "broken"]
AssignmentKind = Literal["checkout", "loaner"]
RepairStatus = Literal[
    "open", "at_vendor", "waiting_parts", "repaired", "unrepairable", "cancelled"
]
OpenRepairStatus = Literal["open", "at_vendor", "waiting_parts"]
Damage = Literal[
    "none", "screen", "keyboard", "liquid", "hinge", "charging", "charger", "other"
]  # fmt: skip

# --- Device models -------------------------------------------------------------------


class DeviceModelOut(Schema):
    id: int
    manufacturer: str
    name: str
    category: DeviceCategory
    auto_update_expiration: date | None
    expected_life_years: int
    replacement_cost: Decimal | None
    notes: str
    active: bool
    created_at: datetime
    updated_at: datetime


class DeviceModelIn(StrictIn):
    manufacturer: str = Field(..., min_length=1, max_length=100)
    name: str = Field(..., min_length=1, max_length=200)
    category: DeviceCategory
    auto_update_expiration: date | None = Field(
        None, description="ChromeOS models: the last month Google updates this model."
    )
    expected_life_years: int = Field(4, ge=1, le=20)
    replacement_cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    notes: str = ""
    active: bool = True


class DeviceModelPatch(StrictIn):
    manufacturer: str = unchanged(min_length=1, max_length=100)
    name: str = unchanged(min_length=1, max_length=200)
    category: DeviceCategory = unchanged()
    auto_update_expiration: date | None = unchanged()
    expected_life_years: int = unchanged(ge=1, le=20)
    replacement_cost: Decimal | None = unchanged(ge=0, max_digits=10, decimal_places=2)
    notes: str = unchanged()
    active: bool = unchanged()


class DeviceModelPage(PageOut):
    items: list[DeviceModelOut]


# --- Devices -----------------------------------------------------------------------------


class DeviceRowOut(Schema):
    """A device as the list returns it."""

    id: int
    serial_number: str
    asset_tag: str | None
    model_id: int
    model: str = Field(..., description="Manufacturer and model name.")
    category: DeviceCategory
    status: DeviceStatus
    condition: DeviceCondition
    site_id: int | None
    room_id: int | None
    holder_id: int | None
    holder_name: str
    purchased_on: date | None
    warranty_ends_on: date | None
    auto_update_expiration: date | None = Field(
        ..., description="The device's own date from the console, else its model's."
    )
    updated_at: datetime


class DeviceOut(DeviceRowOut):
    """A device in full."""

    holder_since: datetime | None
    purchase_order: str
    cost: Decimal | None
    funding_source_id: int | None
    vendor_id: int | None
    wifi_mac: str
    ethernet_mac: str
    console: str
    console_id: str
    org_unit: str
    os_version: str
    last_checkin_at: datetime | None
    console_user: str
    notes: str
    custom: dict[str, str | int | float | bool | None]
    created_at: datetime


class DevicePage(PageOut):
    items: list[DeviceRowOut]


class DeviceFilters(Schema):
    q: str = Field(
        "",
        max_length=100,
        description="The start of a serial number or asset tag, or a holder's name "
        "('smi', 'jo smi', 'smith, jo'). A holder search lists by holder name, an asset "
        "tag search by asset tag, everything else by serial number.",
    )
    site: int | None = Field(None, description="Devices of this site id.")
    room: int | None = Field(None, description="Devices in this room id.")
    status: DeviceStatusFilter | None = Field(
        None, description="'fleet': in stock, deployed, loaner or in repair."
    )
    model: int | None = Field(None, description="Devices of this device model id.")
    category: DeviceCategory | None = None
    holder: int | None = Field(None, description="Devices this person id holds.")
    funding_source: int | None = Field(None, description="Bought with this funding source id.")
    warranty_expired: bool = False
    aue_expired: bool = Field(False, description="Past their auto-update expiration.")


class DeviceFields(StrictIn):
    asset_tag: str | None = Field(None, max_length=50)
    condition: DeviceCondition = "good"
    site_id: int | None = None
    room_id: int | None = Field(None, description="A room of the device's site.")
    purchase_order: str = Field("", max_length=50)
    purchased_on: date | None = None
    cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    funding_source_id: int | None = None
    vendor_id: int | None = None
    warranty_ends_on: date | None = None
    auto_update_expiration: date | None = None
    wifi_mac: str = Field("", max_length=17)
    ethernet_mac: str = Field("", max_length=17)
    notes: str = ""
    custom: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class DeviceIn(DeviceFields):
    serial_number: str = Field(..., min_length=1, max_length=64)
    model_id: int


class DevicePatch(StrictIn):
    serial_number: str = unchanged(min_length=1, max_length=64)
    asset_tag: str | None = unchanged(max_length=50)
    model_id: int = unchanged()
    condition: DeviceCondition = unchanged()
    site_id: int | None = unchanged()
    room_id: int | None = unchanged()
    purchase_order: str = unchanged(max_length=50)
    purchased_on: date | None = unchanged()
    cost: Decimal | None = unchanged(ge=0, max_digits=10, decimal_places=2)
    funding_source_id: int | None = unchanged()
    vendor_id: int | None = unchanged()
    warranty_ends_on: date | None = unchanged()
    auto_update_expiration: date | None = unchanged()
    wifi_mac: str = unchanged(max_length=17)
    ethernet_mac: str = unchanged(max_length=17)
    notes: str = unchanged()
    custom: dict[str, str | int | float | bool | None] = unchanged()


class DeviceStatusIn(StrictIn):
    status: ManualStatus = Field(
        ...,
        description="A checked-out device marked lost or stolen is checked in; retired, "
        "disposed or in stock need the device checked in first.",
    )
    notes: str = Field("", max_length=500)


# --- Assignments ---------------------------------------------------------------------------


class AssignmentOut(Schema):
    id: int
    device_id: int
    kind: AssignmentKind
    holder_id: int | None
    holder_name: str
    room_id: int | None
    site_id: int | None
    kit_id: int | None
    accessories_out: list[str]
    condition_out: str
    due_on: date | None
    checked_out_at: datetime
    checked_in_at: datetime | None
    accessories_in: list[str]
    condition_in: str
    notes: str


class AssignmentPage(PageOut):
    items: list[AssignmentOut]


class AssignmentFilters(Schema):
    open: bool | None = Field(None, description="true: still out; false: returned.")


class CheckOutIn(StrictIn):
    holder_id: int | None = Field(None, description="The person; or give room_id.")
    room_id: int | None = Field(None, description="The room; or give holder_id.")
    kind: AssignmentKind = "checkout"
    kit_id: int | None = None
    accessories: list[str] = Field(default_factory=list, max_length=20)
    condition: DeviceCondition | Literal[""] = ""
    due_on: date | None = None
    notes: str = Field("", max_length=1000)


class CheckInIn(StrictIn):
    condition: DeviceCondition = Field(..., description="How the device came back.")
    accessories: list[str] = Field(
        default_factory=list, max_length=20, description="Accessories that came back."
    )
    status: Literal["in_stock", "in_repair", "lost", "stolen"] = "in_stock"
    notes: str = Field("", max_length=1000)


# --- Repairs ---------------------------------------------------------------------------------


class RepairOut(Schema):
    id: int
    device_id: int
    status: RepairStatus
    problem: str
    damage_type: Damage
    holder_id: int | None
    ticket_id: int | None
    vendor_id: int | None
    warranty_claim: bool
    claim_number: str
    labor_cost: Decimal
    parts_cost: Decimal
    loaner_id: int | None = Field(..., description="The loaner's assignment id.")
    resolution: str
    opened_at: datetime
    closed_at: datetime | None


class RepairPage(PageOut):
    items: list[RepairOut]


class RepairFilters(Schema):
    device: int | None = Field(None, description="Repairs of this device id.")
    holder: int | None = Field(None, description="Repairs of devices this person id held.")
    status: RepairStatus | None = None


class RepairIn(StrictIn):
    device_id: int
    problem: str = Field(..., min_length=1, max_length=5000)
    damage_type: Damage = "none"
    vendor_id: int | None = None
    ticket_id: int | None = Field(None, description="The service desk ticket reporting it.")
    warranty_claim: bool = False
    claim_number: str = Field("", max_length=100)


class RepairPatch(StrictIn):
    status: OpenRepairStatus = unchanged()
    problem: str = unchanged(min_length=1, max_length=5000)
    damage_type: Damage = unchanged()
    vendor_id: int | None = unchanged()
    warranty_claim: bool = unchanged()
    claim_number: str = unchanged(max_length=100)
    labor_cost: Decimal = unchanged(ge=0, max_digits=10, decimal_places=2)
