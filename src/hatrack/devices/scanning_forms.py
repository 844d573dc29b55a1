"""Page forms for handing out and collecting: the scanner's session and scans, and the
check-out and check-in of one device. Validation and labels only; services write."""

from __future__ import annotations

from typing import Any

from django import forms

from hatrack.devices.models import (
    Assignment,
    Category,
    Condition,
    Device,
    Kit,
    ScanSession,
    Status,
)
from hatrack.directory.models import Grade, Person, Room, Site

# Accessories offered on the one-device check-out besides those of the kits in use.
COMMON_ACCESSORIES = ("charger", "case", "stylus", "headphones")
CONDITION_CHOICES = [("", "As it is"), *Condition.choices]


def _offer(field: forms.Field, items: list[str]) -> None:
    """Accessory checkboxes: the names as stored, shown capitalized."""
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{field!r} offers no choices")
    field.choices = [(item, item.capitalize()) for item in items]


def kit_choices() -> forms.ModelChoiceField[Kit]:
    return forms.ModelChoiceField(
        queryset=Kit.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="No kit",
        help_text="Its accessories go out with every device.",
    )


class ScanSessionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you doing?",
        choices=ScanSession.Kind.choices,
        widget=forms.RadioSelect,
        initial=ScanSession.Kind.DISTRIBUTE,
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.filter(active=True).only("id", "name").order_by("name"),
        required=False,
        empty_label="Any site",
        help_text="Devices of another site are refused as “wrong site”.",
    )
    kit = kit_choices()
    condition = forms.ChoiceField(
        choices=CONDITION_CHOICES,
        required=False,
        help_text="Recorded for every device; in a collection you can mark one device apart.",
    )


class ScanForm(forms.Form):
    """One scan. `condition` and `missing` mark one collected device apart from the rest."""

    value = forms.CharField(label="Scan", max_length=100, strip=True)
    condition = forms.ChoiceField(
        label="This device's condition", choices=CONDITION_CHOICES, required=False
    )
    missing = forms.MultipleChoiceField(
        label="Not returned with this device",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, accessories: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self.fields["missing"], accessories or [])


class CheckOutForm(forms.Form):
    """To a person (picked from a search) or to a room, with its kit and accessories."""

    holder = forms.ModelChoiceField(
        queryset=Person.objects.filter(active=True),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose an active person from the search."},
    )
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(),
        required=False,
        empty_label="No room (to a person)",
        help_text="For a device that stays in a classroom, a lab or an office.",
    )
    kit = kit_choices()
    accessories = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="Besides the kit's."
    )
    condition = forms.ChoiceField(choices=Condition.choices)
    due_on = forms.DateField(
        label="Due back",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty for a device kept all year.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, device: Device, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("condition", device.condition)
        super().__init__(*args, **kwargs)
        rooms = Room.objects.filter(active=True).select_related("site").order_by("name")
        if device.site_id:
            rooms = rooms.filter(site_id=device.site_id)
        self.fields["room"].queryset = rooms  # type: ignore[attr-defined]
        _offer(self.fields["accessories"], sorted({*COMMON_ACCESSORIES, *accessories_of_kits()}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and (data.get("holder") is None) == (data.get("room") is None):
            message = "Choose one person or one room."
            self.add_error("room" if data.get("room") else "holder", message)
        return data


class CheckInForm(forms.Form):
    condition = forms.ChoiceField(choices=Condition.choices)
    accessories = forms.MultipleChoiceField(
        label="Returned with it", required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(
        label="Goes to",
        choices=[(Status.IN_STOCK, "In stock"), (Status.IN_REPAIR, "In repair")],
        initial=Status.IN_STOCK,
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, device: Device, assignment: Assignment, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("condition", device.condition)
        initial.setdefault("accessories", list(assignment.accessories_out))
        super().__init__(*args, **kwargs)
        _offer(self.fields["accessories"], list(assignment.accessories_out))


class CollectionFilterForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.filter(active=True).only("id", "name").order_by("name"),
        required=False,
        empty_label="Every site",
    )
    grade = forms.ChoiceField(choices=[("", "Every grade"), *Grade.choices], required=False)
    kind = forms.ChoiceField(
        choices=[("", "Check-outs and loaners"), *Assignment.Kind.choices], required=False
    )
    category = forms.ChoiceField(
        label="Device", choices=[("", "Every kind of device"), *Category.choices], required=False
    )


def accessories_of_kits() -> set[str]:
    return {
        item
        for items in Kit.objects.filter(active=True).values_list("accessories", flat=True)
        for item in items or []
    }
