"""The metrics page's filters: a range of dates (a preset or two dates), a queue, a site."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms

from hatrack.directory.models import Site
from hatrack.servicedesk.metrics.figures import Scope
from hatrack.servicedesk.metrics.period import (
    CUSTOM,
    LAST_12_WEEKS,
    LONGEST,
    PRESETS,
    Period,
    preset_period,
)
from hatrack.servicedesk.models import Queue

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MetricsFilterForm(forms.Form):
    range = forms.ChoiceField(label="Period", choices=PRESETS, required=False)
    start = forms.DateField(label="From", required=False, widget=DATE)
    end = forms.DateField(label="To (included)", required=False, widget=DATE)
    queue = forms.ModelChoiceField(
        label="Queue",
        queryset=Queue.objects.only("id", "name").order_by("name"),
        required=False,
        empty_label="All queues",
    )
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.filter(active=True).only("id", "name").order_by("name"),
        required=False,
        empty_label="All sites",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("range") != CUSTOM:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None:
            self.add_error("start", "Choose the first day of the period.")
        if end is None:
            self.add_error("end", "Choose the last day of the period.")
        if start and end and start > end:
            self.add_error("end", "The last day comes before the first; swap them.")
        elif start and end and end - start > LONGEST:
            self.add_error("end", "Choose a period of at most three years.")
        return data

    def scope(self, zone: zoneinfo.ZoneInfo) -> Scope:
        """What the valid filters ask for (the default: the last 12 weeks, everything)."""
        data = self.cleaned_data
        if data.get("range") == CUSTOM:
            period = Period(data["start"], data["end"], zone)
        else:
            period = preset_period(data.get("range") or LAST_12_WEEKS, zone)
        queue, site = data.get("queue"), data.get("site")
        return Scope(period, queue=queue.pk if queue else None, site=site.pk if site else None)
