"""The notifications a ticket's life sends: received, replied, resolved.

Services call these inside their transaction, right after the change: the mail row is
written with the change and sent once it commits (see outbound.queue_mail), so a
rolled-back change mails nobody. Each function decides who hears of the change:

- a new ticket: the requester, with its reference and how to reply;
- a technician's public reply: the requester, with the reply's text;
- a requester's reply: the assignee, if there is one (and it is not the author);
- resolved: the requester, with a link to rate the help in the portal.

Internal notes and system events never mail anyone. Students are never mailed unless
the district says so (HATRACK_MAIL_STUDENTS): their data does not leave the district
without an explicit setting. A requester's address is their directory record's email
(the account's, for an account with no directory record).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from hatrack.accounts.models import User
from hatrack.directory.models import District, Person
from hatrack.servicedesk.mail.outbound import Draft, queue_drafts, queue_mail
from hatrack.servicedesk.models import OutboundMail, Ticket, TicketMessage
from hatrack.servicedesk.services.rules import reopen_days

Kind = OutboundMail.Kind
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


# --- Whom to tell --------------------------------------------------------------------------


def may_mail(person: Person | None) -> bool:
    """Students hear from Hatrack only when the district allows it explicitly."""
    if person is None or person.role != Person.Role.STUDENT:
        return True
    return bool(getattr(settings, "HATRACK_MAIL_STUDENTS", False))


def requester_address(ticket: Ticket) -> str:
    """Where the requester's notices go: '' when they have none or may not be mailed."""
    if ticket.requester is not None:
        return ticket.requester.email if may_mail(ticket.requester) else ""
    creator = ticket.created_by
    if creator is None or not may_mail(creator.person):
        return ""
    return creator.email


def _from_requester(message: TicketMessage) -> bool:
    """Did the requester write this (on the portal, or by mail as a directory person)?"""
    ticket = message.ticket
    if ticket.requester_id is not None:
        person_id = message.author_person_id
        if person_id is None and message.author is not None:
            person_id = message.author.person_id
        return person_id == ticket.requester_id
    return message.author_id is not None and message.author_id == ticket.created_by_id


# --- What to say ---------------------------------------------------------------------------


def absolute_url(name: str, pk: int) -> str:
    """An absolute link for mail (HATRACK_BASE_URL), or '' while that page does not exist."""
    try:
        path = reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return ""
    base = str(getattr(settings, "HATRACK_BASE_URL", DEFAULT_BASE_URL)).rstrip("/")
    return f"{base}{path}"


def district_zone() -> zoneinfo.ZoneInfo:
    """The district's time zone (District.time_zone), else the server's TIME_ZONE."""
    name = District.objects.values_list("time_zone", flat=True).first()
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def district_time(moment: datetime.datetime | None, zone: zoneinfo.ZoneInfo | None = None) -> str:
    """A moment (stored in UTC) as the district reads it: 'Tuesday, March 3, 2026 at
    9:14 AM CST'."""
    if moment is None:
        return ""
    local = moment.astimezone(zone or district_zone())
    hour = local.strftime("%I").lstrip("0")
    return f"{local:%A, %B} {local.day}, {local.year} at {hour}:{local:%M %p %Z}"


def _reply_hint(ticket: Ticket) -> str:
    return f"To add anything, reply to this message and keep [{ticket.reference}] in the subject."


def _with_link(lines: list[str], label: str, url: str) -> list[str]:
    return [*lines, "", f"{label}: {url}"] if url else lines


def opened_body(ticket: Ticket) -> str:
    lines = [
        f"We received your request and gave it the reference {ticket.reference}.",
        "",
        f"Subject: {ticket.subject}",
        f"Received: {district_time(ticket.created_at)}",
        "",
        _reply_hint(ticket),
    ]
    url = absolute_url("portal:ticket_detail", ticket.pk)
    return "\n".join(_with_link(lines, "Follow your request", url)) + "\n"


def reply_body(message: TicketMessage) -> str:
    author = str(message.author) if message.author is not None else "The help desk"
    lines = [f"{author} replied on {message.ticket.reference}:", "", message.body, ""]
    lines.append(_reply_hint(message.ticket))
    url = absolute_url("portal:ticket_detail", message.ticket_id)
    return "\n".join(_with_link(lines, "See the whole conversation", url)) + "\n"


def requester_reply_body(message: TicketMessage) -> str:
    ticket = message.ticket
    who = message.author_person or message.author or ticket.requester
    lines = [
        f"{who or 'The requester'} replied on {ticket.reference} ({ticket.subject}):",
        "",
        message.body,
    ]
    url = absolute_url("servicedesk:ticket_detail", ticket.pk)
    return "\n".join(_with_link(lines, "Open the ticket", url)) + "\n"


def resolved_body(ticket: Ticket, zone: zoneinfo.ZoneInfo | None = None) -> str:
    lines = [
        f"Your request {ticket.reference} ({ticket.subject}) was resolved on "
        f"{district_time(ticket.resolved_at, zone)}.",
        "",
        f"If it is not fixed, reply to this message within {reopen_days()} days and the "
        "ticket opens again.",
    ]
    url = absolute_url("portal:ticket_detail", ticket.pk)
    return "\n".join(_with_link(lines, "Tell us how we did", url)) + "\n"


# --- The notifications ----------------------------------------------------------------------


def ticket_opened(ticket: Ticket) -> OutboundMail | None:
    """Tell the requester their ticket was received: its reference, how to reply."""
    return queue_mail(
        to=requester_address(ticket),
        kind=Kind.TICKET_OPENED,
        subject=f"[{ticket.reference}] Received: {ticket.subject}",
        body=opened_body(ticket),
        ticket=ticket,
    )


def message_added(message: TicketMessage) -> OutboundMail | None:
    """A public reply goes to the other side: a technician's to the requester, the
    requester's to the assignee. Notes and events mail no one."""
    if message.kind != TicketMessage.Kind.REPLY:
        return None
    ticket = message.ticket
    subject = f"Re: [{ticket.reference}] {ticket.subject}"
    if not _from_requester(message):
        body = reply_body(message)
        return queue_mail(
            to=requester_address(ticket),
            kind=Kind.REPLY,
            subject=subject,
            body=body,
            ticket=ticket,
            ticket_message=message,
        )
    assignee: User | None = ticket.assignee
    if assignee is None or assignee.pk == message.author_id or not assignee.is_active:
        return None
    body = requester_reply_body(message)
    return queue_mail(to=assignee.email, kind=Kind.REPLY, subject=subject, body=body, ticket=ticket)


def _resolved_draft(ticket: Ticket, zone: zoneinfo.ZoneInfo | None = None) -> Draft:
    return Draft(
        to=requester_address(ticket),
        kind=Kind.RESOLVED,
        subject=f"[{ticket.reference}] Resolved: {ticket.subject}",
        body=resolved_body(ticket, zone),
        ticket=ticket,
    )


def status_changed(ticket: Ticket, old_status: str) -> OutboundMail | None:
    """Resolving a ticket tells the requester, with the link to rate the help."""
    if ticket.status != Ticket.Status.RESOLVED or old_status == Ticket.Status.RESOLVED:
        return None
    return queue_drafts([_resolved_draft(ticket)])[0]


def statuses_changed(tickets: Iterable[Ticket], status: str) -> int:
    """status_changed for a bulk action, in a fixed number of queries; returns how many
    notices were queued."""
    if status != Ticket.Status.RESOLVED:
        return 0
    ids = [ticket.pk for ticket in tickets]
    loaded = Ticket.objects.filter(pk__in=ids).select_related("requester", "created_by__person")
    zone = district_zone()
    drafts = [_resolved_draft(ticket, zone) for ticket in loaded]
    return sum(row is not None for row in queue_drafts(drafts))
