"""What the demo district buys and how its devices break: the catalog by purchase wave,
vendors, funding sources, and the words technicians write on repairs.

Purchase waves are counted back from the current school year `Y` (wave 0 is this
summer's purchase, wave 3 the one three summers ago), so the demo's fleet always has
the same age mix, whenever it is loaded: the oldest Chromebooks are past Google's
auto-update expiration, the ones bought three summers ago reach it within a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hatrack.devices.models import Category, DamageType
from hatrack.directory.models import FundingSource

CHROMEBOOK, WINDOWS, MAC = Category.CHROMEBOOK, Category.WINDOWS, Category.MAC
DISPLAY, PRINTER = Category.DISPLAY, Category.PRINTER
ACCESS_POINT, SWITCH = Category.ACCESS_POINT, Category.SWITCH


@dataclass(frozen=True)
class ModelPlan:
    key: str
    manufacturer: str
    name: str
    category: str
    price: Decimal  # what the district paid, and what a new one costs today
    life: int  # expected life in years
    aue: int | None = None  # ChromeOS: auto-update expiration, June of Y + aue
    serial: str = "dell"  # the manufacturer's serial number shape (see fleet.serial_number)
    vendor: str = "CDW-G"
    touch: bool = False


MODELS = [
    # Chromebooks, by the summer they were bought for the 1:1 program
    ModelPlan("cb-6", "Lenovo", "100e Chromebook Gen 2", CHROMEBOOK, Decimal("219.00"), 4, -2,
              "lenovo"),
    ModelPlan("cb-5", "Dell", "Chromebook 3100", CHROMEBOOK, Decimal("239.00"), 4, -1, "dell",
              "Dell Technologies"),
    ModelPlan("cb-4", "HP", "Chromebook 11 G8 EE", CHROMEBOOK, Decimal("249.00"), 4, 0, "hp"),
    ModelPlan("cb-3", "Lenovo", "300e Chromebook Gen 3", CHROMEBOOK, Decimal("319.00"), 4, 1,
              "lenovo", touch=True),
    ModelPlan("cb-2", "HP", "Chromebook 11 G9 EE", CHROMEBOOK, Decimal("269.00"), 4, 4, "hp"),
    ModelPlan("cb-1e", "Acer", "Chromebook Spin 511", CHROMEBOOK, Decimal("329.00"), 4, 6, "acer",
              "SHI International", touch=True),
    ModelPlan("cb-1s", "Dell", "Chromebook 3110", CHROMEBOOK, Decimal("289.00"), 4, 6, "dell",
              "Dell Technologies"),
    ModelPlan("cb-0e", "Lenovo", "300e Yoga Chromebook Gen 4", CHROMEBOOK, Decimal("349.00"), 4,
              10, "lenovo", touch=True),
    ModelPlan("cb-0s", "Lenovo", "100e Chromebook Gen 4", CHROMEBOOK, Decimal("279.00"), 4, 10,
              "lenovo"),
    # Staff laptops
    ModelPlan("win-5", "Dell", "Latitude 3410", WINDOWS, Decimal("829.00"), 5, None, "dell",
              "Dell Technologies"),
    ModelPlan("win-3", "Lenovo", "ThinkPad L14 Gen 3", WINDOWS, Decimal("899.00"), 5, None,
              "lenovo"),
    ModelPlan("win-1", "Dell", "Latitude 3440", WINDOWS, Decimal("949.00"), 5, None, "dell",
              "Dell Technologies"),
    ModelPlan("mac-5", "Apple", "MacBook Air (M1, 2020)", MAC, Decimal("899.00"), 6, None,
              "apple", "Apple"),
    ModelPlan("mac-3", "Apple", "MacBook Air 13-inch (M2, 2022)", MAC, Decimal("1049.00"), 6,
              None, "apple", "Apple"),
    ModelPlan("mac-1", "Apple", "MacBook Air 13-inch (M3, 2024)", MAC, Decimal("999.00"), 6,
              None, "apple", "Apple"),
    # Classroom displays and projectors
    ModelPlan("disp-6", "Epson", "BrightLink 710Ui", DISPLAY, Decimal("1899.00"), 7, None,
              "epson"),
    ModelPlan("disp-4", "ViewSonic", "ViewBoard IFP7550", DISPLAY, Decimal("2799.00"), 8, None,
              "viewsonic"),
    ModelPlan("disp-1", "Promethean", "ActivPanel 9 75\"", DISPLAY, Decimal("3499.00"), 8, None,
              "promethean", "Promethean"),
    # Network gear (E-Rate Category 2) and printers
    ModelPlan("ap-5", "Cisco Meraki", "MR36", ACCESS_POINT, Decimal("695.00"), 7, None, "meraki"),
    ModelPlan("ap-2", "Cisco Meraki", "MR46", ACCESS_POINT, Decimal("1095.00"), 7, None,
              "meraki"),
    ModelPlan("sw-5", "Cisco Meraki", "MS225-48FP", SWITCH, Decimal("4995.00"), 8, None,
              "meraki"),
    ModelPlan("sw-2", "Aruba", "2930F 48G PoE+ 4SFP+", SWITCH, Decimal("3890.00"), 8, None,
              "aruba"),
    ModelPlan("prn-4", "HP", "LaserJet Enterprise M507dn", PRINTER, Decimal("689.00"), 6, None,
              "hp"),
    ModelPlan("prn-2", "Xerox", "VersaLink C405", PRINTER, Decimal("1249.00"), 6, None, "xerox"),
]  # fmt: skip
MODEL_PLANS = {plan.key: plan for plan in MODELS}

# The 1:1 Chromebook bought in each wave (years before this one): elementary, secondary.
CHROMEBOOK_WAVES = {
    6: ("cb-6", "cb-6"),
    5: ("cb-5", "cb-5"),
    4: ("cb-4", "cb-4"),
    3: ("cb-3", "cb-3"),
    2: ("cb-2", "cb-2"),
    1: ("cb-1e", "cb-1s"),
    0: ("cb-0e", "cb-0s"),
}
# Staff laptops, Windows and Mac, by wave: (wave, share of staff).
STAFF_WAVES = ((5, 12), (3, 40), (1, 48))
MAC_SHARE = 0.15
DISPLAY_WAVES = (("disp-6", 6, 30), ("disp-4", 4, 45), ("disp-1", 1, 25))


@dataclass(frozen=True)
class VendorPlan:
    name: str
    website: str
    phone: str
    account: str
    notes: str = ""


VENDORS = [
    VendorPlan("CDW-G", "https://www.cdwg.com/", "(920) 555-0160", "CHUSD-448201",
               "Education reseller: Chromebooks, Lenovo and HP, network gear, displays."),
    VendorPlan("Dell Technologies", "https://www.dell.com/", "(920) 555-0161", "DL-2209-1187",
               "Direct purchases and ProSupport warranty depot."),
    VendorPlan("SHI International", "https://www.shi.com/", "(920) 555-0162", "SHI-77310",
               "State cooperative contract."),
    VendorPlan("Apple", "https://www.apple.com/education/", "(920) 555-0163", "APL-EDU-55102",
               "Apple School Manager account."),
    VendorPlan("Promethean", "https://www.prometheanworld.com/", "(920) 555-0164", "PRM-90211",
               "Interactive displays; on-site warranty service."),
    VendorPlan("Lakeshore Device Repair", "", "(920) 555-0165", "LDR-1042",
               "Depot repairs the help desk does not do in house: boards, liquid damage."),
]  # fmt: skip


@dataclass(frozen=True)
class FundPlan:
    key: str
    name: str
    code: str
    kind: str
    recurring: bool
    ends_on: str = ""


Kind = FundingSource.Kind
FUNDS = [
    FundPlan("general", "General fund", "10-E-2630", Kind.GENERAL, True),
    FundPlan("erate", "E-Rate Category 2", "21-E-2630", Kind.ERATE, True),
    FundPlan("esser", "ESSER III", "43-E-2630-ARP", Kind.ONE_TIME, False, "2024-09-30"),
    FundPlan("bond", "2023 Technology and Safety Bond", "46-E-2630", Kind.BOND, False,
             "2028-06-30"),
    FundPlan("grant", "State Digital Learning Grant", "29-E-2630-DLG", Kind.GRANT, False,
             "2027-06-30"),
]  # fmt: skip

# Where the money came from, by what was bought: ESSER III paid for devices bought
# between March 2021 and its end; later student devices came from the bond and the
# general fund; network gear from E-Rate; classroom displays from the bond.
ESSER_FROM = "2021-03-11"

ACCESSORIES = ["charger", "case"]

# --- Repairs ------------------------------------------------------------------------------

DAMAGE_WEIGHTS = (
    (DamageType.SCREEN, 44), (DamageType.KEYBOARD, 14), (DamageType.CHARGING, 9),
    (DamageType.HINGE, 9), (DamageType.LIQUID, 7), (DamageType.CHARGER, 8),
    (DamageType.NONE, 7), (DamageType.OTHER, 2),
)  # fmt: skip
FEES: dict[str, Decimal] = {
    DamageType.SCREEN: Decimal("40.00"),
    DamageType.KEYBOARD: Decimal("30.00"),
    DamageType.CHARGING: Decimal("30.00"),
    DamageType.HINGE: Decimal("25.00"),
    DamageType.LIQUID: Decimal("75.00"),
    DamageType.CHARGER: Decimal("25.00"),
    DamageType.OTHER: Decimal("25.00"),
}
LOST_DEVICE_FEE = Decimal("200.00")
FEE_SHARE = 0.65
LABOR_RATE = Decimal("34.00")  # the district's technician hour, for in-house repairs

PROBLEMS: dict[str, list[str]] = {
    DamageType.SCREEN: [
        "Screen cracked in the corner, touch still works.",
        "Dropped in the hallway; the display is shattered.",
        "Lines across the screen after it was closed on a pencil.",
        "Screen black but the keyboard lights up.",
    ],
    DamageType.KEYBOARD: [
        "Several keys missing.", "Touchpad does not click.", "Keys stick after a spill of juice.",
    ],
    DamageType.CHARGING: [
        "Does not charge; the light stays off.", "Battery lasts less than an hour.",
        "Charging port loose.",
    ],
    DamageType.HINGE: ["Hinge broken; the lid flops.", "Case cracked at the hinge."],
    DamageType.LIQUID: ["Water bottle leaked in the backpack; will not turn on.",
                        "Milk spilled on the keyboard at lunch."],
    DamageType.CHARGER: ["Charger lost.", "Charger cable frayed."],
    DamageType.NONE: ["Will not boot; stuck on the logo.", "Wi-Fi drops every few minutes.",
                      "Camera not detected."],
    DamageType.OTHER: ["Speaker crackles.", "Webcam cover snapped off and the lens is scratched."],
}  # fmt: skip
RESOLUTIONS: dict[str, str] = {
    DamageType.SCREEN: "Replaced the display panel; tested touch and camera.",
    DamageType.KEYBOARD: "Replaced the keyboard and palm rest.",
    DamageType.CHARGING: "Replaced the battery and charging board.",
    DamageType.HINGE: "Replaced the hinges and bottom cover.",
    DamageType.LIQUID: "Depot replaced the motherboard and keyboard.",
    DamageType.CHARGER: "Issued a new charger.",
    DamageType.NONE: "Warranty repair at the manufacturer's depot.",
    DamageType.OTHER: "Replaced the damaged part.",
}
# Parts by damage type: (description, part number prefix, lowest and highest unit cost).
PARTS: dict[str, tuple[str, str, int, int]] = {
    DamageType.SCREEN: ('11.6" HD display panel', "LCD", 38, 62),
    DamageType.KEYBOARD: ("Keyboard and palm rest assembly", "KB", 34, 58),
    DamageType.CHARGING: ("Battery, 3-cell", "BAT", 32, 55),
    DamageType.HINGE: ("Hinge set, left and right", "HNG", 12, 24),
    DamageType.LIQUID: ("System board", "MB", 115, 170),
    DamageType.CHARGER: ("45W USB-C power adapter", "PSU", 22, 29),
    DamageType.OTHER: ("Speaker set", "SPK", 9, 16),
}
TOUCH_SCREEN = ('11.6" touch display assembly', "LCDT", 78, 112)
WAIVER_REASONS = [
    "Family qualifies for free meals: fee waived per board policy 3620.",
    "First incident this year; waived by the principal.",
    "Damage caused by a defect, not by the student.",
]
