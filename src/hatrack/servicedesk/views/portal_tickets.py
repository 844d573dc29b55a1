"""One ticket as its requester sees it on the portal: the public timeline, files, a
reply box, "this is fixed", and the satisfaction rating once it is resolved."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import now
from django.views.decorators.http import require_GET, require_POST

from hatrack.core.permissions import requires
from hatrack.directory.views.pages import acting_user
from hatrack.servicedesk.forms.portal import RatingForm, ReplyForm
from hatrack.servicedesk.models import Attachment, SatisfactionRating, Ticket, TicketMessage
from hatrack.servicedesk.queries import get_ticket_for, messages_for
from hatrack.servicedesk.services import portal as portal_services
from hatrack.servicedesk.services.replies import reply_with_files
from hatrack.servicedesk.services.rules import is_requester, is_worker, reopen_days
from hatrack.servicedesk.services.satisfaction import can_rate, rate_ticket


def _timeline(request: HttpRequest, ticket: Ticket) -> list[TicketMessage]:
    """Replies and events, never internal notes: the portal is the requester's view,
    even when a technician opens their own request here."""
    return list(messages_for(request.user, ticket).exclude(kind=TicketMessage.Kind.NOTE))


def _attachments_by_message(ticket: Ticket) -> tuple[list[Attachment], dict[int, list[Any]]]:
    """The ticket's files: those that came with the request itself, and by message."""
    files = list(
        Attachment.objects.filter(ticket=ticket)
        .exclude(message__kind=TicketMessage.Kind.NOTE)
        .only("id", "filename", "size", "message_id")
    )
    by_message: dict[int, list[Any]] = {}
    for item in files:
        if item.message_id is not None:
            by_message.setdefault(item.message_id, []).append(item)
    return [f for f in files if f.message_id is None], by_message


def _reply_refusal(ticket: Ticket, user: Any) -> str:
    """Why the reply box is not offered, in words (empty when it is). The service makes
    the same checks; saying it up front spares writing a reply that would be refused."""
    requester = is_requester(ticket, user)
    if not requester and not is_worker(user):
        return "Only the person who asked and the technicians working on it can reply here."
    if ticket.status == Ticket.Status.CLOSED:
        return (
            f"{ticket.reference} is closed and takes no more replies. If the problem is "
            "back, ask for help again from the Help page."
        )
    resolved_at = ticket.resolved_at or ticket.updated_at
    window = datetime.timedelta(days=reopen_days())
    if requester and ticket.status == Ticket.Status.RESOLVED and now() - resolved_at > window:
        return (
            f"{ticket.reference} was resolved more than {reopen_days()} days ago, so it "
            "cannot be reopened. If the problem is back, ask for help again from the Help page."
        )
    return ""


def render_ticket(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    rating_form: RatingForm | None = None,
) -> HttpResponse:
    user = acting_user(request)
    requester = is_requester(ticket, user)
    rating = SatisfactionRating.objects.filter(ticket=ticket).first()
    request_files, files_by_message = _attachments_by_message(ticket)
    timeline = _timeline(request, ticket)
    for message in timeline:
        message.files = files_by_message.get(message.pk, [])  # type: ignore[attr-defined]
    context = {
        "ticket": ticket,
        "timeline": timeline,
        "request_files": request_files,
        "is_requester": requester,
        "reply_form": reply_form or ReplyForm(),
        "reply_refusal": _reply_refusal(ticket, user),
        "can_mark_fixed": portal_services.can_mark_fixed(ticket, user),
        "rating": rating,
        "rating_form": rating_form or RatingForm(),
        "can_rate": rating is None and can_rate(ticket, user),
    }
    return render(request, "servicedesk/portal_ticket_detail.html", context)


@requires("servicedesk.request")
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_ticket(request, get_ticket_for(request.user, pk))


@requires("servicedesk.request")
@require_POST
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reply_with_files(
                ticket=ticket,
                body=form.cleaned_data["body"],
                by=acting_user(request),
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            form.add_error("body" if hasattr(exc, "error_dict") else None, _words(exc))
        else:
            messages.success(request, "Your reply was added.")
            return redirect("portal:ticket_detail", pk=ticket.pk)
    return render_ticket(request, ticket, reply_form=form)


def _words(exc: ValidationError) -> str:
    if getattr(exc, "code", None) == "reopen_window_passed":
        return (
            f"This ticket was resolved more than {reopen_days()} days ago, so it cannot be "
            "reopened. If the problem is back, ask for help again from the Help page."
        )
    return " ".join(exc.messages)


@requires("servicedesk.request")
@require_POST
def ticket_fixed(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester says the problem is gone: resolve the ticket."""
    ticket = get_ticket_for(request.user, pk)
    try:
        portal_services.mark_fixed(ticket=ticket, by=acting_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Glad it is fixed. {ticket.reference} is now resolved.")
    return redirect("portal:ticket_detail", pk=ticket.pk)


@requires("servicedesk.request")
@require_POST
def ticket_rate(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_ticket_for(request.user, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rate_ticket(
                ticket=ticket,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                by=acting_user(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you for rating this ticket.")
            return redirect("portal:ticket_detail", pk=ticket.pk)
    return render_ticket(request, ticket, rating_form=form)
