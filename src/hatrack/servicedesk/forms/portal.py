"""Forms of the staff portal: asking for help, replying, rating. Validation and labels
only; the services write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from hatrack.devices import holdings
from hatrack.devices.models import Device
from hatrack.directory.models import Site
from hatrack.servicedesk.models import Category, Queue
from hatrack.servicedesk.services.attachments import (
    CheckedFile,
    allowed_extensions,
    check_attachments,
    max_attachment_bytes,
    safe_filename,
)

if TYPE_CHECKING:
    from hatrack.accounts.models import User

DEFAULT_QUEUE_NAME = "Technology"


def portal_queues() -> QuerySet[Queue]:
    """The queues people can ask for help in: the active ones, by name."""
    return Queue.objects.filter(active=True).only("id", "name").order_by("name")


def default_queue(queues: list[Queue]) -> Queue | None:
    """Technology when it takes tickets (most requests are for it), else the first."""
    for queue in queues:
        if queue.name.casefold() == DEFAULT_QUEUE_NAME.casefold():
            return queue
    return queues[0] if queues else None


def category_choices(queue_id: int | None) -> list[tuple[str, str]]:
    """The queue's active categories as (id, "Hardware › Chromebook") in label order."""
    if queue_id is None:
        return []
    rows = Category.objects.filter(queue_id=queue_id, active=True).values("id", "name", "parent_id")
    by_id = {row["id"]: row for row in rows}

    def label(row: Any) -> str:
        parts, seen = [row["name"]], {row["id"]}
        parent = by_id.get(row["parent_id"])
        while parent is not None and parent["id"] not in seen:
            parts.insert(0, parent["name"])
            seen.add(parent["id"])
            parent = by_id.get(parent["parent_id"])
        return " › ".join(parts)

    return sorted(((str(pk), label(row)) for pk, row in by_id.items()), key=lambda c: c[1])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one `<input type="file" multiple>`, as a list."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def attachments_help_text() -> str:
    """What may be attached, for every file field of the service desk."""
    return (
        f"Optional. Screenshots, photos or documents up to "
        f"{filesizeformat(max_attachment_bytes())} each ({allowed_extensions()})."
    )


def checked_uploads(uploads: list[Any]) -> list[CheckedFile]:
    """Check every uploaded file before any is stored; all problems in one error."""
    return check_attachments(read_uploads(uploads))


def read_uploads(uploads: list[Any]) -> list[tuple[str, bytes, str]]:
    """The uploaded files as (name, bytes, declared type), for `check_attachments`.

    A file over the size limit is refused from its declared size, unread, so a huge
    upload never sits in memory."""
    limit = max_attachment_bytes()
    too_big = [
        f"{safe_filename(u.name or '')} is {filesizeformat(u.size or 0)}; files can be at most "
        f"{filesizeformat(limit)}."
        for u in uploads
        if (u.size or 0) > limit
    ]
    if too_big:
        raise ValidationError(too_big)
    return [(u.name or "", u.read(), u.content_type or "") for u in uploads]


def reply_attachments_field() -> MultipleFileField:
    """The optional file input of a reply or note box (portal and desk alike)."""
    return MultipleFileField(
        label="Attach files (optional)", required=False, help_text=attachments_help_text()
    )


def cleaned_reply_files(uploads: list[Any]) -> list[tuple[str, bytes, str]]:
    """Read and check a reply's uploads, so refusals show beside the field; the service
    checks them again before writing."""
    files = read_uploads(uploads)
    check_attachments(files)
    return files


class TicketRequestForm(forms.Form):
    """Ask for help: which queue, what kind of problem, what happened, where, files."""

    queue = forms.ModelChoiceField(
        queryset=Queue.objects.none(),
        label="Who can help",
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the help desks listed."},
    )
    category = forms.ChoiceField(
        label="Kind of problem",
        required=False,
        error_messages={"invalid_choice": "Choose one of the kinds listed, or “Not sure”."},
    )
    subject = forms.CharField(
        label="What do you need help with?",
        max_length=200,
        help_text="A short summary, such as “Projector in room 12 shows no picture”.",
        error_messages={"required": "Say in a few words what you need help with."},
    )
    description = forms.CharField(
        label="Details",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What happened, what you tried, any error message you saw.",
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), label="Where", required=False, empty_label="No one site"
    )
    attachments = MultipleFileField(label="Attachments", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queues = list(portal_queues())
        self.queues = queues
        queue_field = cast("forms.ModelChoiceField[Any]", self.fields["queue"])
        queue_field.queryset = portal_queues()
        chosen = self._chosen_queue(queues)
        self.initial.setdefault("queue", chosen.pk if chosen else None)
        if len(queues) <= 1:
            queue_field.widget = forms.HiddenInput()
        else:
            queue_field.widget.attrs.update(
                {
                    "hx-get": reverse("portal:category_options"),
                    "hx-target": "#category-field",
                    "hx-swap": "outerHTML",
                    "hx-trigger": "change",
                }
            )
        category_field = cast("forms.ChoiceField", self.fields["category"])
        category_field.choices = [
            ("", "Not sure"),
            *category_choices(chosen.pk if chosen else None),
        ]
        site_field = cast("forms.ModelChoiceField[Any]", self.fields["site"])
        site_field.queryset = Site.objects.filter(active=True).only("id", "name").order_by("name")
        person = user.person
        if person is not None and person.primary_site_id is not None:
            self.initial.setdefault("site", person.primary_site_id)
        self.fields["subject"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse("portal:suggestions"),
                "hx-trigger": "keyup changed delay:300ms",
                "hx-target": "#suggestions",
                "hx-swap": "innerHTML",
                "aria-describedby": "id_subject_helptext suggestions",
            }
        )
        self.fields["attachments"].help_text = attachments_help_text()
        self._offer_devices(person)

    def _offer_devices(self, person: Any) -> None:
        """Which of the asker's own devices it is about, when they hold any: only devices
        they hold are offered, and only those are accepted."""
        choices = holdings.device_choices(person)
        if choices:
            self.fields["device"] = forms.TypedChoiceField(
                label="Which device?",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "Not about one of my devices"), *choices],
                help_text="A device you have from the district (asset tag on its label).",
                error_messages={"invalid_choice": "Choose one of the devices you hold."},
            )

    def clean_device(self) -> Device | None:
        pk = self.cleaned_data.get("device")
        return Device.objects.filter(pk=pk).first() if pk else None

    def _chosen_queue(self, queues: list[Queue]) -> Queue | None:
        """The queue whose categories to offer: the one submitted, else the default."""
        raw = self.data.get("queue") if self.is_bound else self.initial.get("queue")
        for queue in queues:
            if str(queue.pk) == str(raw):
                return queue
        return default_queue(queues)

    @property
    def single_queue(self) -> bool:
        return len(self.queues) <= 1

    def clean_category(self) -> Category | None:
        value = self.cleaned_data.get("category")
        if not value:
            return None
        return Category.objects.filter(pk=value).first()

    def clean_attachments(self) -> list[CheckedFile]:
        return checked_uploads(self.cleaned_data.get("attachments") or [])


class CategoryChoiceForm(forms.Form):
    """The category field alone, for the htmx swap when the queue changes."""

    category = forms.ChoiceField(label="Kind of problem", required=False)

    def __init__(self, *args: Any, queue_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ChoiceField", self.fields["category"])
        field.choices = [("", "Not sure"), *category_choices(queue_id)]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write a reply before sending it."},
    )
    attachments = reply_attachments_field()

    def clean_attachments(self) -> list[tuple[str, bytes, str]]:
        return cleaned_reply_files(self.cleaned_data.get("attachments") or [])


SCORE_CHOICES = [
    ("1", "1 – Poor"),
    ("2", "2 – Fair"),
    ("3", "3 – Good"),
    ("4", "4 – Very good"),
    ("5", "5 – Excellent"),
]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How did we do?",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5."},
    )
    comment = forms.CharField(
        label="Anything to add?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
