"""Mail in and out of the service desk.

Every message that reaches Hatrack, by IMAP or piped to `hatrack ingest-mail`, gets one
`InboundMail` row with exactly one outcome: a new ticket, a reply on a ticket, ignored
(with the reason: an auto-reply, a bounce, a loop) or rejected (with the reason: too
big, unknown sender). The row is written in the same transaction as the ticket or reply,
keyed by the message's identity, so fetching the same message twice stores it once and
a crash mid-fetch leaves it to be fetched again, never half-stored.

Every notification Hatrack sends is an `OutboundMail` row first (queued with the change
that caused it) and goes out by SMTP from a task, carrying Message-ID, In-Reply-To and
References so mail clients thread it with the ticket.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hatrack.servicedesk.models.tickets import Queue, Ticket, TicketMessage


class Mailbox(models.Model):
    """An IMAP mailbox the worker polls; its mail opens tickets in `queue`.

    Signs in with a password, or with OAuth 2.0 (XOAUTH2) as Microsoft 365 and Google
    Workspace require: the worker trades the refresh token at `oauth_token_url` for an
    access token. Secrets are write-only in the pages: never shown back once saved.
    `uidvalidity`/`last_uid` are the IMAP server's bookmark of what was already taken.
    """

    class Security(models.TextChoices):
        SSL = "ssl", "SSL/TLS"
        STARTTLS = "starttls", "STARTTLS"
        NONE = "none", "None (loopback and tests only)"

    class Auth(models.TextChoices):
        PASSWORD = "password", "Password"
        XOAUTH2 = "xoauth2", "OAuth 2.0 (XOAUTH2)"

    name = models.CharField(max_length=100, unique=True)
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="mailboxes")
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(max_length=255)
    auth = models.CharField(max_length=10, choices=Auth.choices, default=Auth.PASSWORD)
    password = models.CharField(max_length=500, blank=True)
    oauth_token_url = models.URLField(blank=True)
    oauth_client_id = models.CharField(max_length=255, blank=True)
    oauth_client_secret = models.CharField(max_length=500, blank=True)
    oauth_refresh_token = models.TextField(blank=True)
    oauth_scope = models.CharField(max_length=500, blank=True)
    folder = models.CharField(max_length=255, default="INBOX")
    active = models.BooleanField(default=True)
    uidvalidity = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.PositiveBigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = (
        "updated_at",
        "password",
        "oauth_client_secret",
        "oauth_refresh_token",
        "uidvalidity",
        "last_uid",
        "last_polled_at",
        "last_error",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InboundMail(models.Model):
    """One message received, and the one thing that became of it.

    `dedupe_key` is the message's Message-ID (normalised) or, when it has none, a hash
    of its bytes: the unique constraint is what makes a message fetched twice count once.
    """

    class Outcome(models.TextChoices):
        TICKET_CREATED = "ticket_created", "New ticket"
        REPLY_ADDED = "reply_added", "Reply on a ticket"
        IGNORED = "ignored", "Ignored"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        IMAP = "imap", "IMAP"
        PIPE = "pipe", "Piped (ingest-mail)"

    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    dedupe_key = models.CharField(max_length=255, unique=True)
    message_id = models.CharField(max_length=255, blank=True)
    imap_uid = models.PositiveBigIntegerField(null=True, blank=True)
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_mail"
    )
    ticket_message = models.ForeignKey(
        TicketMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="inboundmail_received_idx"),
            # Loop protection counts recent mail per sender.
            models.Index(fields=["sender", "received_at"], name="inboundmail_sender_idx"),
            models.Index(fields=["outcome", "-received_at", "-id"], name="inboundmail_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject} ({self.get_outcome_display()})"


class OutboundMail(models.Model):
    """A notification to send (or sent) by SMTP, threaded with its ticket."""

    class Kind(models.TextChoices):
        TICKET_OPENED = "ticket_opened", "Ticket received"
        REPLY = "reply", "Reply"
        RESOLVED = "resolved", "Ticket resolved"
        REJECTED = "rejected", "Mail not accepted"
        SLA_WARNING = "sla_warning", "SLA breach warning"
        RULE = "rule", "Automation rule notice"
        INCIDENT = "incident", "Incident alert"
        STATUS = "status", "Status page update"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_mail"
    )
    ticket_message = models.ForeignKey(
        TicketMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.CharField(max_length=320)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="queued"),
                name="outboundmail_queued_idx",
            ),
            # Loop protection counts what was recently sent to an address.
            models.Index(fields=["to", "created_at"], name="outboundmail_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}"
