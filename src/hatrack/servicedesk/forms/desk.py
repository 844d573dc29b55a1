"""Forms of the technician's workspace: the queue's filters, bulk actions, a ticket's
reply, fields, merge and split, canned responses, saved views and new tickets."""

from __future__ import annotations

from typing import Any

from django import forms

from hatrack.devices.models import Device
from hatrack.directory.forms import FilterForm, search_field
from hatrack.directory.models import Person
from hatrack.servicedesk.forms.portal import cleaned_reply_files, reply_attachments_field
from hatrack.servicedesk.models import REFERENCE_PATTERN, CannedResponse, Queue, Ticket
from hatrack.servicedesk.queries import OPEN, SLA_STATES

ANY = ""
DATE = forms.DateInput(attrs={"type": "date"})


def _choice(label: str, empty: str, choices: list[tuple[Any, str]] | None = None) -> Any:
    return forms.ChoiceField(required=False, label=label, choices=[(ANY, empty), *(choices or [])])


def _offer(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    """Set a choice field's choices (filled per request: queues, people, categories)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} offers no choices")
    field.choices = choices


def _typed(label: str, empty: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        required=False, label=label, coerce=int, empty_value=None, choices=[(ANY, empty)]
    )


class QueueFilterForm(FilterForm):
    """The queue's filters, read from the query string. Invalid values are ignored."""

    q = search_field("Subject words or HT-000123")
    status = _choice("Status", "Any status", [(OPEN, "Open (not done)"), *Ticket.Status.choices])
    queue = _typed("Queue", "Any queue")
    assignee = _choice("Assignee", "Anyone")
    priority = _choice("Priority", "Any priority", Ticket.Priority.choices)
    site = _typed("Site", "Any site")
    category = _typed("Category", "Any category")
    team = _typed("Team", "Any team")
    channel = _choice("Channel", "Any channel", Ticket.Channel.choices)
    sla = _choice("SLA", "Any SLA state", list(SLA_STATES.items()))
    tag = forms.CharField(required=False, label="Tag", max_length=50)
    requester = forms.IntegerField(required=False, widget=forms.HiddenInput)
    created_from = forms.DateField(required=False, label="Created from", widget=DATE)
    created_to = forms.DateField(required=False, label="Created to", widget=DATE)
    updated_from = forms.DateField(required=False, label="Updated from", widget=DATE)
    updated_to = forms.DateField(required=False, label="Updated to", widget=DATE)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[Any, str]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        empty = {"queue": "Any queue", "site": "Any site", "category": "Any category"}
        for name in ("queue", "site", "category", "team"):
            _offer(self, name, [(ANY, empty.get(name, "Any team")), *choices[name]])
        people = [(str(pk), name) for pk, name in choices["assignee"]]
        _offer(
            self,
            "assignee",
            [
                (ANY, "Anyone"),
                ("me", "Me"),
                ("none", "Unassigned"),
                ("someone", "Assigned to someone"),
                *people,
            ],
        )

    def filters(self) -> dict[str, Any]:
        """Each filter's clean value; a field that does not validate counts as unset."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        values = {name: data.get(name) for name in self.fields}
        for name in self.errors:
            values[name] = None
        values["q"] = " ".join(str(values.get("q") or "").split())
        return values

    def active(self) -> bool:
        return any(value not in (None, "") for value in self.filters().values())

    def selects(self) -> list[dict[str, Any]]:
        return [s for s in super().selects() if s["name"] not in ("q",)]


class BulkForm(forms.Form):
    """An action on the tickets chosen in the queue (their ids arrive as `ticket`)."""

    ACTIONS = [
        ("assign_me", "Assign to me"),
        ("assign", "Assign to…"),
        ("status", "Set status to…"),
        ("close", "Close"),
        ("merge", "Merge into…"),
    ]
    action = forms.ChoiceField(label="Action", choices=ACTIONS)
    assignee = forms.TypedChoiceField(
        required=False, label="Assignee", coerce=int, empty_value=None, choices=[]
    )
    status = forms.ChoiceField(required=False, label="Status", choices=Ticket.Status.choices)
    into = forms.CharField(required=False, label="Merge into", max_length=30)

    def __init__(self, *args: Any, workers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "assignee", [(ANY, "Nobody (unassign)"), *workers])

    def clean_into(self) -> int | None:
        return parse_ticket_number(self.cleaned_data.get("into", ""))


def parse_ticket_number(text: str) -> int | None:
    """HT-000123, ht-123 or 123: the ticket number, or None."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    match = REFERENCE_PATTERN.search(text)
    if match is None:
        raise forms.ValidationError("Write the ticket's reference, such as HT-000123.")
    return int(match.group(1))


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=50_000,
    )
    internal = forms.BooleanField(
        required=False,
        label="Internal note",
        help_text="Only technicians, leaders and viewers see internal notes.",
    )
    canned = forms.TypedChoiceField(
        required=False, label="Canned response", coerce=int, empty_value=None, choices=[]
    )
    attachments = reply_attachments_field()

    def __init__(self, *args: Any, canned: list[CannedResponse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "canned", [(ANY, "Choose a response…"), *((c.pk, c.title) for c in canned)])

    def clean_attachments(self) -> list[tuple[str, bytes, str]]:
        return cleaned_reply_files(self.cleaned_data.get("attachments") or [])


class TicketFieldsForm(forms.Form):
    """Status, priority, category, assignee, team and tags of one ticket."""

    status = forms.ChoiceField(label="Status", choices=Ticket.Status.choices)
    priority = forms.ChoiceField(label="Priority", choices=Ticket.Priority.choices)
    category = _typed("Category", "No category")
    assignee = _typed("Assignee", "Unassigned")
    team = _typed("Team", "No team")
    tags = forms.CharField(
        required=False, label="Tags", max_length=500, help_text="Separate tags with commas."
    )

    def __init__(
        self, *args: Any, choices: dict[str, list[tuple[int, str]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        empty = {"category": "No category", "assignee": "Unassigned", "team": "No team"}
        for name in ("category", "assignee", "team"):
            _offer(self, name, [(ANY, empty[name]), *choices[name]])

    def tag_names(self) -> list[str]:
        return [name for name in self.cleaned_data["tags"].split(",") if name.strip()]


class MergeForm(forms.Form):
    into = forms.CharField(
        label="Merge into ticket",
        max_length=30,
        help_text="The reference of the ticket that carries on, such as HT-000123.",
    )

    def clean_into(self) -> int:
        number = parse_ticket_number(self.cleaned_data["into"])
        if number is None:
            raise forms.ValidationError("Write the reference of the ticket to merge into.")
        return number


class SplitForm(forms.Form):
    message = forms.IntegerField(widget=forms.HiddenInput)
    subject = forms.CharField(
        required=False,
        label="Subject of the new ticket",
        max_length=200,
        help_text="Leave empty to use “Split from …” and this ticket's subject.",
    )


class CannedResponseForm(forms.Form):
    title = forms.CharField(label="Title", max_length=100)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=(
            "Placeholders: {{ requester.first_name }}, {{ requester.name }}, "
            "{{ ticket.reference }}, {{ ticket.subject }}, {{ technician.name }}."
        ),
    )
    queue = forms.ModelChoiceField(
        required=False,
        label="Queue",
        queryset=Queue.objects.filter(active=True),
        empty_label="Every queue",
    )
    shared = forms.BooleanField(
        required=False,
        label="Share with every technician",
        help_text="Only technology leaders can share responses.",
    )


class SavedViewForm(forms.Form):
    name = forms.CharField(label="Name this view", max_length=100)
    shared = forms.BooleanField(required=False, label="Share with every technician")
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)


class RenameViewForm(forms.Form):
    name = forms.CharField(label="New name", max_length=100)


class TicketCreateForm(forms.Form):
    """A ticket a technician opens on someone's behalf (a phone call, a walk-in)."""

    requester = forms.ModelChoiceField(
        label="Requester",
        queryset=Person.objects.filter(active=True),
        widget=forms.HiddenInput,
        error_messages={"required": "Search for the person and choose them from the list."},
    )
    queue = forms.ModelChoiceField(
        label="Queue", queryset=Queue.objects.filter(active=True), empty_label=None
    )
    channel = forms.ChoiceField(
        label="How they asked",
        choices=[
            (Ticket.Channel.PHONE, "Phone"),
            (Ticket.Channel.WALK_IN, "Walk-in"),
            (Ticket.Channel.EMAIL, "Email"),
            (Ticket.Channel.PORTAL, "Portal"),
        ],
    )
    priority = forms.ChoiceField(
        label="Priority", choices=Ticket.Priority.choices, initial=Ticket.Priority.NORMAL
    )
    subject = forms.CharField(label="Subject", max_length=200)
    description = forms.CharField(
        label="What they need", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    # Rendered by hand from the requester's devices (devices.holdings.device_choices),
    # never as a widget listing the whole fleet.
    device = forms.ModelChoiceField(
        label="Device",
        required=False,
        queryset=Device.objects.only("id", "serial_number", "asset_tag", "holder_id"),
        error_messages={"invalid_choice": "Choose one of the requester's devices."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        device, requester = data.get("device"), data.get("requester")
        if device is not None and requester is not None and device.holder_id != requester.pk:
            self.add_error("device", f"{requester} does not hold {device.label}.")
        return data
