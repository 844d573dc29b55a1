"""The one place that records changes to district records.

Services call these functions inside their transaction, so a page, the API, an
import and a background task are all audited the same way. Values are stored in a
JSON-friendly form (dates as ISO strings, decimals as strings, foreign keys as ids).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from hatrack.core.middleware import current_request_id
from hatrack.core.models import AuditEntry

if TYPE_CHECKING:
    from hatrack.accounts.models import User

Snapshot = dict[str, Any]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""  # where the file is stored, not its bytes
    return value


def audited_fields(obj: models.Model) -> list[models.Field[Any, Any]]:
    """Concrete, editable fields; bookkeeping fields (auto timestamps, hashes) are skipped."""
    skip = set(getattr(obj, "audit_exclude", ()))
    return [
        f
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in skip
    ]


def snapshot(obj: models.Model) -> Snapshot:
    """The audited field values of a record, as they are now."""
    return {f.name: _plain(getattr(obj, f.attname)) for f in audited_fields(obj)}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def _entry(
    *,
    action: str,
    obj: models.Model,
    by: User | None,
    changes: Mapping[str, Any],
    summary: str = "",
) -> AuditEntry:
    return AuditEntry(
        actor=by,
        actor_name=by.get_username() if by else "system",
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk) if obj.pk is not None else "",
        object_repr=str(obj)[:200],
        summary=summary[:300],
        changes=dict(changes),
        request_id=current_request_id.get(),
    )


def record_create(obj: models.Model, *, by: User | None) -> AuditEntry:
    entry = _entry(action=AuditEntry.Action.CREATE, obj=obj, by=by, changes=snapshot(obj))
    entry.save()
    return entry


def record_update(obj: models.Model, before: Snapshot, *, by: User | None) -> AuditEntry | None:
    """Record what changed since `before`; nothing is written when nothing changed."""
    changes = diff(before, snapshot(obj))
    if not changes:
        return None
    entry = _entry(action=AuditEntry.Action.UPDATE, obj=obj, by=by, changes=changes)
    entry.save()
    return entry


def record_updates(
    objs: Iterable[models.Model], before: Mapping[Any, Snapshot], *, by: User | None
) -> list[AuditEntry]:
    """record_update for many records in one INSERT (bulk actions); `before` is keyed by pk.

    Content types are cached by Django, so this costs one query whatever the count.
    """
    entries = []
    for obj in objs:
        changes = diff(before[obj.pk], snapshot(obj))
        if changes:
            entries.append(_entry(action=AuditEntry.Action.UPDATE, obj=obj, by=by, changes=changes))
    return AuditEntry.objects.bulk_create(entries)


def record_delete(obj: models.Model, *, by: User | None) -> AuditEntry:
    """Call before the row is deleted, while it still has its primary key."""
    entry = _entry(action=AuditEntry.Action.DELETE, obj=obj, by=by, changes=snapshot(obj))
    entry.save()
    return entry


def record_event(
    obj: models.Model,
    *,
    by: User | None,
    summary: str,
    changes: Mapping[str, Any] | None = None,
    action: str = AuditEntry.Action.UPDATE,
) -> AuditEntry:
    """An event on a record that is no field diff (a password set, a token revoked)."""
    entry = _entry(action=action, obj=obj, by=by, changes=changes or {}, summary=summary)
    entry.save()
    return entry


def record_batch(
    *, model: type[models.Model], by: User | None, summary: str, counts: Mapping[str, Any]
) -> AuditEntry:
    """One entry for a bulk operation (an import) with its counts, instead of a row each."""
    entry = AuditEntry(
        actor=by,
        actor_name=by.get_username() if by else "system",
        action=AuditEntry.Action.IMPORT,
        content_type=ContentType.objects.get_for_model(model),
        object_id="",
        object_repr=str(model._meta.verbose_name_plural)[:200],
        summary=summary[:300],
        changes=dict(counts),
        request_id=current_request_id.get(),
    )
    entry.save()
    return entry


def history_of(obj: models.Model, *, limit: int = 50) -> Iterable[AuditEntry]:
    """The newest audit entries of one record, for its page."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).only("at", "actor_name", "action", "summary", "changes")[:limit]
