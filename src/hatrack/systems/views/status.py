"""The public status page (/status/): what works, what does not, planned maintenance, and
email updates. Anyone may open it. It shows only what was chosen for the public: published
systems by their public names, public incidents with their public updates, public
maintenance windows; never internal notes, hosts, check targets, vendors or owners.
A fixed number of queries, whatever the number of systems, days or updates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hatrack.core.permissions import public
from hatrack.systems.forms.status import SubscribeForm
from hatrack.systems.models import (
    OPEN_STATUSES,
    Incident,
    IncidentUpdate,
    MaintenanceWindow,
    State,
    System,
    SystemsSettings,
    UpdateKind,
)
from hatrack.systems.services import subscribers
from hatrack.systems.services.subscribers import public_title
from hatrack.systems.uptime import daily_uptime, format_percent

PLAIN_STATE = {
    State.OPERATIONAL: "Operational",
    State.DEGRADED: "Degraded performance",
    State.DOWN: "Outage",
    State.MAINTENANCE: "Under maintenance",
    State.UNKNOWN: "Status not known",
}
PROBLEM_STATES = {State.DOWN, State.DEGRADED}
UPTIME_DAYS = 90
MAINTENANCE_AHEAD = timedelta(days=30)


def _published() -> Prefetch[Any]:
    return Prefetch(
        "systems",
        queryset=System.objects.published().only("id", "name", "public_name", "tier"),
        to_attr="public_systems",
    )


def _systems() -> list[dict[str, Any]]:
    systems = list(
        System.objects.published()
        .only("id", "name", "public_name", "public_description", "state", "tier")
        .order_by("tier", "public_name", "name")
    )
    days = daily_uptime([s.pk for s in systems], days=UPTIME_DAYS)
    rows = []
    for system in systems:
        history = days.get(system.pk, [])
        known = [d.percent for d in history if d.percent is not None]
        rows.append(
            {
                "name": system.display_public_name,
                "description": system.public_description,
                "state": system.state,
                "state_words": PLAIN_STATE.get(State(system.state), "Status not known"),
                "days": history,
                "uptime": (
                    f"{format_percent(sum(known) / len(known))} uptime"
                    if known
                    else "Not monitored"
                ),
            }
        )
    return rows


def _incidents() -> list[dict[str, Any]]:
    updates = Prefetch(
        "updates",
        queryset=IncidentUpdate.objects.filter(public=True, kind=UpdateKind.UPDATE)
        .only("id", "incident_id", "status", "body", "created_at")
        .order_by("-created_at", "-id"),
        to_attr="public_updates",
    )
    incidents = (
        Incident.objects.filter(public=True, status__in=OPEN_STATUSES)
        .only("id", "public_title", "status", "impact_level", "started_at")
        .prefetch_related(_published(), updates)
        .order_by("-started_at", "-id")[:20]
    )
    return [_present_incident(i) for i in incidents]


def _present_incident(incident: Incident) -> dict[str, Any]:
    names = [s.display_public_name for s in getattr(incident, "public_systems", [])]
    return {
        "title": public_title(incident, names),
        "status": incident.get_status_display(),
        "impact": incident.get_impact_level_display(),
        "started_at": incident.started_at,
        "systems": names,
        "updates": [
            {"status": u.get_status_display(), "body": u.body, "at": u.created_at}
            for u in getattr(incident, "public_updates", [])
        ],
    }


def _maintenance() -> list[dict[str, Any]]:
    now = timezone.now()
    windows = (
        MaintenanceWindow.objects.filter(
            public=True, cancelled=False, ends_at__gt=now, starts_at__lt=now + MAINTENANCE_AHEAD
        )
        .only("id", "title", "description", "starts_at", "ends_at")
        .prefetch_related(_published())
        .order_by("starts_at", "id")[:20]
    )
    return [
        {
            "title": w.title,
            "description": w.description,
            "starts_at": w.starts_at,
            "ends_at": w.ends_at,
            "active": w.starts_at <= now,
            "systems": [s.display_public_name for s in getattr(w, "public_systems", [])],
        }
        for w in windows
    ]


def _page(request: HttpRequest, form: SubscribeForm, status: int = 200) -> HttpResponse:
    systems = _systems()
    incidents = _incidents()
    trouble = bool(incidents) or any(s["state"] in PROBLEM_STATES for s in systems)
    context = {
        "settings": SystemsSettings.load(),
        "systems": systems,
        "incidents": incidents,
        "maintenance": _maintenance(),
        "banner": "Some systems are having problems" if trouble else "All systems operational",
        "trouble": trouble,
        "form": form,
        "days": UPTIME_DAYS,
    }
    return render(request, "systems/status_page.html", context, status=status)


@public
def page(request: HttpRequest) -> HttpResponse:
    return _page(request, SubscribeForm())


SUBSCRIBED = (
    "Thank you. If this address can take our mail, a message with a confirmation link is "
    "on its way; updates start once you confirm."
)


@public
@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the address was known (nobody learns who subscribed).
    One client may ask SUBSCRIBES_PER_HOUR times an hour, so the form cannot be used to
    mail confirmation links to a list of strangers."""
    form = SubscribeForm(request.POST)
    if form.is_valid() and not _may_subscribe(request):
        form.add_error(None, "Too many requests from your network; try again in an hour.")
        return _page(request, form, status=429)
    if form.is_valid():
        try:
            subscribers.subscribe(email=form.cleaned_data["email"])
        except ValidationError as exc:
            form.add_error("email", exc.message_dict.get("email", exc.messages))
    if not form.is_valid():
        return _page(request, form, status=400)
    messages.success(request, SUBSCRIBED)
    return redirect("status:page")


SUBSCRIBES_PER_HOUR = 10


def _may_subscribe(request: HttpRequest) -> bool:
    """Count this client's requests for the hour in the shared cache (fixed window)."""
    key = f"status:subscribe:{get_client_ip_address(request) or 'unknown'}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= SUBSCRIBES_PER_HOUR
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=3600)
        return True


def _token_page(request: HttpRequest, token: str, action: str) -> HttpResponse:
    """GET shows one button (mail scanners follow links); POST does it."""
    if request.method == "POST":
        done = (
            subscribers.confirm(token=token)
            if action == "confirm"
            else subscribers.unsubscribe(token=token)
        )
        if done is None:
            context = {"action": action, "invalid": True}
            return render(request, "systems/status_confirm.html", context, status=404)
        messages.success(
            request,
            "Your subscription is confirmed."
            if action == "confirm"
            else "You will get no more status emails.",
        )
        return redirect("status:page")
    context = {"action": action, "settings": SystemsSettings.load()}
    return render(request, "systems/status_confirm.html", context)


@public
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, "confirm")


@public
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, "unsubscribe")
