"""Alerting settings kept by leaders: the on-duty rota, chat webhooks, escalation timing
and the status page's words. Each function validates, writes in one transaction and
records the audit entry; a ValidationError names the field at fault and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from hatrack.core.audit import record_create, record_delete, record_event, record_update, snapshot
from hatrack.core.roles import Role
from hatrack.systems.models import OnDuty, SystemsSettings, Webhook, WebhookFormat
from hatrack.systems.webhooks import DeliveryError, check_url

if TYPE_CHECKING:
    from hatrack.accounts.models import User

ON_DUTY_ROLES = (Role.LEADER, Role.TECHNICIAN)


def add_shift(
    *, user: User, level: int, starts_at: datetime, ends_at: datetime, note: str = "", by: User
) -> OnDuty:
    """Put `user` (a leader or technician) on duty at `level` between the two times."""
    errors: dict[str, str] = {}
    if user.role not in ON_DUTY_ROLES or not user.is_active:
        errors["user"] = "Only active technology leaders and technicians can be on duty."
    if level not in (1, 2):
        errors["level"] = "The level is 1 (first) or 2 (escalation)."
    if ends_at <= starts_at:
        errors["ends_at"] = "A shift must end after it starts."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        shift = OnDuty.objects.create(
            user=user, level=level, starts_at=starts_at, ends_at=ends_at, note=note
        )
        record_create(shift, by=by)
    return shift


def delete_shift(*, shift: OnDuty, by: User) -> None:
    with transaction.atomic():
        record_delete(shift, by=by)
        shift.delete()


def save_webhook(
    *,
    webhook: Webhook | None = None,
    name: str,
    url: str,
    format: str,
    enabled: bool = True,
    by: User,
) -> Webhook:
    """Create a webhook, or change `webhook`. Only http(s) addresses are accepted. The
    address is never written to the audit trail (it holds the chat service's secret);
    a change of address is recorded as an event."""
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "Give the webhook a name."
    else:
        others = Webhook.objects.filter(name=name)
        if webhook is not None:
            others = others.exclude(pk=webhook.pk)
        if others.exists():
            errors["name"] = "Another webhook has this name."
    try:
        check_url(url)
    except DeliveryError as exc:
        errors["url"] = str(exc)
    if format not in WebhookFormat.values:
        errors["format"] = "Choose the chat service."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if webhook is None:
            webhook = Webhook.objects.create(name=name, url=url, format=format, enabled=enabled)
            record_create(webhook, by=by)
            return webhook
        before = snapshot(webhook)
        moved = webhook.url != url
        webhook.name, webhook.url, webhook.format, webhook.enabled = name, url, format, enabled
        webhook.save()
        record_update(webhook, before, by=by)
        if moved:
            record_event(webhook, by=by, summary="Webhook address changed")
    return webhook


def update_alerting_settings(
    *,
    escalate_after_minutes: int,
    auto_resolve_minutes: int,
    status_page_title: str,
    status_page_intro: str = "",
    status_page_contact: str = "",
    by: User,
) -> SystemsSettings:
    """Change escalation timing and the status page's words (the one settings row)."""
    errors: dict[str, str] = {}
    if not 1 <= escalate_after_minutes <= 1440:
        errors["escalate_after_minutes"] = "Between 1 and 1440 minutes."
    if not 1 <= auto_resolve_minutes <= 1440:
        errors["auto_resolve_minutes"] = "Between 1 and 1440 minutes."
    if not status_page_title.strip():
        errors["status_page_title"] = "The status page needs a title."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = SystemsSettings.objects.select_for_update().get(pk=SystemsSettings.load().pk)
        before = snapshot(row)
        row.escalate_after_minutes = escalate_after_minutes
        row.auto_resolve_minutes = auto_resolve_minutes
        row.status_page_title = status_page_title.strip()
        row.status_page_intro = status_page_intro.strip()
        row.status_page_contact = status_page_contact.strip()
        row.save(
            update_fields=[
                "escalate_after_minutes",
                "auto_resolve_minutes",
                "status_page_title",
                "status_page_intro",
                "status_page_contact",
                "updated_at",
            ]
        )
        record_update(row, before, by=by)
    return row
