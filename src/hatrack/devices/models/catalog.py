"""The catalog: the kinds of device the district owns, and the kits handed out with them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Category(models.TextChoices):
    CHROMEBOOK = "chromebook", "Chromebook"
    WINDOWS = "windows", "Windows laptop"
    MAC = "mac", "Mac"
    TABLET = "tablet", "iPad / tablet"
    DESKTOP = "desktop", "Desktop"
    DISPLAY = "display", "Display / projector"
    PRINTER = "printer", "Printer"
    ACCESS_POINT = "access_point", "Access point"
    SWITCH = "switch", "Switch"
    PHONE = "phone", "Phone"
    HOTSPOT = "hotspot", "Hotspot"
    OTHER = "other", "Other"


class DeviceModel(models.Model):
    """A make and model, e.g. Lenovo 300e Chromebook Gen 3.

    `auto_update_expiration` is Google's date after which a ChromeOS model gets no more
    updates (the hard end of its life); `expected_life_years` is the district's plan for
    every other kind. `replacement_cost` prices the refresh forecast.
    """

    manufacturer = models.CharField(max_length=100)
    name = models.CharField(max_length=200, help_text="As the manufacturer names it.")
    category = models.CharField(max_length=20, choices=Category.choices)
    auto_update_expiration = models.DateField(
        "auto-update expiration",
        null=True,
        blank=True,
        help_text="ChromeOS models: the last month Google updates this model.",
    )
    expected_life_years = models.PositiveSmallIntegerField(default=4)
    replacement_cost = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Price of a new one."
    )
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["manufacturer", "name"]
        indexes = [models.Index(fields=["category", "manufacturer"], name="devicemodel_cat_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "name"],
                name="devicemodel_unique",
                violation_error_message="This model is already in the catalog.",
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(manufacturer=""),
                name="devicemodel_name_required",
                violation_error_message="A model needs a manufacturer and a name.",
            ),
            models.CheckConstraint(
                condition=Q(expected_life_years__gte=1) & Q(expected_life_years__lte=20),
                name="devicemodel_life_range",
                violation_error_message="Expected life is between 1 and 20 years.",
            ),
        ]

    def __str__(self) -> str:
        if self.name.lower().startswith(self.manufacturer.lower()):
            return self.name
        return f"{self.manufacturer} {self.name}"


class Kit(models.Model):
    """What is handed out together: a Chromebook with its charger and case, in one scan.

    `accessories` is the list of accessory names (e.g. ["charger", "case"]) recorded on
    every check-out made with the kit; `category` limits the kit to one kind of device.
    """

    name = models.CharField(max_length=100, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    accessories = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="kit_name_required",
                violation_error_message="A kit needs a name.",
            )
        ]

    def __str__(self) -> str:
        return self.name
