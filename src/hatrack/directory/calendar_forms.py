"""Page forms for the school calendar: a week of working hours, and a closure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from hatrack.directory.forms import ServiceForm, _choose_from
from hatrack.directory.models import Closure, Site, WorkingHours

DAYS = WorkingHours.Weekday.choices


class WeekHoursForm(forms.Form):
    """Open or closed, and from when to when, for each day of the week.

    For a site, `follow_district` (checked) drops the site's own hours so it follows the
    district's default again.
    """

    def __init__(self, *args: Any, for_site: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.for_site = for_site
        if for_site:
            self.fields["follow_district"] = forms.BooleanField(
                required=False,
                label="Follow the district's hours",
                help_text="Uncheck to give this site hours of its own below.",
            )
        for weekday, name in DAYS:
            self.fields[f"open_{weekday}"] = forms.BooleanField(
                required=False, label=f"{name} open"
            )
            self.fields[f"opens_{weekday}"] = forms.TimeField(
                required=False,
                label=f"{name} opens",
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"closes_{weekday}"] = forms.TimeField(
                required=False,
                label=f"{name} closes",
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )

    @staticmethod
    def initial_for(rows: list[WorkingHours], *, follow_district: bool = False) -> dict[str, Any]:
        initial: dict[str, Any] = {"follow_district": follow_district}
        for row in rows:
            initial[f"open_{row.weekday}"] = True
            initial[f"opens_{row.weekday}"] = row.opens
            initial[f"closes_{row.weekday}"] = row.closes
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("follow_district"):
            return data
        for weekday, name in DAYS:
            if not data.get(f"open_{weekday}"):
                continue
            opens, closes = data.get(f"opens_{weekday}"), data.get(f"closes_{weekday}")
            if opens is None and f"opens_{weekday}" not in self.errors:
                self.add_error(f"opens_{weekday}", f"Enter when the day starts on {name}.")
            if closes is None and f"closes_{weekday}" not in self.errors:
                self.add_error(f"closes_{weekday}", f"Enter when the day ends on {name}.")
            if opens is not None and closes is not None and closes <= opens:
                self.add_error(f"closes_{weekday}", "Closing time must be after opening time.")
        return data

    def week(self) -> dict[int, tuple[dt.time, dt.time]] | None:
        """The open days with their hours, or None when the site follows the district."""
        data = self.cleaned_data
        if self.for_site and data.get("follow_district"):
            return None
        return {
            weekday: (data[f"opens_{weekday}"], data[f"closes_{weekday}"])
            for weekday, _ in DAYS
            if data.get(f"open_{weekday}")
        }

    def days(self) -> list[dict[str, Any]]:
        """The grid's rows for the template: each day's three bound fields."""
        return [
            {
                "name": name,
                "open": self[f"open_{weekday}"],
                "opens": self[f"opens_{weekday}"],
                "closes": self[f"closes_{weekday}"],
            }
            for weekday, name in DAYS
        ]


class ClosureForm(ServiceForm):
    class Meta:
        model = Closure
        fields = ["name", "kind", "start_date", "end_date", "site"]
        labels = {"start_date": "First day", "end_date": "Last day"}
        help_texts = {
            "name": "As people call it: Thanksgiving break, Snow day.",
            "end_date": "Included. The same as the first day for a single day.",
            "site": "Leave as the whole district unless only one site is closed.",
        }
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(
            self.fields["site"], Site.objects.active().only("id", "name"), "The whole district"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The last day comes before the first; swap them.")
        return data
