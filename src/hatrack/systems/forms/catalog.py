"""Page forms for the catalog: a system, a dependency, and the list's filters. Validation
and labels only; the catalog services check the rules and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from hatrack.directory.forms import FilterForm, PersonReferenceField, ServiceForm, search_field
from hatrack.directory.forms import status_field as active_field
from hatrack.directory.models import FundingSource, Person, Site, Vendor
from hatrack.systems.models import (
    Audience,
    DataKind,
    DependencyKind,
    Effect,
    Hosting,
    Kind,
    State,
    System,
    Tier,
)

RENEWAL_CHOICES = [
    ("", "Any time"),
    ("30", "Within 30 days"),
    ("90", "Within 90 days"),
    ("180", "Within 180 days"),
    ("365", "Within a year"),
]


class StaffReferenceField(PersonReferenceField):
    """A member of staff named by email or SIS id (a text box, not a 100,000-row select)."""

    def to_python(self, value: Any) -> Person | None:  # type: ignore[override]
        person = super().to_python(value)
        if (
            person is not None
            and Person.objects.filter(pk=person.pk, role=Person.Role.STUDENT).exists()
        ):
            raise ValidationError("This is a student; owners are members of staff.")
        return person


def parse_links(text: str) -> list[dict[str, str]]:
    """One link a line, "Title | https://…" or just the address."""
    links = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        title, _, url = line.rpartition("|")
        links.append({"title": title.strip(), "url": url.strip()})
    return links


class SystemForm(ServiceForm):
    owner = StaffReferenceField(
        required=False, label="Owner", help_text="Email or SIS id of the member of staff."
    )
    backup_owner = StaffReferenceField(
        required=False, label="Backup owner", help_text="Email or SIS id. Optional."
    )
    audiences = forms.MultipleChoiceField(
        required=False,
        label="Used by",
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    data_held = forms.MultipleChoiceField(
        required=False,
        label="Data it holds",
        choices=DataKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Student or health records need a privacy of Confidential or Restricted.",
    )
    sites = forms.ModelMultipleChoiceField(
        required=False,
        label="Sites",
        queryset=Site.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked when every site uses it.",
    )
    links = forms.CharField(
        required=False,
        label="Documentation links",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: Title | https://… (http and https addresses only).",
    )

    class Meta:
        model = System
        fields = [
            "name",
            "kind",
            "description",
            "tier",
            "hosting",
            "vendor",
            "owner",
            "backup_owner",
            "audiences",
            "sites",
            "approximate_users",
            "data_held",
            "privacy",
            "rto_minutes",
            "rpo_minutes",
            "has_failover",
            "renewal_date",
            "annual_cost",
            "funding_source",
            "runbook",
            "continuity_plan",
            "links",
            "published",
            "public_name",
            "public_description",
            "active",
        ]
        labels = {
            "tier": "Criticality",
            "approximate_users": "Approximate number of users",
            "rto_minutes": "Recovery time objective (minutes)",
            "rpo_minutes": "Recovery point objective (minutes)",
            "annual_cost": "Annual cost ($)",
            "runbook": "Runbook",
            "continuity_plan": "Continuity plan",
        }
        help_texts = {
            "runbook": "Markdown: how to check, restart and escalate.",
            "continuity_plan": "Markdown: how people keep working while it is down.",
            "public_name": "The name families and staff see on the status page.",
            "active": "Retired systems stay on record but leave the lists and pickers.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "renewal_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "runbook": forms.Textarea(attrs={"rows": 8}),
            "continuity_plan": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        self._choose("sites", Site.objects.filter(active=True).only("id", "name"), None)
        self._choose(
            "vendor",
            Vendor.objects.filter(active=True) | Vendor.objects.filter(pk=instance.vendor_id),
            "No vendor",
        )
        self._choose(
            "funding_source",
            FundingSource.objects.all().only("id", "name"),
            "Not recorded",
        )
        if instance.pk and not self.is_bound:
            self.initial["links"] = "\n".join(
                f"{link.get('title', '')} | {link.get('url', '')}" for link in instance.links
            )
            self.initial["sites"] = list(instance.sites.values_list("id", flat=True))

    def _choose(self, name: str, queryset: Any, empty_label: str | None) -> None:
        field = self.fields[name]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = queryset.order_by("name")
            if empty_label is not None:
                field.empty_label = empty_label

    def clean_links(self) -> list[dict[str, str]]:
        return parse_links(self.cleaned_data.get("links") or "")

    def _post_clean(self) -> None:
        # The service checks the record (rules, unique name, constraints) and puts its
        # messages beside the fields; M2M sites are not the model's to validate here.
        return None

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields or ()}


class DependencyForm(forms.Form):
    depends_on = forms.ModelChoiceField(
        queryset=System.objects.none(),
        label="Depends on",
        empty_label="Choose a system",
        help_text="Active systems; a select is fine at the few hundred a district runs.",
    )
    kind = forms.ChoiceField(label="How", choices=[("", "Choose how"), *DependencyKind.choices])
    effect = forms.ChoiceField(
        required=False,
        label="When it fails, this system",
        choices=[("", "Usual for the kind"), *Effect.choices],
        help_text="Usually: fails when it authenticates through, runs on or is reached "
        "through the other; degrades when it receives data from or integrates with it.",
    )
    note = forms.CharField(required=False, max_length=300, label="Note")

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["depends_on"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = choices


class SystemFilterForm(FilterForm):
    q = search_field("System name")
    kind = forms.ChoiceField(
        required=False, label="Kind", choices=[("", "Any kind"), *Kind.choices]
    )
    tier = forms.TypedChoiceField(
        required=False,
        label="Tier",
        coerce=int,
        empty_value=None,
        choices=[("", "Any tier"), *Tier.choices],
    )
    hosting = forms.ChoiceField(
        required=False, label="Hosting", choices=[("", "Any hosting"), *Hosting.choices]
    )
    state = forms.ChoiceField(
        required=False, label="State", choices=[("", "Any state"), *State.choices]
    )
    holds = forms.ChoiceField(
        required=False, label="Data held", choices=[("", "Any data"), *DataKind.choices]
    )
    renewal = forms.ChoiceField(required=False, label="Renewal due", choices=RENEWAL_CHOICES)
    active = active_field()
