"""One device's history as one timeline: changes, check-outs and check-ins, repairs, and
the service desk tickets that concern it.

Each source is read newest first and bounded (`LIMIT` rows each, one query each), then
merged by time and cut to `LIMIT` again, so the page costs the same five queries for a
device with three events or three thousand. Check-outs and check-ins also write audit
entries ("Checked out to …"); the timeline shows them once, from the assignment, which
knows the condition and accessories.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from hatrack.core.audit_changes import Change, describe_changes
from hatrack.core.models import AuditEntry
from hatrack.devices.models import Assignment, Condition, Device, Repair

LIMIT = 50
CONDITION_LABELS = dict(Condition.choices)
_ASSIGNMENT_SUMMARIES = ("Checked out to ", "Checked in from ")


@dataclass(frozen=True)
class Event:
    """One line of the timeline."""

    at: datetime.datetime
    kind: str  # change, checkout, checkin, repair, ticket
    title: str
    detail: str = ""
    actor: str = ""
    url: str = ""
    changes: list[Change] | None = None


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


def _audit_events(device: Device) -> list[Event]:
    entries = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Device), object_id=str(device.pk)
        )
        .order_by("-at", "-id")
        .only("at", "actor_name", "action", "summary", "changes")[:LIMIT]
    )
    events = []
    for entry in entries:
        if entry.summary.startswith(_ASSIGNMENT_SUMMARIES):
            continue
        title = entry.summary or entry.get_action_display()
        changes = (
            describe_changes(entry, Device) if entry.action == AuditEntry.Action.UPDATE else None
        )
        events.append(
            Event(entry.at, "change", title, actor=entry.actor_name or "system", changes=changes)
        )
    return events


def _to_whom(row: Assignment) -> str:
    if row.holder_id and row.holder:
        return row.holder.full_name
    return str(row.room) if row.room_id and row.room else "someone"


def _condition(value: str) -> str:
    return f"condition {CONDITION_LABELS[value].lower()}" if value in CONDITION_LABELS else ""


def _assignment_events(device: Device) -> list[Event]:
    rows = (
        Assignment.objects.filter(device=device)
        .select_related("holder", "room__site", "checked_out_by", "checked_in_by")
        .order_by("-checked_out_at", "-id")[:LIMIT]
    )
    events = []
    for row in rows:
        who = _to_whom(row)
        person_url = _url("directory:person_detail", row.holder_id) if row.holder_id else ""
        loan = "Loaned" if row.kind == Assignment.Kind.LOANER else "Checked out"
        detail = ", ".join(p for p in (_condition(row.condition_out), *row.accessories_out) if p)
        by = row.checked_out_by.get_username() if row.checked_out_by else ""
        events.append(
            Event(row.checked_out_at, "checkout", f"{loan} to {who}", detail, by, person_url)
        )
        if row.checked_in_at:
            back = ", ".join(p for p in (_condition(row.condition_in), *row.accessories_in) if p)
            by = row.checked_in_by.get_username() if row.checked_in_by else ""
            events.append(
                Event(row.checked_in_at, "checkin", f"Checked in from {who}", back, by, person_url)
            )
    return events


def _repair_events(device: Device) -> list[Event]:
    rows = (
        Repair.objects.filter(device=device)
        .select_related("opened_by")
        .only("id", "status", "problem", "opened_at", "opened_by__username")
        .order_by("-opened_at", "-id")[:LIMIT]
    )
    return [
        Event(
            row.opened_at,
            "repair",
            f"Repair R-{row.pk} opened ({row.get_status_display().lower()})",
            row.problem[:200],
            row.opened_by.get_username() if row.opened_by else "",
            _url("devices:repair_detail", row.pk),
        )
        for row in rows
    ]


def _ticket_events(device: Device) -> list[Event]:
    if not apps.is_installed("hatrack.servicedesk"):
        return []
    from hatrack.servicedesk.models import TicketLink, format_reference

    links = (
        TicketLink.objects.filter(
            content_type=ContentType.objects.get_for_model(Device), object_id=device.pk
        )
        .select_related("ticket")
        .only("created_at", "ticket__id", "ticket__subject", "ticket__status", "ticket__created_at")
        .order_by("-id")[:LIMIT]
    )
    return [
        Event(
            link.ticket.created_at,
            "ticket",
            f"Ticket {format_reference(link.ticket.pk)}: {link.ticket.subject}",
            link.ticket.get_status_display(),
            url=_url("servicedesk:ticket_detail", link.ticket.pk),
        )
        for link in links
    ]


def device_timeline(device: Device) -> list[Event]:
    """The newest `LIMIT` events of the device, newest first (five queries, bounded)."""
    events = [
        *_audit_events(device),
        *_assignment_events(device),
        *_repair_events(device),
        *_ticket_events(device),
    ]
    events.sort(key=lambda event: event.at, reverse=True)
    return events[:LIMIT]
