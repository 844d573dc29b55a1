"""Bulk actions from the queue: assign, set status, close or merge the chosen tickets,
reported in words (n changed, m refused and why), then back to the same filters."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from hatrack.accounts.models import User
from hatrack.core.permissions import requires
from hatrack.servicedesk import queries
from hatrack.servicedesk.forms.desk import BulkForm
from hatrack.servicedesk.models import Ticket
from hatrack.servicedesk.services.triage import (
    TriageOutcome,
    triage_assign,
    triage_merge,
    triage_status,
)
from hatrack.servicedesk.views.desk.common import acting_user, error_words, redirect_to


def _chosen(request: HttpRequest, user: User) -> list[Ticket]:
    ids = {int(value) for value in request.POST.getlist("ticket") if value.isdigit()}
    return list(queries.tickets_visible_to(user).filter(pk__in=ids).order_by("pk"))


def _apply(form: BulkForm, tickets: list[Ticket], user: User) -> tuple[TriageOutcome, str]:
    action = form.cleaned_data["action"]
    if action in ("assign_me", "assign"):
        assignee = user if action == "assign_me" else _worker(form.cleaned_data["assignee"])
        verb = "assigned to you" if assignee == user else f"assigned to {assignee or 'nobody'}"
        return triage_assign(tickets=tickets, assignee=assignee, by=user), verb
    if action in ("status", "close"):
        status = Ticket.Status.CLOSED if action == "close" else form.cleaned_data["status"]
        outcome = triage_status(tickets=tickets, status=status, by=user)
        return outcome, f"set to {Ticket.Status(status).label.lower()}"
    number = form.cleaned_data["into"]
    if number is None:
        raise ValidationError("Write the reference of the ticket to merge into.")
    into = queries.tickets_visible_to(user).filter(pk=number).first()
    if into is None:
        raise ValidationError(f"No ticket {number} that you can see to merge into.")
    return triage_merge(tickets=tickets, into=into, by=user), f"merged into {into.reference}"


def _worker(pk: int | None) -> User | None:
    return User.objects.filter(pk=pk).first() if pk is not None else None


@requires("servicedesk.work")
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = BulkForm(request.POST, workers=queries.worker_choices())
    back = reverse("servicedesk:queue")
    if request.POST.get("next"):
        back += "?" + request.POST["next"]
    if not form.is_valid():
        fields = ", ".join(str(form.fields[name].label) for name in form.errors)
        messages.error(request, f"Nothing changed: check the {fields}.")
        return redirect_to(request, back)
    try:
        outcome, verb = _apply(form, _chosen(request, user), user)
    except ValidationError as exc:
        messages.error(request, f"Nothing changed: {error_words(exc)}")
    else:
        level = messages.WARNING if outcome.refused else messages.SUCCESS
        messages.add_message(request, level, outcome.summary(verb))
    return redirect_to(request, back)
