"""What a ticket is labelled with and linked to: tags, and records such as devices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from hatrack.core import audit
from hatrack.servicedesk.models import Tag, Ticket, TicketLink
from hatrack.servicedesk.services.rules import (
    is_requester,
    locked,
    require_changeable,
    require_worker,
)

if TYPE_CHECKING:
    from hatrack.accounts.models import User

# --- Tags and links --------------------------------------------------------------------


def _tag_names(names: Iterable[str]) -> list[str]:
    cleaned = sorted({" ".join(name.split()).lower() for name in names} - {""})
    too_long = [name for name in cleaned if len(name) > 50]
    if too_long:
        raise ValidationError({"tags": "Keep each tag under 50 characters."})
    return cleaned


def set_ticket_tags(*, ticket: Ticket, names: Iterable[str], by: User) -> list[str]:
    """Replace the ticket's tags with `names` (case-folded, spaces collapsed), creating
    new tags as needed. Returns the tag names now on the ticket. Audited as an event."""
    require_worker(by, "tag tickets")
    cleaned = _tag_names(names)
    with transaction.atomic():
        ticket = locked(ticket)
        require_changeable(ticket, by)
        old = sorted(ticket.tags.values_list("name", flat=True))
        if old == cleaned:
            return cleaned
        Tag.objects.bulk_create([Tag(name=n) for n in cleaned], ignore_conflicts=True)
        ticket.tags.set(Tag.objects.filter(name__in=cleaned))
        ticket.save(update_fields=["updated_at"])
        audit.record_event(ticket, by=by, summary="Tags changed", changes={"tags": [old, cleaned]})
    return cleaned


def link_ticket(*, ticket: Ticket, target: models.Model, by: User) -> TicketLink:
    """Link the ticket to a record it concerns (a device, a system). Idempotent. Audited."""
    require_worker(by, "link tickets to records")
    return _add_link(ticket, target, by)


def link_own_ticket(*, ticket: Ticket, target: models.Model, by: User) -> TicketLink:
    """A requester links their own request to a record of theirs while asking for help
    (the portal's "which device?"). The caller checks the record is theirs to name;
    this checks the ticket is. Idempotent. Audited like `link_ticket`."""
    if not is_requester(ticket, by):
        raise ValidationError("Only the requester can link their own request to a record.")
    return _add_link(ticket, target, by)


def _add_link(ticket: Ticket, target: models.Model, by: User) -> TicketLink:
    if target.pk is None:
        raise ValidationError("Save the record before linking a ticket to it.")
    content_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        ticket = locked(ticket)
        require_changeable(ticket, by)
        link, created = TicketLink.objects.get_or_create(
            ticket=ticket, content_type=content_type, object_id=target.pk
        )
        if created:
            audit.record_event(
                ticket, by=by, summary=f"Linked to {target}"[:300], changes=_link_changes(link)
            )
    return link


def unlink_ticket(*, link: TicketLink, by: User) -> None:
    """Remove a link between a ticket and a record. Audited on the ticket."""
    require_worker(by, "unlink tickets from records")
    with transaction.atomic():
        ticket = locked(link.ticket)
        require_changeable(ticket, by)
        audit.record_event(ticket, by=by, summary="Link removed", changes=_link_changes(link))
        link.delete()


def _link_changes(link: TicketLink) -> dict[str, Any]:
    return {"content_type": link.content_type_id, "object_id": link.object_id}
