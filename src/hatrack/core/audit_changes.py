"""An audit entry's changes in words, for the audit log and each record's history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from hatrack.core.models import AuditEntry

VALUE_LIMIT = 200


@dataclass
class Change:
    label: str
    before: str = ""
    after: str = ""
    value: str = ""


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _shown(value: Any, model_field: Any = None) -> str:
    """A recorded value in words: choice labels, dates in the district's time, yes/no."""
    if value is None or value == "":
        return "(empty)"
    if value is True or value is False:
        return "yes" if value else "no"
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and timezone.is_aware(moment):
            return timezone.localtime(moment).strftime("%b %-d, %Y %H:%M")
    text = str(value)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def _label(model_field: Any, name: str) -> str:
    return str(getattr(model_field, "verbose_name", None) or name.replace("_", " "))


def describe_changes(entry: AuditEntry, model: type[models.Model] | None) -> list[Change]:
    """What an entry changed, in words: before and after for updates, else the values."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    rows = []
    for name, value in changes.items():
        model_field = _field(model, name)
        label = _label(model_field, name)
        is_pair = isinstance(value, list) and len(value) == 2
        if entry.action == AuditEntry.Action.UPDATE and is_pair:
            before, after = _shown(value[0], model_field), _shown(value[1], model_field)
            rows.append(Change(label=label, before=before, after=after))
        elif value not in (None, "") or entry.action == AuditEntry.Action.IMPORT:
            # A created or deleted record lists the values it has, not every empty field.
            rows.append(Change(label=label, value=_shown(value, model_field)))
    return rows
