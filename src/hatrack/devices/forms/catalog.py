"""Page forms for the catalog: a device model and a kit. Validation and labels only; the
catalog services clean, check and write."""

from __future__ import annotations

from typing import Any

from django import forms

from hatrack.devices.models import Category, DeviceModel, Kit
from hatrack.directory.forms import FilterForm, ServiceForm, search_field, status_field


class DeviceModelForm(ServiceForm):
    class Meta:
        model = DeviceModel
        fields = [
            "manufacturer",
            "name",
            "category",
            "auto_update_expiration",
            "expected_life_years",
            "replacement_cost",
            "notes",
            "active",
        ]
        labels = {
            "name": "Model",
            "expected_life_years": "Expected life (years)",
            "replacement_cost": "Replacement cost ($)",
        }
        help_texts = {
            "name": "As the manufacturer names it, e.g. 300e Chromebook Gen 3.",
            "expected_life_years": "How many years the district plans to keep one (1 to 20).",
            "active": "Inactive models stay on their devices but leave the pickers.",
        }
        widgets = {
            "auto_update_expiration": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class KitForm(ServiceForm):
    """A kit's accessories are typed one a line (or separated by commas)."""

    accessories = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, e.g. charger and case; up to 10, each up to 40 characters.",
    )

    class Meta:
        model = Kit
        fields = ["name", "category", "accessories", "active"]
        labels = {"category": "For devices of kind"}
        help_texts = {"active": "Inactive kits leave the scanner's picker."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        if isinstance(category, forms.ChoiceField):
            category.choices = [("", "Any kind of device"), *Category.choices]
        if self.instance.pk and not self.is_bound:
            self.initial["accessories"] = "\n".join(self.instance.accessories)

    def clean_accessories(self) -> list[str]:
        text = self.cleaned_data.get("accessories") or ""
        return [part for line in text.splitlines() for part in line.split(",")]


class ModelFilterForm(FilterForm):
    q = search_field("Manufacturer or model")
    category = forms.ChoiceField(
        required=False, label="Kind", choices=[("", "Any kind"), *Category.choices]
    )
    active = status_field()


class KitFilterForm(FilterForm):
    q = search_field("Kit name")
    category = forms.ChoiceField(
        required=False, label="For", choices=[("", "Any kind"), *Category.choices]
    )
    active = status_field()
