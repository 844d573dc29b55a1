"""The service desk: queues, their categories, tickets and the messages on them.

Tables are shaped for millions of tickets: every queue view (a queue by status, one
assignee's work, one requester's tickets, one site's tickets) has a named index that
ends in the list's keyset order (-updated_at, -id), so a page costs an index seek.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from hatrack.directory.models import Department, Person, Site

queue_code = RegexValidator(
    r"^[a-z0-9][a-z0-9-]*$", "Use lowercase letters, digits and dashes, no spaces."
)

REFERENCE_PREFIX = "HT-"
REFERENCE_PATTERN = re.compile(r"\bHT-(\d{1,18})\b", re.IGNORECASE)


def format_reference(number: int) -> str:
    """The human-facing reference of a ticket number: 123 -> 'HT-000123'."""
    return f"{REFERENCE_PREFIX}{number:06d}"


def parse_reference(text: str) -> int | None:
    """The ticket number in a text such as a mail subject ('Re: [HT-000123] …'), or None."""
    match = REFERENCE_PATTERN.search(text)
    return int(match.group(1)) if match else None


class Queue(models.Model):
    """One department's help queue. Technology is the first; facilities, HR or
    transportation can run their own, with their own categories and staff.

    `email` is the address whose incoming mail becomes tickets in this queue.
    """

    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(
        max_length=40, unique=True, validators=[queue_code], help_text="Short code, e.g. tech."
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="queues"
    )
    email = models.EmailField(blank=True, help_text="Mail to this address opens tickets here.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="queue_name_required",
                violation_error_message="A queue needs a name.",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=~Q(email=""),
                name="queue_email_unique",
                violation_error_message="Another queue already receives mail at this address.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A kind of request within one queue, in a tree (Hardware > Chromebook > Screen)."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="category_name_required",
                violation_error_message="A category needs a name.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="category_not_own_parent",
                violation_error_message="A category cannot be its own parent.",
            ),
            models.UniqueConstraint(
                fields=["queue", "parent", "name"],
                name="category_name_unique_in_parent",
                violation_error_message="This queue already has a category of that name here.",
            ),
            # NULL parents never collide in a plain unique constraint: top level needs its own.
            models.UniqueConstraint(
                fields=["queue", "name"],
                condition=Q(parent__isnull=True),
                name="category_top_name_unique",
                violation_error_message="This queue already has a category of that name here.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free label on tickets ("chromebook-screen", "testing-window"), shared by all queues."""

    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="tag_name_required",
                violation_error_message="A tag needs a name.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """The people who work one queue (the Technology queue's "Field technicians", the
    facilities queue's "Maintenance"). Technicians see the tickets of the queues whose
    teams they belong to. `assignment` says how new tickets routed to the team find an
    assignee: left for triage, taken in turn (round robin), or given to the member with
    the fewest open tickets (least loaded). `last_assigned` is round robin's place.
    """

    class Assignment(models.TextChoices):
        MANUAL = "manual", "Manual (triage)"
        ROUND_ROBIN = "round_robin", "Round robin"
        LEAST_LOADED = "least_loaded", "Least loaded"

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="servicedesk_teams"
    )
    assignment = models.CharField(
        max_length=20, choices=Assignment.choices, default=Assignment.MANUAL
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="team_name_required",
                violation_error_message="A team needs a name.",
            ),
            models.UniqueConstraint(
                fields=["queue", "name"],
                name="team_name_unique_in_queue",
                violation_error_message="This queue already has a team of that name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# The columns of ticket_created_idx: the creation time first, then what the metrics read.
COHORT_COLUMNS = [
    "created_at",
    "id",
    "merged_into",
    "queue",
    "site",
    "category",
    "channel",
    "assignee",
    "first_response_at",
    "resolved_at",
    "first_response_due",
    "resolution_due",
]


class TicketQuerySet(models.QuerySet["Ticket"]):
    def open(self) -> TicketQuerySet:
        """Tickets still needing work: neither resolved nor closed."""
        return self.exclude(status__in=Ticket.DONE_STATUSES)

    def in_queue(self, queue: Queue | int) -> TicketQuerySet:
        return self.filter(queue=queue)

    def at_site(self, site: Site | int) -> TicketQuerySet:
        return self.filter(site=site)


class Ticket(models.Model):
    """A request for help: who asked, about what, where, and where it stands.

    The ticket number is its primary key, shown as "HT-000123" (`reference`). A database
    identity column is the one counter that stays unique and increasing under concurrent
    creation on both SQLite (one writer at a time) and PostgreSQL (a sequence), with no
    counter row to lock. Numbers a rolled-back transaction took are skipped, not reused.

    `requester` is the directory person the ticket is for. It is empty only when an
    account without a directory record asked for itself; `created_by` then names who
    asked, and a constraint forbids a ticket with neither.
    """

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        WAITING_ON_REQUESTER = "waiting_on_requester", "Waiting on requester"
        WAITING_ON_THIRD_PARTY = "waiting_on_third_party", "Waiting on third party"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    class Channel(models.TextChoices):
        PORTAL = "portal", "Portal"
        EMAIL = "email", "Email"
        API = "api", "API"
        PHONE = "phone", "Phone"
        WALK_IN = "walk_in", "Walk-in"

    DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)

    # No single-column indexes on these: the named indexes below lead with them.
    queue = models.ForeignKey(
        Queue, on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    requester = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets_created",
        db_index=False,
    )
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets_assigned",
        db_index=False,
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tickets"
    )
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Service-level targets (see models.sla): the policy that applied, its due times, and
    # while the ticket waits on its requester, when the clock stopped.
    sla_policy = models.ForeignKey(
        "servicedesk.SlaPolicy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    first_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    sla_paused_since = models.DateTimeField(null=True, blank=True)
    # When the breach warning went out, so each ticket is warned once per target.
    first_response_warned_at = models.DateTimeField(null=True, blank=True)
    resolution_warned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TicketQuerySet.as_manager()
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_idx"),
            models.Index(
                fields=["queue", "status", "-updated_at", "-id"], name="ticket_queue_status_idx"
            ),
            models.Index(
                fields=["assignee", "status", "-updated_at", "-id"],
                name="ticket_assignee_status_idx",
            ),
            models.Index(fields=["requester", "-updated_at", "-id"], name="ticket_requester_idx"),
            models.Index(fields=["created_by", "-updated_at", "-id"], name="ticket_created_by_idx"),
            models.Index(fields=["site", "status", "-updated_at", "-id"], name="ticket_site_idx"),
            models.Index(fields=["team", "status", "-updated_at", "-id"], name="ticket_team_idx"),
            # The working set, newest activity first: open views, "breaching today" and the
            # backlog metrics walk the open tickets only, however many are done. The trailing
            # columns let the backlog and workload figures read the index alone.
            models.Index(
                fields=["-updated_at", "-id", "status", "queue", "site", "assignee", "created_at"],
                condition=~Q(status__in=["resolved", "closed"]),
                name="ticket_open_updated_idx",
            ),
            # Metrics count tickets by the week they came in; the SLA sweep walks due times.
            # Every column the metrics read of a period's tickets follows, so SQLite
            # answers each figure from the index alone instead of a row lookup per ticket.
            models.Index(fields=COHORT_COLUMNS, name="ticket_created_idx"),
            models.Index(
                fields=["resolution_due"],
                condition=Q(resolved_at__isnull=True, resolution_due__isnull=False),
                name="ticket_open_resolution_due_idx",
            ),
            models.Index(
                fields=["first_response_due"],
                condition=Q(first_response_at__isnull=True, first_response_due__isnull=False),
                name="ticket_open_response_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(subject=""),
                name="ticket_subject_required",
                violation_error_message="A ticket needs a subject.",
            ),
            models.CheckConstraint(
                condition=Q(requester__isnull=False) | Q(created_by__isnull=False),
                name="ticket_has_requester",
                violation_error_message="A ticket needs a requester.",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")),
                name="ticket_not_merged_into_itself",
                violation_error_message="A ticket cannot be merged into itself.",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status="closed"),
                name="ticket_merged_is_closed",
                violation_error_message="A merged ticket is closed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return format_reference(self.pk) if self.pk else "HT-(new)"

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE_STATUSES


class TicketLink(models.Model):
    """A record a ticket concerns: a device, a system, … (any model, several per ticket).

    Generic on purpose, so the devices and systems parts attach without a migration here.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # "Which tickets concern this device?" from the device's page.
            models.Index(fields=["content_type", "object_id"], name="ticketlink_target_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "content_type", "object_id"],
                name="ticketlink_unique",
                violation_error_message="The ticket is already linked to this record.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.content_type_id}:{self.object_id}"


class TicketMessage(models.Model):
    """One entry on a ticket's timeline: a public reply, an internal note or a system event.

    `author` is the account that wrote it; `author_person` the directory person when
    the words came without an account (an email from a requester). Body is plain text.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", "Public reply"
        NOTE = "note", "Internal note"
        EVENT = "event", "System event"

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ticket_messages",
    )
    author_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket_messages"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPLY)
    body = models.TextField()
    channel = models.CharField(
        max_length=10, choices=Ticket.Channel.choices, default=Ticket.Channel.PORTAL
    )
    # The Message-ID of the mail this message came in as or went out as (without <>),
    # so replies that quote it in In-Reply-To/References join this ticket.
    message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="ticketmessage_ticket_idx"),
            models.Index(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="ticketmessage_message_id_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="ticketmessage_body_required",
                violation_error_message="A message needs some text.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on ticket {self.ticket_id}"
