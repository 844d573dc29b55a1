"""Forms of the alerting settings: on-duty shifts, webhooks, escalation and status page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from hatrack.accounts.models import User
from hatrack.systems.models import WebhookFormat
from hatrack.systems.services.alerting_settings import ON_DUTY_ROLES

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OnDutyUserField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.role_label})"


class ShiftForm(forms.Form):
    user = OnDutyUserField(
        queryset=User.objects.none(), label="Person", empty_label="Choose a person"
    )
    level = forms.TypedChoiceField(
        choices=[(1, "Level 1 (alerted first)"), (2, "Level 2 (escalation)")], coerce=int
    )
    starts_at = forms.DateTimeField(
        label="Starts", input_formats=DATETIME_FORMATS, widget=LocalDateTimeInput()
    )
    ends_at = forms.DateTimeField(
        label="Ends", input_formats=DATETIME_FORMATS, widget=LocalDateTimeInput()
    )
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[User]", self.fields["user"])
        field.queryset = User.objects.filter(is_active=True, role__in=ON_DUTY_ROLES).order_by(
            "first_name", "last_name", "username"
        )


class WebhookForm(forms.Form):
    name = forms.CharField(max_length=100)
    url = forms.URLField(
        label="Webhook address",
        max_length=500,
        assume_scheme="https",
        help_text="The incoming webhook address the chat service gave you (https://…).",
    )

    def __init__(self, *args: Any, current_url_hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current_url_hint:
            # The saved address is a secret: it is never sent back to the browser.
            self.fields["url"].required = False
            self.fields[
                "url"
            ].help_text = (
                f"Saved: {current_url_hint} Leave empty to keep it, or paste a new address."
            )

    format = forms.ChoiceField(label="Chat service", choices=WebhookFormat.choices)
    enabled = forms.BooleanField(required=False, initial=True, label="Send alerts here")


class AlertingSettingsForm(forms.Form):
    escalate_after_minutes = forms.IntegerField(
        label="Escalate after (minutes)",
        min_value=1,
        max_value=1440,
        help_text="Alert the next level when nobody has acknowledged by then.",
    )
    auto_resolve_minutes = forms.IntegerField(
        label="Resolve recovered incidents after (minutes)", min_value=1, max_value=1440
    )
    status_page_title = forms.CharField(label="Status page title", max_length=120)
    status_page_intro = forms.CharField(
        label="Status page introduction", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status_page_contact = forms.CharField(
        label="Status page contact",
        max_length=200,
        required=False,
        help_text="How families and staff reach the technology department.",
    )
