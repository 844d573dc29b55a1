"""Changes from a ticket's page: its fields, a quick status (resolve, reopen, close),
merging it into another ticket, and splitting a message off into a new one."""

from __future__ import annotations

from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from hatrack.accounts.models import User
from hatrack.core.permissions import requires
from hatrack.servicedesk import queries
from hatrack.servicedesk.forms.desk import MergeForm, SplitForm
from hatrack.servicedesk.models import Category, Team, Ticket
from hatrack.servicedesk.services import merge_tickets, set_ticket_status
from hatrack.servicedesk.services.desk import update_ticket
from hatrack.servicedesk.services.split import split_message
from hatrack.servicedesk.views.desk.common import acting_user
from hatrack.servicedesk.views.desk.ticket import fields_form, refused, ticket_page, ticket_url

M = TypeVar("M", bound=Model)
QUICK_STATUS = {
    "resolve": (Ticket.Status.RESOLVED, "resolved"),
    "reopen": (Ticket.Status.OPEN, "reopened"),
    "close": (Ticket.Status.CLOSED, "closed"),
}


def _record(model: type[M], pk: int | None) -> M | None:
    return model._default_manager.filter(pk=pk).first() if pk is not None else None


@requires("servicedesk.work")
@require_POST
def ticket_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    ticket = queries.get_ticket_for(user, pk)
    form = fields_form(ticket, request.POST)
    if not form.is_valid():
        return ticket_page(request, ticket, status=400, fields_form=form)
    data = form.cleaned_data
    try:
        update_ticket(
            ticket=ticket,
            by=user,
            status=data["status"],
            priority=data["priority"],
            category=_record(Category, data["category"]),
            assignee=_record(User, data["assignee"]),
            team=_record(Team, data["team"]),
            tags=form.tag_names(),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return ticket_page(request, ticket, status=400, fields_form=form)
    messages.success(request, f"{ticket.reference} was saved.")
    return redirect(ticket_url(ticket))


@requires("servicedesk.work")
@require_POST
def ticket_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve, reopen or close in one click (closed tickets reopen only by leaders)."""
    user = acting_user(request)
    ticket = queries.get_ticket_for(user, pk)
    status, done = QUICK_STATUS.get(request.POST.get("to", ""), (None, ""))
    if status is None:
        messages.error(request, "Choose resolve, reopen or close.")
        return redirect(ticket_url(ticket))
    try:
        set_ticket_status(ticket=ticket, status=status, by=user)
    except ValidationError as exc:
        return refused(request, ticket, exc)
    messages.success(request, f"{ticket.reference} was {done}.")
    return redirect(ticket_url(ticket))


@requires("servicedesk.work")
@require_POST
def ticket_merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    ticket = queries.get_ticket_for(user, pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        into = queries.tickets_visible_to(user).filter(pk=form.cleaned_data["into"]).first()
        if into is None:
            form.add_error("into", "No ticket with this reference that you can see.")
        else:
            try:
                merge_tickets(duplicate=ticket, into=into, by=user)
            except ValidationError as exc:
                form.add_error("into", exc)
            else:
                messages.success(request, f"{ticket.reference} was merged into {into.reference}.")
                return redirect(ticket_url(into))
    return ticket_page(request, ticket, status=400, merge_form=form)


@requires("servicedesk.work")
@require_POST
def ticket_split(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    ticket = queries.get_ticket_for(user, pk)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a message to split off.")
        return redirect(ticket_url(ticket))
    message = queries.messages_for(user, ticket).filter(pk=form.cleaned_data["message"]).first()
    if message is None:
        messages.error(request, "That message is not on this ticket any more; reload the page.")
        return redirect(ticket_url(ticket))
    try:
        new = split_message(message=message, by=user, subject=form.cleaned_data["subject"])
    except ValidationError as exc:
        return refused(request, ticket, exc)
    messages.success(request, f"The message is now {new.reference}, split from {ticket.reference}.")
    return redirect(ticket_url(new))
