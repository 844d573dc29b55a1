"""Service desk tickets about a device: the requester's device picked on the ticket form.

`open_ticket_about_device` opens the ticket and links the device in one transaction, so
a ticket never appears without the device it was filed about (or the reverse). A
device may be named only when the ticket's requester holds it: a technician picks from
the caller's devices, a member of staff from their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from hatrack.devices.models import Device
from hatrack.servicedesk.models import Ticket, TicketLink
from hatrack.servicedesk.services.labels import link_own_ticket, link_ticket
from hatrack.servicedesk.services.rules import is_worker

if TYPE_CHECKING:
    from hatrack.accounts.models import User


def link_requester_device(*, ticket: Ticket, device: Device, by: User) -> TicketLink:
    """Link `ticket` to `device`, which its requester must hold now. A technician links
    through `link_ticket`, the requester (the staff portal) through `link_own_ticket`;
    both audit the link on the ticket. Raises ValidationError (field `device`)."""
    holder_id = Device.objects.filter(pk=device.pk).values_list("holder_id", flat=True).first()
    if ticket.requester_id is None or holder_id != ticket.requester_id:
        raise ValidationError({"device": f"{device.label} is not held by the requester."})
    if is_worker(by):
        return link_ticket(ticket=ticket, target=device, by=by)
    return link_own_ticket(ticket=ticket, target=device, by=by)


def open_ticket_about_device(
    *, open_ticket: Callable[[], Ticket], device: Device | None, by: User
) -> Ticket:
    """Open a ticket with `open_ticket` (a call to the service desk's opening service,
    e.g. `open_ticket` or `ask_for_help`) and, when `device` is given, link it in the
    same transaction. Raises the opening service's ValidationError, or
    `link_requester_device`'s; either way nothing is written."""
    with transaction.atomic():
        ticket = open_ticket()
        if device is not None:
            link_requester_device(ticket=ticket, device=device, by=by)
    return ticket
