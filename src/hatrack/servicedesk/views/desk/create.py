"""A ticket opened by a technician on someone's behalf (a phone call, a walk-in), with
the requester found by name, email or SIS id."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hatrack.core.permissions import requires
from hatrack.devices import holdings
from hatrack.devices.services.tickets import open_ticket_about_device
from hatrack.servicedesk import queries
from hatrack.servicedesk.forms.desk import TicketCreateForm
from hatrack.servicedesk.services import open_ticket
from hatrack.servicedesk.views.desk.common import acting_user
from hatrack.servicedesk.views.desk.ticket import ticket_url

TEMPLATE = "servicedesk/ticket_create.html"


@requires("servicedesk.work")
def ticket_create(request: HttpRequest) -> HttpResponse:
    form = TicketCreateForm(request.POST or None)
    find = request.GET.get("find", "").strip()
    if request.method == "POST" and form.is_valid():
        data, user = form.cleaned_data, acting_user(request)
        try:
            ticket = open_ticket_about_device(
                open_ticket=lambda: open_ticket(
                    queue=data["queue"],
                    subject=data["subject"],
                    description=data["description"],
                    requester=data["requester"],
                    by=user,
                    priority=data["priority"],
                    channel=data["channel"],
                ),
                device=data["device"],
                by=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{ticket.reference} was opened for {ticket.requester}.")
            return redirect(ticket_url(ticket))
    chosen = form["requester"].value() if form.is_bound else None
    context = {
        "form": form,
        "find": find,
        "matches": queries.requester_matches(find) if find else [],
        "chosen": queries.requester_matches_ids([chosen]) if chosen else [],
        **_device_context(chosen, form["device"].value() if form.is_bound else None),
    }
    return render(request, TEMPLATE, context, status=400 if form.errors else 200)


def _device_context(requester: object, picked: object) -> dict[str, object]:
    """The requester's devices for the "Device" choice, and the one picked."""
    try:
        person_pk = int(str(requester))
    except ValueError:
        person_pk = None
    return {
        "requester_devices": holdings.device_choices(person_pk),
        "picked_device": str(picked or ""),
        "requester_chosen": person_pk is not None,
    }


@requires("servicedesk.work")
def requester_devices(request: HttpRequest) -> HttpResponse:
    """The devices the chosen requester holds, as the new ticket's "Device" choice (htmx)."""
    context = _device_context(request.GET.get("requester", ""), None)
    return render(request, f"{TEMPLATE}#devices", context)


@requires("servicedesk.work")
def requester_search(request: HttpRequest) -> HttpResponse:
    """The people a search names, as choices for the new ticket's requester (htmx)."""
    find = request.GET.get("find", "").strip()
    context = {"find": find, "matches": queries.requester_matches(find) if find else []}
    return render(request, f"{TEMPLATE}#matches", context)
