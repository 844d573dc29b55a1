"""A ticket's page for the desk: the whole timeline with internal notes, the reply box
with canned responses, the ticket's fields, and beside it the requester's other tickets,
linked records and files. New messages announce themselves without a reload."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hatrack.accounts.models import User
from hatrack.core.permissions import can, requires
from hatrack.devices import holdings
from hatrack.devices.models import Device
from hatrack.servicedesk import queries
from hatrack.servicedesk.forms.desk import MergeForm, ReplyForm, SplitForm, TicketFieldsForm
from hatrack.servicedesk.models import Ticket
from hatrack.servicedesk.services.desk import render_canned
from hatrack.servicedesk.services.replies import reply_with_files
from hatrack.servicedesk.views.desk.common import acting_user, error_words

TEMPLATE = "servicedesk/ticket_detail.html"


def fields_form(ticket: Ticket, data: Any = None) -> TicketFieldsForm:
    choices = {
        "category": queries.queue_categories(ticket.queue_id),
        "team": queries.queue_teams(ticket.queue_id),
        "assignee": queries.worker_choices(),
    }
    initial = {
        "status": ticket.status,
        "priority": ticket.priority,
        "category": ticket.category_id,
        "assignee": ticket.assignee_id,
        "team": ticket.team_id,
        "tags": ", ".join(queries.ticket_tag_names(ticket)),
    }
    return TicketFieldsForm(data, initial=initial, choices=choices)


def _timeline(user: User, ticket: Ticket) -> tuple[list[Any], list[dict[str, Any]]]:
    """The messages, each with the files that came with it, and the ticket's other files."""
    timeline = list(queries.messages_for(user, ticket))
    files = queries.ticket_attachments(ticket)
    by_message: dict[int, list[dict[str, Any]]] = {}
    loose = []
    for row in files:
        if row["message_id"] is None:
            loose.append(row)
        else:
            by_message.setdefault(row["message_id"], []).append(row)
    for message in timeline:
        message.files = by_message.get(message.pk, [])  # type: ignore[attr-defined]
    return timeline, loose


def ticket_page(
    request: HttpRequest, ticket: Ticket, status: int = 200, **forms: Any
) -> HttpResponse:
    """The ticket's page, with any bound forms given (to show their errors)."""
    user = acting_user(request)
    canned = list(queries.canned_responses_for(user, ticket.queue_id))
    timeline, loose_files = _timeline(user, ticket)
    context = {
        "ticket": ticket,
        "timeline": timeline,
        "last_message_id": timeline[-1].pk if timeline else 0,
        "loose_files": loose_files,
        "other_tickets": queries.requester_other_tickets(user, ticket),
        "links": queries.ticket_links(ticket, skip=(Device,)),
        "linked_devices": holdings.ticket_devices(ticket.pk),
        "tags": queries.ticket_tag_names(ticket),
        "can_work": can(user, "servicedesk.work"),
        "closed_for_me": ticket.status == Ticket.Status.CLOSED
        and not can(user, "servicedesk.manage"),
        "reply_form": forms.get("reply_form") or ReplyForm(canned=canned),
        "fields_form": forms.get("fields_form") or fields_form(ticket),
        "merge_form": forms.get("merge_form") or MergeForm(),
        "split_form": forms.get("split_form") or SplitForm(),
    }
    return render(request, TEMPLATE, context, status=status)


@requires("servicedesk.view")
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return ticket_page(request, queries.get_ticket_for(request.user, pk))


@requires("servicedesk.view")
def ticket_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """The live check of a ticket's page: 204 while no message arrived after `since`,
    else a notice of how many did, with a link that shows them."""
    ticket = queries.get_ticket_for(request.user, pk)
    since = request.GET.get("since", "")
    after = int(since) if since.isdigit() else 0
    arrived = queries.messages_after(request.user, ticket, after)
    if not arrived:
        return HttpResponse(status=204)
    context = {"ticket": ticket, "arrived": arrived, "last_message_id": after}
    return render(request, f"{TEMPLATE}#arrivals", context)


@requires("servicedesk.work")
def ticket_canned(request: HttpRequest, pk: int) -> HttpResponse:
    """A canned response filled in for this ticket, as plain text for the reply box."""
    user = acting_user(request)
    ticket = queries.get_ticket_for(user, pk)
    chosen = request.GET.get("canned", "")
    number = int(chosen) if chosen.isdigit() else 0
    canned = queries.canned_responses_for(user, ticket.queue_id).filter(pk=number).first()
    text = render_canned(body=canned.body, ticket=ticket, technician=user) if canned else ""
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def _insert_canned(request: HttpRequest, ticket: Ticket, form: ReplyForm) -> HttpResponse:
    """Without JavaScript: the chosen response is added to the text already written."""
    user = acting_user(request)
    canned = (
        queries.canned_responses_for(user, ticket.queue_id)
        .filter(pk=form.cleaned_data["canned"])
        .first()
    )
    data = request.POST.copy()
    if canned is not None:
        text = render_canned(body=canned.body, ticket=ticket, technician=user)
        data["body"] = "\n\n".join(part for part in (data.get("body", "").rstrip(), text) if part)
    data["canned"] = ""
    bound = ReplyForm(data, canned=list(queries.canned_responses_for(user, ticket.queue_id)))
    bound.is_valid()
    return ticket_page(request, ticket, reply_form=bound)


@requires("servicedesk.work")
@require_POST
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    ticket = queries.get_ticket_for(user, pk)
    canned = list(queries.canned_responses_for(user, ticket.queue_id))
    form = ReplyForm(request.POST, request.FILES, canned=canned)
    if not form.is_valid():
        return ticket_page(request, ticket, status=400, reply_form=form)
    if "insert" in request.POST:
        return _insert_canned(request, ticket, form)
    internal = form.cleaned_data["internal"]
    try:
        message = reply_with_files(
            ticket=ticket,
            body=form.cleaned_data["body"],
            by=user,
            files=form.cleaned_data["attachments"],
            internal=internal,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "body" in exc.error_dict:
            form.add_error("body", exc.error_dict["body"])
        else:
            form.add_error(None, exc)
        return ticket_page(request, ticket, status=400, reply_form=form)
    messages.success(request, "Internal note added." if internal else "Reply sent.")
    return redirect(f"{ticket_url(ticket)}#message-{message.pk}")


def ticket_url(ticket: Ticket) -> str:
    from django.urls import reverse

    return reverse("servicedesk:ticket_detail", args=[ticket.pk])


def refused(request: HttpRequest, ticket: Ticket, exc: ValidationError) -> HttpResponse:
    messages.error(request, f"Nothing changed: {error_words(exc)}")
    return redirect(ticket_url(ticket))
