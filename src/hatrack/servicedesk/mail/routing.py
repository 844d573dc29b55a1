"""Which queue piped mail belongs to, and reading a piped message without trusting its size."""

from __future__ import annotations

from typing import BinaryIO

from hatrack.servicedesk.mail.parse import header_section, parse_message
from hatrack.servicedesk.models import Queue

CHUNK = 1024 * 1024


def queue_for(raw: bytes) -> Queue | None:
    """The active queue whose address the message was sent to (Delivered-To,
    X-Original-To, To, Cc), else the first active queue by name, else None."""
    recipients = parse_message(header_section(raw), headers_only=True).recipients
    queues = list(Queue.objects.filter(active=True).order_by("name", "id"))
    by_address = {q.email.lower(): q for q in queues if q.email}
    for address in recipients:
        if address in by_address:
            return by_address[address]
    return queues[0] if queues else None


def read_message(stream: BinaryIO, limit: int) -> tuple[bytes, int | None]:
    """Read one message from `stream`. Up to `limit` bytes: (the message, None). Over it:
    (its header section only, the full size), the rest read and dropped as it comes, so
    a huge message never sits in memory."""
    data = bytearray()
    while len(data) <= limit:
        chunk = stream.read(CHUNK)
        if not chunk:
            return bytes(data), None
        data.extend(chunk)
    size = len(data)
    head = header_section(bytes(data))
    del data
    while chunk := stream.read(CHUNK):
        size += len(chunk)
    return head, size
