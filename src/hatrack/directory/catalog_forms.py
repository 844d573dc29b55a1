"""Page forms for rooms, vendors and funding sources; the catalog services do the writing."""

from __future__ import annotations

from django import forms

from hatrack.directory.forms import FilterForm, ServiceForm, search_field, status_field
from hatrack.directory.models import FundingSource, Room, Vendor


class RoomForm(ServiceForm):
    class Meta:
        model = Room
        fields = ["name", "kind", "active"]
        help_texts = {"active": "Rooms out of use stay on record but leave the pickers."}


class VendorForm(ServiceForm):
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Vendor
        fields = ["name", "website", "email", "phone", "account_number", "notes", "active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"active": "Inactive vendors stay on record but leave the pickers."}
        error_messages = {"name": {"unique": "Another vendor is already called this."}}


class FundingSourceForm(ServiceForm):
    class Meta:
        model = FundingSource
        fields = ["name", "code", "kind", "recurring", "ends_on", "active"]
        labels = {"ends_on": "Ends on"}
        widgets = {"ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "code": "The finance office's code, if it has one.",
            "ends_on": "For grants and one-time money: when it runs out.",
            "active": "Inactive sources stay on record but leave the pickers.",
        }
        error_messages = {"name": {"unique": "Another funding source is already called this."}}


class VendorFilterForm(FilterForm):
    q = search_field("Name, email or account number")
    active = status_field()


class FundingFilterForm(FilterForm):
    q = search_field("Name or code")
    kind = forms.ChoiceField(
        required=False, label="Kind", choices=[("", "Any kind"), *FundingSource.Kind.choices]
    )
    active = status_field()
