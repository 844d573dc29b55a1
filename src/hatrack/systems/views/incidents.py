"""Incident pages: the list, opening one by hand, an incident with its timeline, and the
forms that change it (update, acknowledge, link a ticket, post-incident review)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hatrack.core.permissions import can, requires
from hatrack.directory.views.pages import acting_user, list_page
from hatrack.directory.working_time import district_zone
from hatrack.systems.forms.incidents import (
    IncidentFilterForm,
    IncidentForm,
    ReviewForm,
    TicketLinkForm,
    UpdateForm,
    add_service_errors,
)
from hatrack.systems.markdown_html import stored_html
from hatrack.systems.models import Incident
from hatrack.systems.queries import incidents as queries
from hatrack.systems.services import incidents as services
from hatrack.systems.services.subscribers import public_title


def posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


@requires("systems.view")
def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None, system_choices=queries.system_choices())
    filters = form.filters()
    return list_page(
        request,
        "systems/incident_list.html",
        form=form,
        rows=queries.incident_rows(filters, district_zone()),
        order=queries.INCIDENT_ORDER,
        present=queries.present_incident_rows,
        filtered=any(filters.values()),
    )


@requires("systems.work")
def incident_create(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(posted(request), zone=district_zone())
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.open_incident(by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{incident.reference} was opened.")
            return redirect("systems:incident_detail", pk=incident.pk)
    return render(request, "systems/incident_form.html", {"form": form})


def _detail(request: HttpRequest, incident: Incident, **forms: Any) -> HttpResponse:
    user = acting_user(request)
    roles = queries.systems_by_role(incident)
    shown = {s for g in roles for s in g["systems"] if s.published and s.active}
    published = [s.display_public_name for s in sorted(shown, key=lambda s: (s.tier, s.name))]
    context = {
        "incident": incident,
        # What the status page calls it (the same words: subscribers.public_title).
        "status_title": public_title(incident, published),
        "badge": queries.STATUS_BADGES.get(incident.status, ""),
        "roles": roles,
        "impact": queries.impact_summary(incident),
        "timeline": queries.timeline(incident),
        "tickets": queries.linked_tickets(incident, user),
        "alerts": queries.alerts_sent(incident),
        "can_work": can(user, "systems.work"),
        "update_form": forms.get("update_form")
        or UpdateForm(initial={"status": incident.status, "public": incident.public}),
        "ticket_form": forms.get("ticket_form") or TicketLinkForm(user=user),
    }
    status = 400 if forms else 200
    return render(request, "systems/incident_detail.html", context, status=status)


@requires("systems.view")
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, queries.incident_for_page(pk))


@requires("systems.work")
@require_POST
def incident_update(request: HttpRequest, pk: int) -> HttpResponse:
    incident = queries.incident_for_page(pk)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services.post_update(incident=incident, by=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The update was posted.")
            return redirect("systems:incident_detail", pk=incident.pk)
    return _detail(request, incident, update_form=form)


@requires("systems.work")
@require_POST
def incident_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    incident = queries.incident_for_page(pk)
    try:
        services.acknowledge_incident(incident=incident, by=acting_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{incident.reference} is acknowledged; escalation stopped.")
    return redirect("systems:incident_detail", pk=incident.pk)


@requires("systems.work")
@require_POST
def incident_link_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    incident = queries.incident_for_page(pk)
    user = acting_user(request)
    form = TicketLinkForm(request.POST, user=user)
    if form.is_valid():
        ticket = form.cleaned_data["ticket"]
        try:
            services.link_ticket(incident=incident, ticket=ticket, by=user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{ticket.reference} is linked to {incident.reference}.")
            return redirect("systems:incident_detail", pk=incident.pk)
    return _detail(request, incident, ticket_form=form)


@requires("systems.view")
def incident_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The post-incident review: read by anyone who sees incidents, written by workers."""
    incident = queries.incident_for_page(pk)
    user = acting_user(request)
    if request.method == "POST" and not can(user, "systems.work"):
        raise PermissionDenied("systems.work")
    initial = {
        "review": incident.review,
        "root_cause": incident.root_cause,
        "action_items": incident.action_items,
    }
    form = ReviewForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_review(incident=incident, by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The review was saved.")
            return redirect("systems:incident_review", pk=incident.pk)
    context = {
        "incident": incident,
        "form": form,
        "review_html": stored_html(incident.review_html),
        "action_items": [line for line in incident.action_items.splitlines() if line.strip()],
        "can_write": can(user, "systems.work") and (not incident.is_open or form.is_bound),
    }
    return render(request, "systems/incident_review.html", context)
