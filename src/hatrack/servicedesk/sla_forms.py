"""The SLA policy form: targets entered as business hours and minutes."""

from __future__ import annotations

import copy
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from hatrack.servicedesk.models import Category, Queue, SlaPolicy

TARGETS = {
    "first_response_minutes": "First response",
    "resolution_minutes": "Resolution",
    "warn_before_minutes": "Warn before",
}


def _hours_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=f"{label}: business hours", min_value=0, max_value=9999, required=False
    )


def _minutes_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=f"{label}: minutes", min_value=0, max_value=59, required=False)


class SlaPolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    """Who the policy covers, and its three times (each as hours plus minutes)."""

    class Meta:
        model = SlaPolicy
        fields = ["name", "queue", "category", "priority", "active"]
        help_texts = {
            "queue": "Leave empty for every queue.",
            "category": "Covers its subcategories too. Leave empty for every category.",
            "active": "Inactive policies stay on record but apply to no new ticket.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("instance") is not None:
            kwargs["instance"] = copy.copy(kwargs["instance"])
        instance = kwargs.get("instance")
        super().__init__(*args, **kwargs)
        for name, label in TARGETS.items():
            self.fields[f"{name}_hours"] = _hours_field(label)
            self.fields[f"{name}_mins"] = _minutes_field(label)
            minutes = getattr(instance, name, None) if instance is not None else None
            if minutes is None and name == "warn_before_minutes":
                minutes = 60
            if minutes is not None:
                self.initial[f"{name}_hours"], self.initial[f"{name}_mins"] = divmod(minutes, 60)
        queue_field = cast("forms.ModelChoiceField[Queue]", self.fields["queue"])
        category_field = cast("forms.ModelChoiceField[Category]", self.fields["category"])
        queue_field.queryset = Queue.objects.filter(active=True)
        queue_field.empty_label = "Every queue"
        category_field.queryset = Category.objects.filter(active=True).select_related("queue")
        category_field.empty_label = "Every category"
        category_field.label_from_instance = lambda c: f"{c.queue.name} › {c.name}"  # type: ignore[method-assign,assignment]

    def target_rows(self) -> list[dict[str, Any]]:
        """The three times for the template: a legend and the two bound fields each."""
        return [
            {"label": label, "hours": self[f"{name}_hours"], "mins": self[f"{name}_mins"],
             "name": name}
            for name, label in TARGETS.items()
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, label in TARGETS.items():
            hours, mins = data.get(f"{name}_hours") or 0, data.get(f"{name}_mins") or 0
            total = hours * 60 + mins
            data[name] = total
            if total == 0 and name != "warn_before_minutes":
                self.add_error(f"{name}_hours", f"Give the {label.lower()} target a time.")
        return data

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a service's refusal beside the field it names (targets: their hours box)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            field = f"{name}_hours" if name in TARGETS else name
            self.add_error(field if field in self.fields else None, errors)

    def values(self) -> dict[str, Any]:
        """Clean values for create_sla_policy/update_sla_policy, targets in minutes."""
        names = [*(self._meta.fields or ()), *TARGETS]
        return {name: self.cleaned_data[name] for name in names}
