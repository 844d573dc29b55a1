"""Reads of the service desk that pages and the API share, scoped to who is asking.

Deny by default: `tickets_visible_to` is the one place that decides which tickets a
user may read. Leaders and viewers see every ticket (viewers read only). Technicians see
the tickets of their queues (the queues of the active teams they belong to), tickets
assigned to them, and their own requests: the facilities queue's staff do not read the
Technology queue, and the reverse. Anyone else sees the tickets they asked for (their
directory person is the requester) or opened themselves; an anonymous or inactive user
sees none.

The technician's queue (`ticket_queue_page`) filters by any field and pre-formats every
value its table prints, SLA badges included, so the template does no per-row work.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from functools import reduce
from operator import and_
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, F, Func, Model, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from hatrack.core.lists import MAX_PAGE_SIZE, Page, decode_cursor, keyset_page
from hatrack.core.permissions import can
from hatrack.core.roles import Role
from hatrack.core.search import words
from hatrack.directory.models import District
from hatrack.servicedesk.models import (
    Attachment,
    CannedResponse,
    Queue,
    SavedView,
    Ticket,
    TicketLink,
    TicketMessage,
    format_reference,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hatrack.accounts.models import User

QUEUE_ORDER = ("-updated_at", "-id")
# The columns a queue table shows, fetched as plain values in one query.
QUEUE_COLUMNS = (
    "id",
    "subject",
    "status",
    "priority",
    "channel",
    "updated_at",
    "created_at",
    "first_response_due",
    "first_response_at",
    "resolution_due",
    "sla_paused_since",
    "queue__name",
    "category__name",
    "site__name",
    "requester__given_name",
    "requester__family_name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)
STATUS_LABELS = dict(Ticket.Status.choices)
PRIORITY_LABELS = dict(Ticket.Priority.choices)
# "Due soon": an SLA target falls due within this long.
SLA_SOON = datetime.timedelta(hours=4)
OPEN = "open"  # the status filter meaning "not resolved or closed"
SLA_STATES = {"breaching_today": "Breaching today", "overdue": "Overdue"}
REFERENCE_ONLY = re.compile(r"^\s*HT-?(\d{1,18})\s*$", re.IGNORECASE)
WORKER_ROLES = (Role.LEADER, Role.TECHNICIAN)


def still_open() -> Func:
    """The condition "neither resolved nor closed", with the two statuses written into the
    SQL as constants of the model (never user input). SQLite uses the partial index on
    open tickets (`ticket_open_updated_idx`) only when the query's condition is the
    index's own, literals included: bound parameters, as `exclude(status__in=...)` sends
    them, make it read every ticket instead."""
    done = ", ".join(f"'{status}'" for status in Ticket.DONE_STATUSES)
    return Func(
        F("status"), template=f"NOT (%(expressions)s IN ({done}))", output_field=BooleanField()
    )


def _dicts(rows: QuerySet[Any, Any]) -> list[dict[str, Any]]:
    """A .values() query's rows as plain dicts the caller may add presented values to."""
    return list(rows)


# --- Who sees which tickets -------------------------------------------------------------


def tickets_visible_to(user: User | AnonymousUser) -> QuerySet[Ticket]:
    """Every ticket the user may read (see the module docstring)."""
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if can(user, "servicedesk.view_all"):
        return Ticket.objects.all()
    if not can(user, "servicedesk.request"):
        return Ticket.objects.none()
    own = Q(created_by=user)
    person_id = getattr(user, "person_id", None)
    if person_id is not None:
        own |= Q(requester_id=person_id)
    if can(user, "servicedesk.work"):
        own |= Q(assignee=user) | Q(queue__in=queues_worked_by(user))
    return Ticket.objects.filter(own)


def queues_worked_by(user: User) -> QuerySet[Queue, Any]:
    """The queues whose active teams the user belongs to (a subquery, not a list)."""
    return Queue.objects.filter(teams__members=user, teams__active=True).values("pk")


def get_ticket_for(user: User | AnonymousUser, pk: int) -> Ticket:
    """The ticket with its queue, category, requester, site and assignee, if the user may
    read it; Http404 otherwise (a ticket one may not see looks like no ticket at all)."""
    ticket = (
        tickets_visible_to(user)
        .select_related("queue", "category", "requester", "site", "assignee", "team", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def messages_for(user: User | AnonymousUser, ticket: Ticket) -> QuerySet[TicketMessage]:
    """The ticket's timeline in order; internal notes only for those who work tickets
    or read every ticket (a requester never sees the notes about them)."""
    qs = TicketMessage.objects.filter(ticket=ticket).select_related("author", "author_person")
    if not can(user, "servicedesk.view"):
        qs = qs.exclude(kind=TicketMessage.Kind.NOTE)
    return qs.order_by("created_at", "id")


def messages_after(user: User | AnonymousUser, ticket: Ticket, after_id: int) -> int:
    """How many timeline entries the user may read arrived after message `after_id`."""
    return messages_for(user, ticket).filter(id__gt=after_id).count()


# --- The district's day -----------------------------------------------------------------


def district_zone() -> ZoneInfo:
    """The district's time zone (its record's, else the server's)."""
    name = District.objects.values_list("time_zone", flat=True).first()
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def day_start(day: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def end_of_today(zone: ZoneInfo) -> datetime.datetime:
    """Midnight at the end of the district's today."""
    today = timezone.now().astimezone(zone).date()
    return day_start(today + datetime.timedelta(days=1), zone)


# --- The queue --------------------------------------------------------------------------


def reference_number(text: str) -> int | None:
    """The ticket number when a search is nothing but a reference ("HT-000123")."""
    match = REFERENCE_ONLY.match(text or "")
    return int(match.group(1)) if match else None


def _due_before(moment: datetime.datetime) -> Q:
    """Open tickets with an SLA target (first response or resolution) before `moment`.
    Each half matches one of the partial indexes on the due times."""
    resolution = Q(resolved_at__isnull=True, resolution_due__lt=moment)
    response = Q(first_response_at__isnull=True, first_response_due__lt=moment)
    return (resolution | response) & Q(still_open())


def _sla_filter(state: str) -> Q:
    if state == "overdue":
        return _due_before(timezone.now())
    return _due_before(end_of_today(district_zone()))


def _date_filters(qs: QuerySet[Ticket], filters: dict[str, Any]) -> QuerySet[Ticket]:
    zone: ZoneInfo | None = None
    for column in ("created", "updated"):
        start, end = filters.get(f"{column}_from"), filters.get(f"{column}_to")
        if start or end:
            zone = zone or district_zone()
        if start:
            qs = qs.filter(**{f"{column}_at__gte": day_start(start, zone)})  # type: ignore[arg-type]
        if end:
            next_day = end + datetime.timedelta(days=1)
            qs = qs.filter(**{f"{column}_at__lt": day_start(next_day, zone)})  # type: ignore[arg-type]
    return qs


def _text_filter(qs: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """A reference finds that ticket; other text needs every word in the subject.

    Containment rather than full text: the queue walks its keyset index newest first and
    stops at a page of matches, which is quick for the words people actually search."""
    number = reference_number(text)
    if number is not None:
        return qs.filter(pk=number)
    terms = words(text)
    if not terms:
        return qs
    return qs.filter(reduce(and_, (Q(subject__icontains=t) for t in terms)))


def _assignee_filter(qs: QuerySet[Ticket], assignee: Any, user: User) -> QuerySet[Ticket]:
    if assignee == "me":
        return qs.filter(assignee=user)
    if assignee == "none":
        return qs.filter(assignee__isnull=True)
    if assignee == "someone":
        return qs.filter(assignee__isnull=False)
    if assignee not in (None, ""):
        return qs.filter(assignee=assignee)
    return qs


def filter_tickets(qs: QuerySet[Ticket], filters: dict[str, Any], user: User) -> QuerySet[Ticket]:
    """`qs` narrowed by the queue page's filters (keys as in its query string)."""
    for name in ("queue", "priority", "site", "category", "requester", "channel", "team"):
        value = filters.get(name)
        if value not in (None, ""):
            qs = qs.filter(**{name: value})
    status = filters.get("status")
    if status == OPEN or filters.get("open_only"):
        qs = qs.filter(still_open())
    elif status:
        qs = qs.filter(status=status)
    qs = _assignee_filter(qs, filters.get("assignee"), user)
    if filters.get("tag"):
        qs = qs.filter(tags__name=filters["tag"])
    if filters.get("sla") in SLA_STATES:
        qs = qs.filter(_sla_filter(filters["sla"]))
    if filters.get("q"):
        qs = _text_filter(qs, filters["q"])
    return _date_filters(qs, filters)


def sla_badge(
    row: dict[str, Any], now: datetime.datetime, zone: datetime.tzinfo
) -> tuple[str, str, str]:
    """(label, css class, due time in words) of the nearest SLA target still pending."""
    if row["status"] in Ticket.DONE_STATUSES or row["sla_paused_since"] is not None:
        return "", "", ""
    pending = [row["resolution_due"]]
    if row["first_response_at"] is None:
        pending.append(row["first_response_due"])
    dues = [due for due in pending if due is not None]
    if not dues:
        return "", "", ""
    due = min(dues)
    when = f"Due {due.astimezone(zone):%a %b %d, %H:%M}"
    if due <= now:
        return "Overdue", "sla-overdue", when
    if due <= now + SLA_SOON:
        return "Due soon", "sla-soon", when
    return "", "", when


def _short_time(moment: datetime.datetime, today: datetime.date, zone: datetime.tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%H:%M}" if local.date() == today else f"{local:%b %d}"


def person_name(given: str | None, family: str | None) -> str:
    return f"{given or ''} {family or ''}".strip()


def present_queue_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pre-format what a queue table prints, so templates do no per-row work."""
    now = timezone.now()
    zone = timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    # One reverse() for the page, not one per row: URL resolution shows in a 50-row table.
    url = reverse("servicedesk:ticket_detail", args=[0]).removesuffix("0/")
    for row in rows:
        row["url"] = f"{url}{row['id']}/"
        row["reference"] = format_reference(row["id"])
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
        row["priority_label"] = PRIORITY_LABELS.get(row["priority"], row["priority"])
        row["requester_name"] = person_name(
            row["requester__given_name"], row["requester__family_name"]
        )
        full = person_name(row["assignee__first_name"], row["assignee__last_name"])
        row["assignee_name"] = full or row["assignee__username"] or ""
        row["sla_label"], row["sla_class"], row["sla_due"] = sla_badge(row, now, zone)
        row["updated_label"] = _short_time(row["updated_at"], today, zone)
        row["updated_iso"] = row["updated_at"].isoformat()
    return rows


def queue_tickets(user: User, filters: dict[str, Any]) -> QuerySet[Ticket]:
    """The tickets the user may see that match the queue's filters. The filters come
    first in the SQL: SQLite tests conditions in the order written, and a subject word
    or a status rules out most rows more cheaply than the visibility test (three
    columns and the user's queues) does."""
    return filter_tickets(Ticket.objects.all(), filters, user) & tickets_visible_to(user)


def ticket_queue_page(
    user: User,
    filters: dict[str, Any],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> Page:
    """One keyset page of the tickets the user may see, newest activity first, filtered
    by any field (see `filter_tickets`). One query, whatever the page size (a date or
    SLA filter reads the district's time zone first)."""
    matching = queue_tickets(user, filters)
    ids = _page_ids(matching, after=after, before=before, size=size)
    qs = Ticket.objects.filter(pk__in=ids).values(*QUEUE_COLUMNS)
    page = keyset_page(qs, order=QUEUE_ORDER, after=after, before=before, size=size)
    page.rows = present_queue_rows(page.rows)
    return page


def _page_ids(
    matching: QuerySet[Ticket], *, after: str | None, before: str | None, size: int
) -> QuerySet[Ticket, Any]:
    """The ids of the page's rows (and the one after), as a subquery: the database sorts
    and limits narrow (updated_at, id) rows first and joins the queue, category, site,
    requester and assignee for those rows only. When the filter's index does not give
    the queue's order (a site, "breaching today"), sorting every match with its joins
    would cost as much as the matches, not the page."""
    size = max(1, min(int(size), MAX_PAGE_SIZE))
    cursor = after or before
    if cursor:
        key = decode_cursor(cursor, len(QUEUE_ORDER))
        columns = Tuple(*(F(name.lstrip("-")) for name in QUEUE_ORDER))
        # Every order field descends: "after" means smaller keys, "before" larger ones.
        bound = tuple(key)
        seek = TupleLessThan(columns, bound) if not before else TupleGreaterThan(columns, bound)
        matching = matching.filter(seek)
    ordering = QUEUE_ORDER if not before else tuple(name.lstrip("-") for name in QUEUE_ORDER)
    return matching.order_by(*ordering).values("pk")[: size + 1]


def queue_marker(user: User) -> str:
    """A token that changes whenever any ticket the user may see changes: the newest
    (updated_at, id), one seek on the ticket_updated_idx index. The live queue compares
    it with the one its table was drawn with and redraws only when they differ. A ticket
    leaving the filter (resolved, reassigned) also changes it, which a marker of the
    filtered rows alone would miss."""
    newest = tickets_visible_to(user).order_by(*QUEUE_ORDER).values_list("updated_at", "id").first()
    if newest is None:
        return "empty"
    return f"{int(newest[0].timestamp() * 1_000_000)}-{newest[1]}"


# --- Beside a ticket --------------------------------------------------------------------


def requester_other_tickets(user: User, ticket: Ticket, limit: int = 10) -> list[dict[str, Any]]:
    """The requester's other recent tickets the user may see, newest first (one query)."""
    if ticket.requester_id is None:
        return []
    rows = _dicts(
        tickets_visible_to(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .order_by(*QUEUE_ORDER)
        .values("id", "subject", "status", "updated_at")[:limit]
    )
    for row in rows:
        row["reference"] = format_reference(row["id"])
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    return rows


def ticket_links(ticket: Ticket, *, skip: Sequence[type[Model]] = ()) -> list[dict[str, str]]:
    """The records the ticket concerns, named by their own str and type (one query, plus
    one per kind of record linked). Kinds in `skip` are left to a section of their own
    (the devices hat lists linked devices with their model)."""
    links = TicketLink.objects.filter(ticket=ticket).select_related("content_type")
    if skip:
        links = links.exclude(content_type__in=ContentType.objects.get_for_models(*skip).values())
    rows = []
    for link in links.prefetch_related("target"):
        target = link.target
        url = getattr(target, "get_absolute_url", None)
        rows.append(
            {
                "kind": str(link.content_type.name).capitalize(),
                "label": str(target) if target is not None else "A record no longer on file",
                "url": url() if callable(url) else "",
            }
        )
    return rows


def ticket_attachments(ticket: Ticket) -> list[dict[str, Any]]:
    """The ticket's files, oldest first, with sizes in words."""
    rows = _dicts(
        Attachment.objects.filter(ticket=ticket).values(
            "id", "filename", "size", "content_type", "message_id"
        )
    )
    for row in rows:
        size = row["size"]
        row["size_label"] = (
            f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, size // 1024)} KB"
        )
    return rows


def ticket_tag_names(ticket: Ticket) -> list[str]:
    return list(ticket.tags.order_by("name").values_list("name", flat=True))


def worker_choices() -> list[tuple[int, str]]:
    """Active technicians and leaders, to assign tickets to."""
    rows = (
        _workers()
        .order_by("first_name", "last_name", "username")
        .values_list("id", "first_name", "last_name", "username")
    )
    return [(pk, person_name(first, last) or username) for pk, first, last, username in rows]


def _workers() -> QuerySet[Any]:
    from hatrack.accounts.models import User

    return User.objects.filter(is_active=True, role__in=WORKER_ROLES)


# --- The technician's tools -------------------------------------------------------------


def canned_responses_for(user: User, queue_id: int | None = None) -> QuerySet[CannedResponse]:
    """Shared canned responses and the user's own; with `queue_id`, those for any queue
    or that queue."""
    qs = CannedResponse.objects.filter(Q(owner__isnull=True) | Q(owner=user))
    if queue_id is not None:
        qs = qs.filter(Q(queue__isnull=True) | Q(queue_id=queue_id))
    return qs.select_related("queue", "owner").order_by("title", "id")


def saved_views_for(user: User) -> QuerySet[SavedView]:
    """Views shared with everyone who works tickets, then the user's own."""
    return SavedView.objects.filter(Q(owner__isnull=True) | Q(owner=user)).order_by(
        "position", "name", "id"
    )


def requester_matches(text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Active people a name, email or SIS id names, for picking a ticket's requester."""
    from hatrack.directory.models import Person
    from hatrack.directory.queries.people import person_search

    if not words(text):
        return []
    rows = _dicts(
        Person.objects.filter(active=True)
        .filter(person_search(text))
        .order_by("family_key", "given_key", "id")
        .values("id", "given_name", "family_name", "email", "role", "primary_site__name")[:limit]
    )
    for row in rows:
        row["name"] = person_name(row["given_name"], row["family_name"])
    return rows


def desk_choices() -> dict[str, list[tuple[Any, str]]]:
    """The queue filters' choices: queues, sites, categories, teams and workers (five
    small queries; a district has tens of each)."""
    from hatrack.directory.queries.people import site_choices
    from hatrack.servicedesk.models import Category, Team

    categories = Category.objects.filter(active=True, queue__active=True).order_by(
        "queue__name", "name"
    )
    teams = Team.objects.filter(active=True).order_by("queue__name", "name")
    return {
        "queue": list(Queue.objects.filter(active=True).values_list("id", "name")),
        "site": site_choices(),
        "category": [
            (pk, f"{queue}: {name}")
            for pk, queue, name in categories.values_list("id", "queue__name", "name")
        ],
        "team": [
            (pk, f"{queue}: {name}")
            for pk, queue, name in teams.values_list("id", "queue__name", "name")
        ],
        "assignee": worker_choices(),
    }


def queue_categories(queue_id: int) -> list[tuple[int, str]]:
    from hatrack.servicedesk.models import Category

    rows = Category.objects.filter(queue_id=queue_id, active=True).order_by("name")
    return list(rows.values_list("id", "name"))


def queue_teams(queue_id: int) -> list[tuple[int, str]]:
    from hatrack.servicedesk.models import Team

    rows = Team.objects.filter(queue_id=queue_id, active=True).order_by("name")
    return list(rows.values_list("id", "name"))


def builtin_views(user: User) -> list[tuple[str, dict[str, str]]]:
    """The views every worker starts with: their open tickets, the unassigned ones at
    their site (their directory record's primary site), what breaches today, all open."""
    site_id = None
    if user.person_id is not None:
        from hatrack.directory.models import Person

        site_id = (
            Person.objects.filter(pk=user.person_id)
            .values_list("primary_site_id", flat=True)
            .first()
        )
    unassigned = {"status": OPEN, "assignee": "none"}
    if site_id is not None:
        unassigned["site"] = str(site_id)
    return [
        ("My open", {"status": OPEN, "assignee": "me"}),
        ("Unassigned at my site" if site_id else "Unassigned", unassigned),
        ("Breaching today", {"sla": "breaching_today"}),
        ("All open", {"status": OPEN}),
    ]


def ticket_number_visible(user: User, number: int) -> bool:
    return tickets_visible_to(user).filter(pk=number).exists()


def requester_matches_ids(ids: list[object]) -> list[dict[str, Any]]:
    """The people with these ids (a requester already chosen on a form shown again)."""
    from hatrack.directory.models import Person

    numbers = [int(str(pk)) for pk in ids if str(pk).isdigit()]
    rows = _dicts(
        Person.objects.filter(pk__in=numbers).values(
            "id", "given_name", "family_name", "email", "role", "primary_site__name"
        )
    )
    for row in rows:
        row["name"] = person_name(row["given_name"], row["family_name"])
    return rows
