"""Page forms for device records: the list's filters, a device's facts, its status.

The forms validate shape and labels; `devices.services.records` normalizes codes,
checks uniqueness and writes. A service's refusal is put back on the form beside the
field it names (`add_service_errors`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from hatrack.devices.models import Category, Device, DeviceModel, Status, normalize_code
from hatrack.devices.queries.devices import FLEET
from hatrack.devices.services.records import MANUAL_STATUSES
from hatrack.directory.forms import FilterForm, ServiceForm, search_field, site_field
from hatrack.directory.models import FundingSource, Room, Vendor

STATUS_FILTER_CHOICES = [
    ("", "Any status"),
    (FLEET, "In the fleet (in stock, deployed, loaner, in repair)"),
    *Status.choices,
]
EXPIRED_CHOICES = [
    ("", "Any"),
    ("warranty", "Warranty ended"),
    ("aue", "Auto-update expired"),
    ("both", "Both ended"),
]


def _typed_choice(label: str, empty: str, choices: list[tuple[Any, str]]) -> forms.Field:
    return forms.TypedChoiceField(
        required=False, label=label, coerce=int, empty_value=None, choices=[("", empty), *choices]
    )


class DeviceFilterForm(FilterForm):
    """The device list's search box and filters, read from the query string.

    Room and holder have no select (a district has thousands): they arrive as ids from
    the links of a room's or a person's page, and are kept as hidden fields.
    """

    q = search_field("Serial number, asset tag or holder's name")
    site = site_field()
    status = forms.ChoiceField(required=False, label="Status", choices=STATUS_FILTER_CHOICES)
    category = forms.ChoiceField(
        required=False, label="Category", choices=[("", "Any category"), *Category.choices]
    )
    model = _typed_choice("Model", "Any model", [])
    funding_source = _typed_choice("Funding source", "Any funding source", [])
    expired = forms.ChoiceField(required=False, label="Ended", choices=EXPIRED_CHOICES)
    room = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    holder = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        model_choices: list[tuple[int, str]] | None = None,
        fund_choices: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, empty, choices in (
            ("model", "Any model", model_choices),
            ("funding_source", "Any funding source", fund_choices),
        ):
            field = self.fields[name]
            if choices is not None and isinstance(field, forms.ChoiceField):
                field.choices = [("", empty), *choices]

    def filters(self) -> dict[str, Any]:
        """Clean filter values for `devices_matching`; anything invalid is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        expired = data.get("expired") or ""
        return {
            "q": data.get("q") or "",
            "site": data.get("site"),
            "room": data.get("room"),
            "status": data.get("status") or "",
            "model": data.get("model"),
            "category": data.get("category") or "",
            "holder": data.get("holder"),
            "funding_source": data.get("funding_source"),
            "warranty_expired": expired in ("warranty", "both"),
            "aue_expired": expired in ("aue", "both"),
        }


class CustomAttributesField(forms.Field):
    """The district's own attributes as lines of `name: value` (e.g. `Cart: 3B`)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return "\n".join(f"{name}: {item}" for name, item in value.items())
        return value

    def to_python(self, value: Any) -> dict[str, str]:
        text = str(value or "")
        found: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            name, colon, item = line.partition(":")
            if not colon or not name.strip():
                raise ValidationError(f"Line {number}: write a name, a colon, then the value.")
            found[name.strip()[:100]] = item.strip()[:500]
        return found


class DeviceForm(ServiceForm):
    """A device's facts. The holder and status are not here: check-out, check-in and the
    status form change them."""

    custom = CustomAttributesField(
        label="Custom attributes",
        required=False,
        help_text="One per line, a name and a value: “Cart: 3B”.",
    )

    class Meta:
        model = Device
        fields = [
            "serial_number",
            "asset_tag",
            "model",
            "condition",
            "site",
            "room",
            "purchase_order",
            "purchased_on",
            "cost",
            "funding_source",
            "vendor",
            "warranty_ends_on",
            "auto_update_expiration",
            "wifi_mac",
            "ethernet_mac",
            "notes",
            "custom",
        ]
        labels = {"warranty_ends_on": "Warranty ends", "purchased_on": "Purchased on"}
        widgets = {
            "purchased_on": forms.DateInput(attrs={"type": "date"}),
            "warranty_ends_on": forms.DateInput(attrs={"type": "date"}),
            "auto_update_expiration": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "serial_number": "As printed on the device; stored in capitals without spaces.",
            "asset_tag": "The district's label, if it has one yet.",
            "room": "A room of the device's site.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.model_id if self.instance else None
        choose = self.fields["model"]
        if isinstance(choose, forms.ModelChoiceField):
            models = DeviceModel.objects.filter(active=True)
            if current:
                models = DeviceModel.objects.filter(active=True) | DeviceModel.objects.filter(
                    pk=current
                )
            choose.queryset = models.only("id", "manufacturer", "name")
        rooms = self.fields["room"]
        if isinstance(rooms, forms.ModelChoiceField):
            rooms.queryset = (
                Room.objects.filter(active=True)
                .select_related("site")
                .order_by("site__name", "name")
            )
            rooms.empty_label = "No room"
        for name, model in (("funding_source", FundingSource), ("vendor", Vendor)):
            field = self.fields[name]
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = model.objects.filter(active=True).only("id", "name")

    def clean_serial_number(self) -> str:
        return normalize_code(self.cleaned_data.get("serial_number") or "")

    def clean_asset_tag(self) -> str | None:
        return normalize_code(self.cleaned_data.get("asset_tag") or "") or None

    def validate_unique(self) -> None:
        """The service checks serial numbers and asset tags, naming the other device."""


class DeviceStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="New status",
        choices=[(s.value, s.label) for s in MANUAL_STATUSES],
        help_text=(
            "A checked-out device marked lost or stolen is checked in from its holder. "
            "Check a device in before retiring or disposing of it."
        ),
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example a police report number or where it was last seen.",
    )


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's refusal beside the fields it names (the rest above the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
