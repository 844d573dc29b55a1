"""Devices: every Chromebook, laptop, display and switch the district owns.

Shaped for several hundred thousand rows: the list's filters (site, status, model,
holder, room) each have an index that ends in the list's order (serial number), and
serial numbers and asset tags are stored normalized (upper case, no spaces) so a scan
or a search is one index seek. Every change goes through `devices.services` and is
audited; check-outs live in `Assignment`, repairs in `Repair`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from hatrack.devices.models.catalog import DeviceModel
from hatrack.directory.models import FundingSource, Person, Room, Site, Vendor

if TYPE_CHECKING:
    import datetime

serial_number_format = RegexValidator(
    r"^[A-Z0-9][A-Z0-9._/-]{2,63}$",
    "A serial number is 3 to 64 letters, digits, dots, dashes or slashes.",
)
asset_tag_format = RegexValidator(
    r"^[A-Z0-9][A-Z0-9._-]{0,49}$",
    "An asset tag is up to 50 letters, digits, dots or dashes.",
)
mac_address_format = RegexValidator(
    r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$", "A MAC address is six pairs of hex digits."
)

_SPACES = re.compile(r"\s+")
_MAC_DIGITS = re.compile(r"[^0-9a-fA-F]")


def normalize_code(value: str) -> str:
    """Serial numbers and asset tags as stored and looked up: upper case, no spaces."""
    return _SPACES.sub("", value or "").upper()


def normalize_mac(value: str) -> str:
    """'A0-B1-C2-D3-E4-F5', 'a0b1c2d3e4f5' -> 'a0:b1:c2:d3:e4:f5'; '' stays ''.

    Anything that is not 12 hex digits is returned unchanged for the validator to refuse.
    """
    digits = _MAC_DIGITS.sub("", value or "").lower()
    if len(digits) != 12:
        return (value or "").strip()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


class Status(models.TextChoices):
    IN_STOCK = "in_stock", "In stock"
    DEPLOYED = "deployed", "Deployed"
    LOANER = "loaner", "Loaner"
    IN_REPAIR = "in_repair", "In repair"
    LOST = "lost", "Lost"
    STOLEN = "stolen", "Stolen"
    RETIRED = "retired", "Retired"
    DISPOSED = "disposed", "Disposed"


class Condition(models.TextChoices):
    NEW = "new", "New"
    GOOD = "good", "Good"
    FAIR = "fair", "Fair"
    POOR = "poor", "Poor"
    BROKEN = "broken", "Broken"


class Console(models.TextChoices):
    GOOGLE = "google", "Google Admin"
    INTUNE = "intune", "Microsoft Intune"


# Statuses of devices the district still has in hand (what audits and the fleet count).
IN_FLEET = (Status.IN_STOCK, Status.DEPLOYED, Status.LOANER, Status.IN_REPAIR)


class DeviceQuerySet(models.QuerySet["Device"]):
    def in_fleet(self) -> DeviceQuerySet:
        return self.filter(status__in=IN_FLEET)

    def at_site(self, site: Site | int) -> DeviceQuerySet:
        return self.filter(site=site)

    def held_by(self, person: Person | int) -> DeviceQuerySet:
        return self.filter(holder=person)


class Device(models.Model):
    """One physical device, known by its serial number and, once labelled, its asset tag.

    `holder` is the person who has it now (set and cleared only by check-out and
    check-in, which also write an `Assignment`); a device deployed to a room has `room`
    and no holder. The console fields come from Google Admin or Intune imports and say
    what the management console last saw; `custom` holds the district's own attributes.
    """

    serial_number = models.CharField(max_length=64, unique=True, validators=[serial_number_format])
    asset_tag = models.CharField(
        max_length=50, unique=True, null=True, blank=True, validators=[asset_tag_format]
    )
    model = models.ForeignKey(
        DeviceModel, on_delete=models.PROTECT, related_name="devices", db_index=False
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_STOCK)
    condition = models.CharField(max_length=10, choices=Condition.choices, default=Condition.GOOD)
    # Indexes below lead with site and with room; no single-column index of their own.
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="devices",
        db_index=False,
    )  # fmt: skip
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="devices"
    )
    holder = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    holder_since = models.DateTimeField(null=True, blank=True)
    # Purchase
    purchase_order = models.CharField("purchase order", max_length=50, blank=True)
    purchased_on = models.DateField(null=True, blank=True)
    cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    funding_source = models.ForeignKey(
        FundingSource, null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    warranty_ends_on = models.DateField(null=True, blank=True)
    auto_update_expiration = models.DateField(
        "auto-update expiration",
        null=True,
        blank=True,
        help_text="As the console reports it; empty means the model's date.",
    )
    # Network and management console
    wifi_mac = models.CharField(
        "Wi-Fi MAC", max_length=17, blank=True, validators=[mac_address_format]
    )
    ethernet_mac = models.CharField(
        "Ethernet MAC", max_length=17, blank=True, validators=[mac_address_format]
    )
    console = models.CharField(max_length=10, choices=Console.choices, blank=True)
    console_id = models.CharField(
        max_length=100, blank=True, help_text="The console's own device id."
    )
    org_unit = models.CharField("organizational unit", max_length=255, blank=True)
    os_version = models.CharField("OS version", max_length=100, blank=True)
    last_checkin_at = models.DateTimeField(
        "last check-in", null=True, blank=True, help_text="Last sync with the console."
    )
    console_user = models.CharField(
        "recent user", max_length=254, blank=True, help_text="As the console reports it."
    )
    console_seen_at = models.DateTimeField(
        null=True, blank=True, help_text="When a console import last listed this device."
    )
    notes = models.TextField(blank=True)
    custom = models.JSONField("custom attributes", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeviceQuerySet.as_manager()
    audit_exclude = ("updated_at", "console_seen_at")

    class Meta:
        ordering = ["serial_number"]
        indexes = [
            models.Index(fields=["site", "status", "serial_number"], name="device_site_status_idx"),
            models.Index(fields=["status", "serial_number"], name="device_status_idx"),
            models.Index(fields=["model", "serial_number"], name="device_model_idx"),
            models.Index(fields=["console", "console_id"], name="device_console_idx"),
            models.Index(fields=["purchased_on"], name="device_purchased_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
                name="device_cost_not_negative",
                violation_error_message="The cost cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("devices:device_detail", args=[self.pk])

    def clean(self) -> None:
        self.serial_number = normalize_code(self.serial_number)
        self.asset_tag = normalize_code(self.asset_tag or "") or None
        self.wifi_mac = normalize_mac(self.wifi_mac)
        self.ethernet_mac = normalize_mac(self.ethernet_mac)

    @property
    def label(self) -> str:
        """How people name a device: its asset tag, else its serial number."""
        return self.asset_tag or self.serial_number

    @property
    def update_expiration(self) -> datetime.date | None:
        """The device's own auto-update expiration, else its model's."""
        if self.auto_update_expiration:
            return self.auto_update_expiration
        return self.model.auto_update_expiration if self.model_id else None
