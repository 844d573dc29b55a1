"""Breach warnings: tell the people working a ticket before its SLA target is missed.

`warn_due_tickets` is one round of the periodic sweep (tasks.sla): it finds open,
running (not paused) tickets whose first response or resolution falls due within their
policy's `warn_before_minutes` of business time, or has already passed, and that were
not warned about that target yet. Each such ticket is marked (`first_response_warned_at`
or `resolution_warned_at`), gets a timeline event and an audit entry, and its assignee
(or, unassigned, the members of its team, or of its queue's teams) gets a mail.

Safe to run twice and from several workers: rows are claimed under a row lock that skips
rows another round holds, and only rows still unwarned are claimed. A round warns at
most `limit` tickets per target and reads candidates in bounded chunks through the
partial indexes on the due times; what is left waits for the next round.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from hatrack.accounts.models import User
from hatrack.core import audit
from hatrack.directory.working_time import CalendarBook, load_calendars, search_range
from hatrack.servicedesk.mail.outbound import Draft, queue_drafts
from hatrack.servicedesk.models import OutboundMail, SlaPolicy, Ticket, TicketMessage
from hatrack.servicedesk.services.rules import event
from hatrack.servicedesk.services.sla import DEFAULT_WARN_MINUTES

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

SWEEP_LIMIT = 200
SCAN_CHUNK = 500
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Target:
    """One of a ticket's two targets, by the columns that hold it."""

    label: str
    due: str
    warned: str
    open_filter: Q  # matches the target's partial index condition


RESPONSE = Target(
    "First response",
    "first_response_due",
    "first_response_warned_at",
    Q(first_response_at__isnull=True, first_response_due__isnull=False),
)
RESOLUTION = Target(
    "Resolution",
    "resolution_due",
    "resolution_warned_at",
    Q(resolved_at__isnull=True, resolution_due__isnull=False),
)


class Thresholds:
    """Per site and warning window, the latest due time that is "due soon" now."""

    def __init__(self, book: CalendarBook, now: dt.datetime, warn: dict[int, int]) -> None:
        self.book, self.now, self.warn = book, now, warn
        self._memo: dict[tuple[int | None, int], dt.datetime] = {}

    def minutes_for(self, policy_id: int | None) -> int:
        return self.warn.get(policy_id or 0, DEFAULT_WARN_MINUTES)

    def latest_due(self, site_id: int | None, policy_id: int | None) -> dt.datetime:
        key = (site_id, self.minutes_for(policy_id))
        if key not in self._memo:
            calendar = self.book.for_site(site_id)
            self._memo[key] = calendar.add_minutes(self.now, key[1])
        return self._memo[key]

    def outer_bound(self) -> dt.datetime:
        """No ticket due after this can be due soon at any site (the candidate scan's end)."""
        widest = max([DEFAULT_WARN_MINUTES, *self.warn.values()])
        sites = {None, *self.book.hours, *self.book.closures}
        return max(self.book.for_site(site).add_minutes(self.now, widest) for site in sites)


def _thresholds(now: dt.datetime) -> Thresholds:
    first, last = search_range(now)
    book = load_calendars(sites=None, first=first, last=last)
    warn = dict(SlaPolicy.objects.values_list("id", "warn_before_minutes"))
    return Thresholds(book, now, warn)


def _candidates(target: Target, bound: dt.datetime) -> Any:
    return (
        Ticket.objects.filter(target.open_filter, sla_paused_since__isnull=True)
        .filter(**{f"{target.due}__lte": bound, f"{target.warned}__isnull": True})
        .exclude(status__in=Ticket.DONE_STATUSES)
        .order_by(target.due, "pk")
        .values_list("pk", "site_id", "sla_policy_id", target.due)
    )


def _due_ids(target: Target, thresholds: Thresholds, limit: int) -> list[int]:
    """Ids of tickets due soon for `target`, earliest first, walking keyset chunks."""
    found: list[int] = []
    scan = _candidates(target, thresholds.outer_bound())
    after: tuple[dt.datetime, int] | None = None
    while len(found) < limit:
        chunk = scan
        if after is not None:
            due, pk = after
            chunk = scan.filter(
                Q(**{f"{target.due}__gt": due}) | Q(**{target.due: due, "pk__gt": pk})
            )
        rows = list(chunk[:SCAN_CHUNK])
        for pk, site_id, policy_id, due in rows:
            if due <= thresholds.latest_due(site_id, policy_id):
                found.append(pk)
        if len(rows) < SCAN_CHUNK:
            break
        after = (rows[-1][3], rows[-1][0])
    return found[:limit]


# --- Telling people ------------------------------------------------------------------------


def _ticket_url(ticket: Ticket) -> str:
    try:
        path = reverse("servicedesk:ticket_detail", kwargs={"pk": ticket.pk})
    except NoReverseMatch:
        return ""
    base = str(getattr(settings, "HATRACK_BASE_URL", DEFAULT_BASE_URL)).rstrip("/")
    return f"{base}{path}"


def _team_addresses(tickets: Iterable[Ticket]) -> dict[int, dict[int, list[str]]]:
    """queue id -> team id -> active members' addresses, for the given tickets' queues."""
    queue_ids = {t.queue_id for t in tickets if t.assignee_id is None}
    members = User.objects.filter(
        servicedesk_teams__queue_id__in=queue_ids, servicedesk_teams__active=True, is_active=True
    ).exclude(email="")
    found: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    rows = members.values_list("servicedesk_teams__queue_id", "servicedesk_teams__id", "email")
    for queue_id, team_id, email in rows:
        found[queue_id][team_id].append(email)
    return found


def _recipients(ticket: Ticket, teams: dict[int, dict[int, list[str]]]) -> list[str]:
    if ticket.assignee_id is not None:
        assignee = ticket.assignee
        return [assignee.email] if assignee and assignee.is_active and assignee.email else []
    queue_teams = teams.get(ticket.queue_id, {})
    if ticket.team_id is not None and queue_teams.get(ticket.team_id):
        return sorted(set(queue_teams[ticket.team_id]))
    return sorted({email for emails in queue_teams.values() for email in emails})


def _wording(ticket: Ticket, target: Target, now: dt.datetime, zone: ZoneInfo) -> str:
    due: dt.datetime = getattr(ticket, target.due)
    when = f"{due.astimezone(zone):%a %b %d, %H:%M %Z}"
    if due <= now:
        return f"{target.label} target missed: it was due {when}."
    return f"{target.label} due soon: due {when}."


def _mail(ticket: Ticket, words: str, to: str) -> Draft:
    url = _ticket_url(ticket)
    body = "\n\n".join(
        part
        for part in (
            f"{ticket.reference}: {ticket.subject}",
            words,
            f"Priority: {ticket.get_priority_display()}. Status: {ticket.get_status_display()}.",
            f"Open the ticket: {url}" if url else "",
        )
        if part
    )
    subject = f"SLA warning: {words.split(':')[0]} on {ticket.subject}"
    return Draft(to, OutboundMail.Kind.SLA_WARNING, subject, body, ticket, None)


def _warn(target: Target, ids: list[int], now: dt.datetime, zone: ZoneInfo) -> int:
    """Mark, note, audit and mail one batch of tickets; returns how many were warned."""
    with transaction.atomic():
        tickets = list(
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, **{f"{target.warned}__isnull": True})
            .select_related("assignee")
            .order_by("pk")
        )
        if not tickets:
            return 0
        before = {t.pk: audit.snapshot(t) for t in tickets}
        for ticket in tickets:
            setattr(ticket, target.warned, now)
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(**{target.warned: now})
        audit.record_updates(tickets, before, by=None)
        words = {t.pk: _wording(t, target, now, zone) for t in tickets}
        TicketMessage.objects.bulk_create([event(t, None, words[t.pk]) for t in tickets])
        teams = _team_addresses(tickets)
        drafts = [
            _mail(t, words[t.pk], address) for t in tickets for address in _recipients(t, teams)
        ]
        queue_drafts(drafts)
    return len(tickets)


def warn_due_tickets(*, now: dt.datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """One round of breach warnings (see the module docstring); returns tickets warned."""
    now = now or timezone.now()
    thresholds = _thresholds(now)
    warned = 0
    for target in (RESPONSE, RESOLUTION):
        ids = _due_ids(target, thresholds, limit)
        if ids:
            warned += _warn(target, ids, now, thresholds.book.zone)
    return warned
