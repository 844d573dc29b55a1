"""Files people attach to tickets, from the portal, mail or the API.

Uploads are hostile until proven otherwise: names are reduced to a safe base name, the
bytes are stored under a random path (never the sender's name), the size and type are
checked against limits before anything is written, and files are only ever served as
downloads (`Content-Disposition: attachment`, `nosniff`, a sandboxing CSP), never
inline and never executed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hatrack.servicedesk.models.tickets import Ticket, TicketMessage


class Attachment(models.Model):
    """One file on a ticket, usually on the message it came with.

    `sha256` lets the same file mailed twice be recognised; `content_type` is the type
    the bytes were checked to be, not what the sender claimed.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TicketMessage,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=255)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(filename=""),
                name="attachment_filename_required",
                violation_error_message="An attachment needs a file name.",
            )
        ]

    def __str__(self) -> str:
        return self.filename
