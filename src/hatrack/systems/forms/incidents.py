"""Page forms for incidents: the list's filters, opening one by hand, posting an update,
linking a ticket by its reference, and the post-incident review."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from hatrack.systems.models import ImpactLevel, IncidentSource, IncidentStatus, System

if TYPE_CHECKING:
    from hatrack.accounts.models import User
    from hatrack.servicedesk.models import Ticket


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


def system_queryset() -> Any:
    return System.objects.active().only("pk", "name", "tier").order_by("tier", "name")


class IncidentFilterForm(forms.Form):
    """The incident list's filters, read from the query string; bad values are ignored."""

    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any status"), ("open", "Open"), *IncidentStatus.choices],
    )
    system = forms.TypedChoiceField(
        required=False, label="System", coerce=int, empty_value=None, choices=()
    )
    source = forms.ChoiceField(
        required=False, label="Opened", choices=[("", "Any way"), *IncidentSource.choices]
    )
    start = forms.DateField(required=False, label="Started on or after")
    end = forms.DateField(required=False, label="Started on or before")

    def __init__(self, *args: Any, system_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["system"]
        field = cast("forms.ChoiceField", field)
        field.choices = [("", "Any system"), *system_choices]
        for name in ("start", "end"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields}

    def selects(self) -> list[dict[str, Any]]:
        chosen = self.data if self.is_bound else {}
        rows = []
        for name in ("status", "system", "source"):
            field = self.fields[name]
            field = cast("forms.ChoiceField", field)
            current = str(chosen.get(name) or "")
            options = [
                {"value": str(v), "label": label, "selected": str(v) == current}
                for v, label in cast("list[tuple[Any, str]]", field.choices)
            ]
            rows.append({"name": name, "id": f"id_{name}", "label": field.label,
                         "options": options})  # fmt: skip
        return rows

    def dates(self) -> list[dict[str, Any]]:
        chosen = self.data if self.is_bound else {}
        return [
            {"name": n, "id": f"id_{n}", "label": self.fields[n].label, "value": chosen.get(n, "")}
            for n in ("start", "end")
        ]


class IncidentForm(forms.Form):
    """Opening an incident by hand."""

    title = forms.CharField(max_length=200, help_text="What people notice, in a few words.")
    systems = forms.ModelMultipleChoiceField(
        queryset=System.objects.none(),
        help_text="The failing systems; those depending on them are worked out for you.",
    )
    impact_level = forms.ChoiceField(label="Impact", choices=ImpactLevel.choices)
    message = forms.CharField(
        label="First update",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Plain words: what is wrong and what you are doing about it.",
    )
    public = forms.BooleanField(
        required=False, initial=True, label="Show on the status page",
        help_text="Families and staff see the public title and public updates, nothing else.",
    )  # fmt: skip
    public_title = forms.CharField(
        max_length=200, required=False, label="Title on the status page",
        help_text="Plain words for families and staff. Leave empty for "
        "\u201c<systems> disruption\u201d. The title above stays internal.",
    )  # fmt: skip
    started_at = forms.DateTimeField(
        required=False, label="Started at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty for now. In the district's time zone.",
    )  # fmt: skip

    def __init__(self, *args: Any, zone: datetime.tzinfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        systems = self.fields["systems"]
        systems = cast("forms.ModelMultipleChoiceField[System]", systems)
        systems.queryset = system_queryset()

    def clean_started_at(self) -> datetime.datetime | None:
        value = self.cleaned_data.get("started_at")
        return local_moment(value, self.zone) if value else None


def local_moment(value: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime:
    """A datetime-local value read as the district's wall clock time (not the server's)."""
    return value.replace(tzinfo=None).replace(tzinfo=zone)


class UpdateForm(forms.Form):
    body = forms.CharField(label="Update", widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label="Status", choices=IncidentStatus.choices)
    public = forms.BooleanField(
        required=False, label="Public update",
        help_text="Shown on the status page and mailed to subscribers.",
    )  # fmt: skip


class TicketLinkForm(forms.Form):
    """A ticket by its reference ("HT-000123" or 123), among those the user may read."""

    ticket = forms.CharField(
        label="Ticket reference", max_length=20, help_text="For example HT-000123."
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_ticket(self) -> Ticket:
        from hatrack.servicedesk.models.tickets import parse_reference
        from hatrack.servicedesk.queries import get_ticket_for

        text = self.cleaned_data["ticket"].strip()
        number = int(text) if text.isdigit() else parse_reference(text.upper())
        if number is None:
            raise ValidationError("Type a ticket reference such as HT-000123.")
        try:
            return get_ticket_for(self.user, number)
        except Http404:
            raise ValidationError("There is no such ticket that you can see.") from None


class ReviewForm(forms.Form):
    review = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Markdown: what happened, when, how it was found and fixed, what we learned.",
    )
    root_cause = forms.CharField(max_length=300, required=False, label="Root cause")
    action_items = forms.CharField(
        required=False, label="Action items", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line: what will change so it does not happen again.",
    )  # fmt: skip
