"""The maintenance window form: times typed in the district's time zone."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from hatrack.systems.forms.incidents import local_moment, system_queryset
from hatrack.systems.models import System

LOCAL_INPUT = {"type": "datetime-local"}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _moment_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs=LOCAL_INPUT, format=LOCAL_FORMAT),
        help_text="In the district's time zone.",
    )


class MaintenanceForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="What the work is, in a few words.")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Plain words for the status page: what will be unavailable, and how long.",
    )
    systems = forms.ModelMultipleChoiceField(
        queryset=System.objects.none(),
        help_text="Alerts from these systems, and those depending on them, are held back.",
    )
    starts_at = _moment_field("Starts at")
    ends_at = _moment_field("Ends at")
    public = forms.BooleanField(
        required=False,
        initial=True,
        label="Show on the status page",
        help_text="Subscribers are told when it is scheduled.",
    )

    def __init__(self, *args: Any, zone: datetime.tzinfo, **kwargs: Any) -> None:
        initial = kwargs.get("initial") or {}
        for name in ("starts_at", "ends_at"):
            if isinstance(initial.get(name), datetime.datetime):
                initial[name] = initial[name].astimezone(zone).strftime(LOCAL_FORMAT)
        super().__init__(*args, **kwargs)
        self.zone = zone
        systems = self.fields["systems"]
        systems = cast("forms.ModelMultipleChoiceField[System]", systems)
        systems.queryset = system_queryset()

    def clean_starts_at(self) -> datetime.datetime:
        return local_moment(self.cleaned_data["starts_at"], self.zone)

    def clean_ends_at(self) -> datetime.datetime:
        return local_moment(self.cleaned_data["ends_at"], self.zone)
