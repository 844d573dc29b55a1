"""The audit log for Technology leaders: every recorded change, newest first, with filters.

A page costs a fixed number of queries whatever its length: the entries, a bounded
count, the actor choices, and one query per kind of record on the page to link the
records that still exist.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from hatrack.accounts.models import User
from hatrack.core.audit_changes import Change, describe_changes
from hatrack.core.lists import count_label, keyset_page
from hatrack.core.models import AuditEntry
from hatrack.core.permissions import requires

ORDER = ("-at", "-id")
# Records of the core app are the machinery itself (the audit trail, workers, import runs).
UNAUDITED_APPS = {"core"}


def audited_models() -> list[type[models.Model]]:
    """Hatrack's own record types, the ones services audit."""
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("hatrack.") and model._meta.app_label not in UNAUDITED_APPS
    ]


def _record_type_choices() -> list[tuple[str, str]]:
    choices = [
        (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
        for model in audited_models()
    ]
    return [("", "All records"), *sorted(choices, key=lambda choice: choice[1])]


class ActorField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class AuditFilterForm(forms.Form):
    actor = ActorField(
        label="Who",
        required=False,
        queryset=User.objects.only("username", "first_name", "last_name").order_by("username"),
        empty_label="Anyone",
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditEntry.Action.choices]
    )
    record_type = forms.ChoiceField(label="Record", required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["record_type"]).choices = _record_type_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise ValidationError("The “From” date is after the “To” date.")
        return data


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a day in the district's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_entries(data: Mapping[str, Any]) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.only(
        "at",
        "actor_name",
        "action",
        "content_type_id",
        "object_id",
        "object_repr",
        "summary",
        "changes",
    )
    if actor := data.get("actor"):
        qs = qs.filter(actor=actor)
    if action := data.get("action"):
        qs = qs.filter(action=action)
    if record_type := data.get("record_type"):
        model = apps.get_model(record_type)
        qs = qs.filter(content_type=ContentType.objects.get_for_model(model))
    if since := data.get("since"):
        qs = qs.filter(at__gte=_start_of(since))
    if until := data.get("until"):
        qs = qs.filter(at__lt=_start_of(until + datetime.timedelta(days=1)))
    return qs


@dataclass
class EntryRow:
    at: datetime.datetime
    actor_name: str
    action: str
    action_label: str
    record_type: str
    record: str
    url: str | None
    summary: str
    changes: list[Change] = field(default_factory=list)


# Record types whose page is not their get_absolute_url (an account's page is for leaders).
RECORD_PAGES = {"accounts.user": "accounts:user_edit"}


def _record_page(model: type[models.Model] | None) -> Callable[[Any], str] | None:
    if model is None:
        return None
    if url_name := RECORD_PAGES.get(model._meta.label_lower):
        return lambda obj: reverse(url_name, args=[obj.pk])
    if hasattr(model, "get_absolute_url"):
        return lambda obj: str(obj.get_absolute_url())
    return None


def _record_urls(entries: Iterable[AuditEntry]) -> dict[tuple[int, str], str]:
    """Links to the records that still exist: one query per record type on the page."""
    wanted: dict[int, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_id:
            wanted[entry.content_type_id].add(entry.object_id)
    urls: dict[tuple[int, str], str] = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        page = _record_page(model)
        if model is None or page is None:
            continue
        keys = []
        for raw in ids:
            try:
                keys.append(model._meta.pk.to_python(raw))
            except ValidationError:
                continue
        for obj in model._default_manager.filter(pk__in=keys):
            urls[(type_id, str(obj.pk))] = page(obj)
    return urls


def entry_rows(entries: list[AuditEntry]) -> list[EntryRow]:
    """Entries pre-formatted for the page (no per-row queries or template logic)."""
    urls = _record_urls(entries)
    rows = []
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        rows.append(
            EntryRow(
                at=entry.at,
                actor_name=entry.actor_name or "system",
                action=entry.action,
                action_label=entry.get_action_display(),
                record_type=str(model._meta.verbose_name).capitalize() if model else "",
                record=entry.object_repr,
                url=urls.get((entry.content_type_id, entry.object_id)),
                summary=entry.summary,
                changes=describe_changes(entry, model),
            )
        )
    return rows


@requires("audit.view")
def audit_list(request: HttpRequest) -> HttpResponse:
    filters = AuditFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    entries = filtered_entries(data)
    page = keyset_page(
        entries, order=ORDER, after=request.GET.get("after"), before=request.GET.get("before")
    )
    context = {
        "filters": filters,
        "filtered": bool(data and any(data.values())),
        "page": page,
        "rows": entry_rows(page.rows),
        "count": count_label(entries),
    }
    if getattr(request, "htmx", False):
        return render(request, "core/audit_list.html#results", context)
    return render(request, "core/audit_list.html", context)
