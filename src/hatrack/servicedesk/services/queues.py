"""The shape of the service desk, kept by technology leaders: queues and their categories."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction

from hatrack.core import audit
from hatrack.core.permissions import can
from hatrack.servicedesk.models import Category, Queue

if TYPE_CHECKING:
    from hatrack.accounts.models import User
    from hatrack.directory.models import Department


class QueueValues(TypedDict, total=False):
    name: str
    code: str
    department: Department | None
    email: str
    active: bool


class CategoryValues(TypedDict, total=False):
    name: str
    parent: Category | None
    active: bool


def _require_manager(by: User) -> None:
    if not can(by, "servicedesk.manage"):
        raise ValidationError("Only technology leaders can change queues and categories.")


def _strip(values: QueueValues) -> None:
    if "name" in values:
        values["name"] = values["name"].strip()
    if "code" in values:
        values["code"] = values["code"].strip()
    if "email" in values:
        values["email"] = values["email"].strip()


def create_queue(*, by: User, **values: Unpack[QueueValues]) -> Queue:
    """A new queue (name and code required; code in lowercase letters, digits, dashes).
    Validated in full (unique name, code and mail address) before writing. Audited."""
    _require_manager(by)
    _strip(values)
    queue = Queue(**values)
    queue.full_clean()
    with transaction.atomic():
        queue.save()
        audit.record_create(queue, by=by)
    return queue


def update_queue(*, queue: Queue, by: User, **values: Unpack[QueueValues]) -> Queue:
    """Change a queue's fields; a queue made inactive keeps its tickets but takes no new
    ones. Nothing is written when validation fails. Audited with before and after."""
    _require_manager(by)
    _strip(values)
    before = audit.snapshot(queue)
    for name, value in values.items():
        setattr(queue, name, value)
    try:
        queue.full_clean()
    except ValidationError:
        queue.refresh_from_db()
        raise
    with transaction.atomic():
        queue.save()
        audit.record_update(queue, before, by=by)
    return queue


def _check_parent(category: Category) -> None:
    """The parent lives in the same queue and is not the category or one of its children."""
    seen: set[int] = set()
    parent = category.parent
    while parent is not None:
        if parent.queue_id != category.queue_id:
            raise ValidationError({"parent": "Choose a parent category of the same queue."})
        if parent.pk == category.pk or parent.pk in seen:
            raise ValidationError({"parent": "A category cannot sit under itself."})
        seen.add(parent.pk)
        parent = parent.parent


def create_category(*, queue: Queue, by: User, **values: Unpack[CategoryValues]) -> Category:
    """A new category of `queue`, at the top or under a parent of the same queue.
    Names are unique among siblings. Audited."""
    _require_manager(by)
    if "name" in values:
        values["name"] = values["name"].strip()
    category = Category(queue=queue, **values)
    _check_parent(category)
    category.full_clean()
    with transaction.atomic():
        category.save()
        audit.record_create(category, by=by)
    return category


def update_category(*, category: Category, by: User, **values: Unpack[CategoryValues]) -> Category:
    """Rename, move (within its queue) or retire a category. Retired categories stay on
    old tickets but cannot be chosen for new ones. Audited with before and after."""
    _require_manager(by)
    if "name" in values:
        values["name"] = values["name"].strip()
    before = audit.snapshot(category)
    for name, value in values.items():
        setattr(category, name, value)
    try:
        _check_parent(category)
        category.full_clean()
    except ValidationError:
        category.refresh_from_db()
        raise
    with transaction.atomic():
        category.save()
        audit.record_update(category, before, by=by)
    return category
